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

export const SEX_WORDS: Record<string, string> = {
  female: 'Female',
  male: 'Male',
  other: 'Other',
  unknown: 'Sex unknown',
};

export const RECORD_TYPE_WORDS: Record<string, string> = {
  pathology_report: 'Pathology report',
  operative_report: 'Operative report',
  discharge_summary: 'Discharge summary',
  imaging_ct: 'CT',
  imaging_mri: 'MRI',
  imaging_xray: 'X-ray',
  imaging_pet: 'PET',
  imaging_other: 'Other imaging',
  medication_list: 'Medication list',
  prior_treatments: 'Prior treatments',
  lab_result: 'Lab result',
  genetic_test: 'Genetic test',
  other: 'Other record',
};

export const REFERRAL_REASON_WORDS: Record<string, string> = {
  patient_request: 'The patient asked for a second opinion',
  referral_expertise: 'Referred for expertise',
  rare_cancer: 'Rare cancer',
  insurance_required: 'Required by the insurer',
  suspected_cancer_ruled_out: 'Suspected cancer to be ruled out',
  other: 'Other reason',
};

export const INITIATOR_WORDS: Record<string, string> = {
  patient: 'The patient',
  physician: 'The referring physician',
};

export const MODALITY_WORDS: Record<string, string> = {
  surgery: 'Surgery',
  systemic_therapy: 'Systemic therapy',
  radiation: 'Radiation therapy',
  clinical_trial: 'Clinical trial',
  genetic_counseling: 'Genetic counselling',
  surveillance: 'Surveillance',
  supportive: 'Supportive care',
};

export const INTENT_WORDS: Record<string, string> = {
  curative: 'Curative',
  palliative: 'Palliative',
  diagnostic: 'Diagnostic',
  supportive: 'Supportive',
};

export const SETTING_WORDS: Record<string, string> = {
  neoadjuvant: 'Neoadjuvant',
  adjuvant: 'Adjuvant',
  perioperative: 'Perioperative',
  definitive: 'Definitive',
  palliative: 'Palliative',
  maintenance: 'Maintenance',
  metastatic: 'Metastatic',
};

export const LATERALITY_WORDS: Record<string, string> = {
  left: 'Left',
  right: 'Right',
  bilateral: 'Both sides',
  midline: 'Midline',
  not_applicable: 'Not a paired organ',
  unknown: 'Side unknown',
};

/** Options for a select from one of these lists, in its order. */
export const optionsOf = (list: Record<string, string>, only?: readonly string[]): { value: string; label: string }[] =>
  Object.entries(list)
    .filter(([value]) => only === undefined || only.includes(value))
    .map(([value, label]) => ({ value, label }));

/** A code from one of the lists above, in words (or the code made readable when unknown). */
export const labelOf = (list: Record<string, string>, code: string): string => list[code] ?? words(code);

/** The kinds of finding a pathologist or radiologist attaches to an annotation. */
export const FINDING_TYPE_WORDS: Record<string, string> = {
  histologic_type: 'Histologic type',
  grade: 'Grade',
  margins: 'Margins',
  lymph_nodes: 'Lymph nodes',
  receptor_status: 'Receptor status',
  tumor_size: 'Tumour size',
  imaging_finding: 'Imaging finding',
  other: 'Other finding',
};
