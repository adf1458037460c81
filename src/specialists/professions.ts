/**
 * A specialist's profession, for continuing-education rosters and
 * certificates (who may claim which credit depends on it). Null when not
 * recorded: never guessed from a discipline.
 */
export const PROFESSIONS = [
  'physician',
  'nurse',
  'nurse_practitioner',
  'physician_assistant',
  'genetic_counselor',
  'medical_physicist',
  'pharmacist',
  'social_worker',
  'dietitian',
  'other',
] as const;
export type Profession = (typeof PROFESSIONS)[number];

export const PROFESSION_WORDS: Record<Profession, string> = {
  physician: 'Physician',
  nurse: 'Nurse',
  nurse_practitioner: 'Nurse practitioner',
  physician_assistant: 'Physician assistant',
  genetic_counselor: 'Genetic counselor',
  medical_physicist: 'Medical physicist',
  pharmacist: 'Pharmacist',
  social_worker: 'Social worker',
  dietitian: 'Dietitian',
  other: 'Other',
};

/** The profession in words; "Not recorded" for null. */
export const professionLabel = (p: Profession | null): string => (p === null ? 'Not recorded' : PROFESSION_WORDS[p]);
