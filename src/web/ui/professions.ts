/** A specialist's profession in words (CME rosters, certificates, the admin's specialist page). */
export const PROFESSION_WORDS: Record<string, string> = {
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

/** "Not recorded" when null: a profession is never guessed. */
export const professionWords = (p: string | null): string => (p === null ? 'Not recorded' : (PROFESSION_WORDS[p] ?? p));

/** "Dr Ana Pereira, MD, PhD". */
export const nameWithCredentials = (p: { displayName: string; credentials: string | null }): string =>
  p.credentials === null ? p.displayName : `${p.displayName}, ${p.credentials}`;
