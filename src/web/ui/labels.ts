/** Clinical code lists in the words clinicians use. */
import { words } from './format.js';

export const DISCIPLINE_WORDS: Record<string, string> = {
  medical_oncology: 'Medical oncology',
  surgical_oncology: 'Surgical oncology',
  radiation_oncology: 'Radiation oncology',
  pathology: 'Pathology',
  radiology: 'Radiology',
  genetic_counseling: 'Genetic counselling',
  nurse_navigation: 'Nurse navigation',
  palliative_care: 'Palliative care',
  other: 'Other',
};

export const CHANGE_TYPE_WORDS: Record<string, string> = {
  malignancy: 'Malignant or not',
  primary_site: 'Primary site',
  histology: 'Histology',
  grade: 'Grade',
  stage: 'Stage',
  biomarker: 'Biomarkers',
  laterality: 'Laterality',
  additional_cancer: 'Additional cancer found',
  germline_finding: 'Germline finding',
};

export const PRESENTATION_REASON_WORDS: Record<string, string> = {
  newly_diagnosed_pretreatment: 'Newly diagnosed, before treatment',
  newly_diagnosed_additional_treatment: 'Newly diagnosed, further treatment',
  adjuvant_recurrence_progression: 'Adjuvant, recurrence or progression',
  supportive_palliative: 'Supportive or palliative care',
  information_teaching: 'Information or teaching',
  not_recorded: 'Not recorded',
};

/** A code from one of the lists above, in words (or the code made readable when unknown). */
export const labelOf = (list: Record<string, string>, code: string): string => list[code] ?? words(code);
