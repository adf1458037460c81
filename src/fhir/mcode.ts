/**
 * Code systems and the codes Consilium writes and reads in FHIR R4 / mCODE
 * 4.0.0 (hl7.fhir.us.mcode 4.0.0, its StructureDefinitions and value sets
 * being the reference). Pure tables, one place for export and import, so
 * that what goes out comes back as the same clinical fact.
 */
import type { StageBasis, TnmElement } from '../cases/clinical/staging.js';

export const MCODE = 'http://hl7.org/fhir/us/mcode/StructureDefinition';
export const SYS = {
  icdo3: 'http://terminology.hl7.org/CodeSystem/icd-o-3',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  // mCODE 4.0.0 writes the NCI Thesaurus without the trailing '#'.
  ncit: 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl',
  ajcc: 'http://cancerstaging.org',
  ucum: 'http://unitsofmeasure.org',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  roleCode: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
  provenanceParticipant: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
  /** Consilium's own small vocabularies (modality, treatment setting, biomarker result fields). */
  consilium: 'https://consilium.health/fhir/CodeSystem',
  /** Identifier systems Consilium issues. */
  mrn: 'https://consilium.health/fhir/sid/mrn',
  caseId: 'https://consilium.health/fhir/sid/case',
} as const;

export const PROFILE = {
  patient: `${MCODE}/mcode-cancer-patient`,
  primary: `${MCODE}/mcode-primary-cancer-condition`,
  secondary: `${MCODE}/mcode-secondary-cancer-condition`,
  stageGroup: `${MCODE}/mcode-tnm-stage-group`,
  t: `${MCODE}/mcode-tnm-primary-tumor-category`,
  n: `${MCODE}/mcode-tnm-regional-nodes-category`,
  m: `${MCODE}/mcode-tnm-distant-metastases-category`,
  cancerStage: `${MCODE}/mcode-cancer-stage`,
  tumorMarker: `${MCODE}/mcode-tumor-marker-test`,
  ecog: `${MCODE}/mcode-ecog-performance-status`,
  grade: `${MCODE}/mcode-histologic-grade`,
  medicationRequest: `${MCODE}/mcode-cancer-related-medication-request`,
  bundle: `${MCODE}/mcode-patient-bundle`,
  histologyExt: `${MCODE}/mcode-histology-morphology-behavior`,
  lateralityExt: `${MCODE}/mcode-laterality-qualifier`,
  procedureIntentExt: `${MCODE}/mcode-procedure-intent`,
  relatedConditionExt: `${MCODE}/mcode-related-condition`,
} as const;

export interface Code {
  system: string;
  code: string;
  display?: string;
}

/**
 * TNM Observation codes by basis (LOINC, as mCODE 4.0.0's staging-type max
 * value sets list them; DOMAIN.md): clinical 21908-9 stage group, 21905-5 /
 * 21906-3 / 21907-1 T / N / M; pathological 21902-2, 21899-0 / 21900-6 /
 * 21901-4; anything else (post-therapy, recurrence) the "other" codes 21914-7,
 * 21911-3 / 21912-1 / 21913-9. The SNOMED CT code of the preferred value set
 * goes with it.
 */
type TnmKey = TnmElement | 'group';
const LOINC_TNM: Record<'clinical' | 'pathological' | 'other', Record<TnmKey, [string, string]>> = {
  clinical: {
    group: ['21908-9', 'Stage group.clinical Cancer'],
    t: ['21905-5', 'Primary tumor.clinical [Class] Cancer'],
    n: ['21906-3', 'Regional lymph nodes.clinical [Class] Cancer'],
    m: ['21907-1', 'Distant metastases.clinical [Class] Cancer'],
  },
  pathological: {
    group: ['21902-2', 'Stage group.pathology Cancer'],
    t: ['21899-0', 'Primary tumor.pathology Cancer'],
    n: ['21900-6', 'Regional lymph nodes.pathology [Class] Cancer'],
    m: ['21901-4', 'Distant metastases.pathology [Class] Cancer'],
  },
  other: {
    group: ['21914-7', 'Stage group.other Cancer'],
    t: ['21911-3', 'Primary tumor.other [Class] Cancer'],
    n: ['21912-1', 'Regional lymph nodes.other [Class] Cancer'],
    m: ['21913-9', 'Distant metastases.other [Class] Cancer'],
  },
};
const SNOMED_TNM: Record<'clinical' | 'pathological' | 'other', Record<TnmKey, [string, string]>> = {
  clinical: {
    group: ['399537006', 'Clinical TNM stage grouping'],
    t: ['399504009', 'cT category'],
    n: ['399534004', 'cN category'],
    m: ['399387003', 'cM category'],
  },
  pathological: {
    group: ['399588009', 'Pathologic TNM stage grouping'],
    t: ['384625004', 'pT category'],
    n: ['371494008', 'pN category'],
    m: ['371497001', 'pM category'],
  },
  other: {
    group: ['399390009', 'TNM stage grouping'],
    t: ['78873005', 'T category'],
    n: ['277206009', 'N category'],
    m: ['277208005', 'M category'],
  },
};

const basisFamily = (basis: StageBasis): 'clinical' | 'pathological' | 'other' =>
  basis === 'clinical' ? 'clinical' : basis === 'pathological' ? 'pathological' : 'other';

export function tnmCodes(basis: StageBasis, key: TnmKey): Code[] {
  const f = basisFamily(basis);
  return [
    { system: SYS.snomed, code: SNOMED_TNM[f][key][0], display: SNOMED_TNM[f][key][1] },
    { system: SYS.loinc, code: LOINC_TNM[f][key][0], display: LOINC_TNM[f][key][1] },
  ];
}

/** What a TNM Observation code says: its element and, for clinical and pathological codes, the basis. */
export function readTnmCode(c: Code): { key: TnmKey; family: 'clinical' | 'pathological' | 'other' } | undefined {
  for (const table of [LOINC_TNM, SNOMED_TNM]) {
    const system = table === LOINC_TNM ? SYS.loinc : SYS.snomed;
    if (c.system !== system) continue;
    for (const family of ['clinical', 'pathological', 'other'] as const)
      for (const key of ['group', 't', 'n', 'm'] as const) if (table[family][key][0] === c.code) return { key, family };
  }
  return undefined;
}

/** AJCC staging manual editions (mCODE TNM staging method value set). */
export const AJCC_METHOD: Record<number, Code> = {
  6: { system: SYS.snomed, code: '444256004', display: 'AJCC Cancer Staging Manual, 6th edition' },
  7: { system: SYS.snomed, code: '443830009', display: 'AJCC Cancer Staging Manual, 7th edition' },
  8: { system: SYS.snomed, code: '897275008', display: 'AJCC Cancer Staging Manual, 8th edition' },
  9: { system: SYS.snomed, code: '1269566009', display: 'AJCC Cancer Staging Manual, 9th version' },
};
export function ajccEditionOf(c: Code): number | undefined {
  const hit = Object.entries(AJCC_METHOD).find(([, m]) => m.system === c.system && m.code === c.code);
  return hit === undefined ? undefined : Number(hit[0]);
}

/** Laterality qualifier (mCODE laterality value set, SNOMED CT). */
export const LATERALITY: Record<string, Code> = {
  left: { system: SYS.snomed, code: '7771000', display: 'Left (qualifier value)' },
  right: { system: SYS.snomed, code: '24028007', display: 'Right (qualifier value)' },
  bilateral: { system: SYS.snomed, code: '51440002', display: 'Right and left (qualifier value)' },
};

/** Procedure intent (mCODE procedure-intent value set). */
export const INTENT: Record<string, Code> = {
  curative: { system: SYS.snomed, code: '373808002', display: 'Curative - procedure intent' },
  palliative: { system: SYS.snomed, code: '363676003', display: 'Palliative - procedure intent' },
  supportive: { system: SYS.snomed, code: '399707004', display: 'Supportive - procedure intent' },
  diagnostic: { system: SYS.snomed, code: '261004008', display: 'Diagnostic intent' },
};

/** Other staging systems as mCODE CancerStage Observations (code, method). */
export const SYSTEM_STAGE_CODES: Record<string, { code: Code; method?: (histology: string | null) => Code }> = {
  lugano: {
    code: { system: SYS.ncit, code: 'C141147', display: 'Lugano Stage' },
    // Hodgkin lymphoma is ICD-O-3 965–966.
    method: (h) =>
      h !== null && /^96[56]/.test(h)
        ? {
            system: SYS.ncit,
            code: 'C141189',
            display: 'Lugano Classification Adult Hodgkin Lymphoma by AJCC v8 Stage',
          }
        : {
            system: SYS.ncit,
            code: 'C141158',
            display: 'Lugano Classification Adult Non-Hodgkin Lymphoma by AJCC v8 Stage',
          },
  },
  figo: {
    code: {
      system: SYS.snomed,
      code: '385361009',
      display: 'International Federation of Gynecology and Obstetrics stage for gynecological malignancy',
    },
  },
  r_iss: { code: { system: SYS.ncit, code: 'C141392', display: 'RISS Stage' } },
};

/** FIGO stage values (mCODE FIGO stage value set, NCI Thesaurus). */
export const FIGO_VALUES: Record<string, string> = Object.fromEntries(
  (
    'C96243:0 C96244:I C96245:IA C96246:IA1 C96247:IA2 C96248:IB C96249:IB1 C96250:IB2 C162222:IB3 C96251:IC ' +
    'C128099:IC1 C128100:IC2 C128101:IC3 C96252:II C96253:IIA C162223:IIA1 C162224:IIA2 C96254:IIB C96255:III ' +
    'C96256:IIIA C128102:IIIA1 C128105:IIIA2 C96257:IIIB C96258:IIIC C96259:IIIC1 C96260:IIIC2 C96261:IV ' +
    'C96262:IVA C96263:IVB'
  )
    .split(' ')
    .map((pair) => {
      const [code, stage] = pair.split(':');
      return [stage, code];
    }),
);
export const RISS_VALUES: Record<string, string> = { I: 'C141394', II: 'C141395', III: 'C141396' };

/**
 * Histologic grade (mCODE histologic grade value set: SNOMED CT low,
 * intermediate, high). The grade as the pathologist wrote it (G2, GG3,
 * WHO2…) is the text.
 */
export const GRADE_VALUE: Record<string, Code> = {
  low: { system: SYS.snomed, code: '1155708003', display: 'Low histologic grade (qualifier value)' },
  intermediate: { system: SYS.snomed, code: '1286893008', display: 'Intermediate histologic grade (qualifier value)' },
  high: { system: SYS.snomed, code: '1155707008', display: 'High histologic grade (qualifier value)' },
};
export function gradeBand(grade: string): keyof typeof GRADE_VALUE | undefined {
  if (grade === 'G1' || grade === 'low') return 'low';
  if (grade === 'G2') return 'intermediate';
  if (grade === 'G3' || grade === 'G4' || grade === 'high') return 'high';
  return undefined;
}

/** ECOG answers (LOINC LL529-9, the answers of 89247-1). */
export const ECOG_ANSWERS = ['LA9622-7', 'LA9623-5', 'LA9624-3', 'LA9625-0', 'LA9626-8', 'LA9627-6'];

/**
 * Tumor marker codes (LOINC, from mCODE's tumor marker test value set where
 * it has one): `presence` for a result read as positive/negative, `percent`
 * for the share of stained cells, `quantity` for a serum level.
 */
export const MARKER_LOINC: Record<string, { presence?: Code; percent?: Code; quantity?: Code & { unit: string } }> = {
  ER: {
    presence: {
      system: SYS.loinc,
      code: '85337-4',
      display: 'Estrogen receptor Ag [Presence] in Breast cancer specimen by Immune stain',
    },
    percent: {
      system: SYS.loinc,
      code: '85329-1',
      display: 'Cells.estrogen receptor/100 cells in Breast cancer specimen by Immune stain',
    },
  },
  PR: {
    presence: {
      system: SYS.loinc,
      code: '85339-0',
      display: 'Progesterone receptor Ag [Presence] in Breast cancer specimen by Immune stain',
    },
    percent: {
      system: SYS.loinc,
      code: '85325-9',
      display: 'Cells.progesterone receptor/100 cells in Breast cancer specimen by Immune stain',
    },
  },
  HER2: { presence: { system: SYS.loinc, code: '48676-1', display: 'HER2 [Interpretation] in Tissue' } },
  MSI: {
    presence: {
      system: SYS.loinc,
      code: '81695-9',
      display: 'Microsatellite instability [Interpretation] in Cancer specimen Qualitative',
    },
  },
  PSA: {
    quantity: {
      system: SYS.loinc,
      code: '2857-1',
      display: 'Prostate specific Ag [Mass/volume] in Serum or Plasma',
      unit: 'ng/mL',
    },
  },
  CEA: {
    quantity: {
      system: SYS.loinc,
      code: '2039-6',
      display: 'Carcinoembryonic Ag [Mass/volume] in Serum or Plasma',
      unit: 'ng/mL',
    },
  },
  'CA-125': {
    quantity: {
      system: SYS.loinc,
      code: '10334-1',
      display: 'Cancer Ag 125 [Units/volume] in Serum or Plasma',
      unit: '[iU]/mL',
    },
  },
};

export type MarkerResultKind = 'presence' | 'percent' | 'quantity' | 'ihc' | 'ish' | 'ishRatio' | 'copyNumber';

/**
 * LOINC codes other systems report markers with, one result per Observation
 * (Epic, Cerner): the marker and which part of the result the value is.
 */
const READ_LOINC: Record<string, { marker: string; kind: MarkerResultKind }> = {
  '16112-5': { marker: 'ER', kind: 'presence' },
  '40556-3': { marker: 'ER', kind: 'presence' },
  '14228-1': { marker: 'ER', kind: 'percent' },
  '16113-3': { marker: 'PR', kind: 'presence' },
  '40557-1': { marker: 'PR', kind: 'presence' },
  '14230-7': { marker: 'PR', kind: 'percent' },
  '85319-2': { marker: 'HER2', kind: 'ihc' },
  '72383-3': { marker: 'HER2', kind: 'ihc' },
  '85318-4': { marker: 'HER2', kind: 'ish' },
  '31150-6': { marker: 'HER2', kind: 'ish' },
  '96893-3': { marker: 'HER2', kind: 'ish' },
  '49683-6': { marker: 'HER2', kind: 'ishRatio' },
  '74860-8': { marker: 'HER2', kind: 'copyNumber' },
  '29593-1': { marker: 'Ki-67', kind: 'percent' },
  '85330-9': { marker: 'Ki-67', kind: 'percent' },
  '43368-0': { marker: 'MSI', kind: 'presence' },
  '62862-8': { marker: 'MSI', kind: 'presence' },
  '83052-1': { marker: 'PD-L1', kind: 'presence' },
  '83055-4': { marker: 'PD-L1', kind: 'presence' },
  '83057-0': { marker: 'PD-L1', kind: 'presence' },
  '83112-3': { marker: 'PSA', kind: 'quantity' },
  '19166-8': { marker: 'CEA', kind: 'quantity' },
  '83085-1': { marker: 'CEA', kind: 'quantity' },
  '24108-3': { marker: 'CA 19-9', kind: 'quantity' },
  '83082-8': { marker: 'CA-125', kind: 'quantity' },
};

/** A marker named by a LOINC code (the export table, then the codes other systems use). */
export function markerOfLoinc(code: string): { marker: string; kind: MarkerResultKind } | undefined {
  for (const [marker, codes] of Object.entries(MARKER_LOINC))
    for (const kind of ['presence', 'percent', 'quantity'] as const)
      if (codes[kind]?.code === code) return { marker, kind };
  return READ_LOINC[code];
}

/** Result answers (SNOMED CT qualifier values, as US Core requires for coded lab values). */
export const RESULT_VALUE = {
  positive: { system: SYS.snomed, code: '10828004', display: 'Positive (qualifier value)' },
  negative: { system: SYS.snomed, code: '260385009', display: 'Negative (qualifier value)' },
} as const;

/** LOINC answers of the genetic variant panel (LL1971-2 clinical significance, LL378-1 source class). */
export const GENETIC = {
  variantAssessment: { system: SYS.loinc, code: '69548-6', display: 'Genetic variant assessment' },
  present: { system: SYS.loinc, code: 'LA9633-4', display: 'Present' },
  absent: { system: SYS.loinc, code: 'LA9634-2', display: 'Absent' },
  geneStudied: { system: SYS.loinc, code: '48018-6', display: 'Gene studied [ID]' },
  dnaChange: { system: SYS.loinc, code: '48004-6', display: 'DNA change (c.HGVS)' },
  aminoAcidChange: { system: SYS.loinc, code: '48005-3', display: 'Amino acid change (pHGVS)' },
  sourceClass: { system: SYS.loinc, code: '48002-0', display: 'Genomic source class [Type]' },
  significance: { system: SYS.loinc, code: '53037-8', display: 'Genetic variation clinical significance [Imp]' },
} as const;
export const SOURCE_CLASS: Record<'germline' | 'somatic', Code> = {
  germline: { system: SYS.loinc, code: 'LA6683-2', display: 'Germline' },
  somatic: { system: SYS.loinc, code: 'LA6684-0', display: 'Somatic' },
};
export const SIGNIFICANCE: Record<string, Code> = {
  pathogenic: { system: SYS.loinc, code: 'LA6668-3', display: 'Pathogenic' },
  likely_pathogenic: { system: SYS.loinc, code: 'LA26332-9', display: 'Likely pathogenic' },
  vus: { system: SYS.loinc, code: 'LA26333-7', display: 'Uncertain significance' },
  likely_benign: { system: SYS.loinc, code: 'LA26334-5', display: 'Likely benign' },
  benign: { system: SYS.loinc, code: 'LA6675-8', display: 'Benign' },
};

/** Family relationship (HL7 v3 RoleCode) for each relative a pedigree names. */
export const RELATIVE_CODE: Record<string, string> = {
  mother: 'MTH',
  father: 'FTH',
  sister: 'SIS',
  brother: 'BRO',
  daughter: 'DAUC',
  son: 'SONC',
  half_sister: 'HSIS',
  half_brother: 'HBRO',
  maternal_grandmother: 'MGRMTH',
  maternal_grandfather: 'MGRFTH',
  paternal_grandmother: 'PGRMTH',
  paternal_grandfather: 'PGRFTH',
  maternal_aunt: 'MAUNT',
  maternal_uncle: 'MUNCLE',
  paternal_aunt: 'PAUNT',
  paternal_uncle: 'PUNCLE',
  niece: 'NIECE',
  nephew: 'NEPHEW',
  granddaughter: 'GRNDDAU',
  grandson: 'GRNDSON',
  maternal_cousin: 'MCOUSN',
  paternal_cousin: 'PCOUSN',
  other: 'FAMMEMB',
};

/** Routes of administration (SNOMED CT, FHIR route-codes). */
export const ROUTE_CODE: Record<string, string> = {
  oral: '26643006',
  intravenous: '47625008',
  subcutaneous: '34206005',
  intramuscular: '78421000',
  topical: '6064005',
  transdermal: '45890007',
  inhaled: '447694001',
  intranasal: '46713006',
  rectal: '37161004',
  vaginal: '16857009',
  ophthalmic: '54485002',
  intrathecal: '72607000',
};

/**
 * Document types (LOINC document ontology) for the records a referral
 * brings, both ways: the first code of each type is the one written.
 */
export const DOCUMENT_TYPES: Record<string, readonly string[]> = {
  pathology_report: ['11526-1', '60567-5', '11529-5'],
  operative_report: ['11504-8', '34874-8'],
  discharge_summary: ['18842-5'],
  imaging_ct: ['18747-6'],
  imaging_mri: ['18755-9'],
  imaging_xray: ['18782-3'],
  imaging_pet: ['44136-0'],
  imaging_other: ['18748-4'],
  medication_list: ['10160-0', '56445-0'],
  prior_treatments: ['11486-8'],
  lab_result: ['11502-2', '26436-6'],
  genetic_test: ['51969-4', '81247-9'],
  other: ['34109-9'],
};
export const DOCUMENT_TYPE_NAMES: Record<string, string> = {
  pathology_report: 'Pathology study',
  operative_report: 'Surgical operation note',
  discharge_summary: 'Discharge summary',
  imaging_ct: 'CT study',
  imaging_mri: 'MR study',
  imaging_xray: 'Radiology study',
  imaging_pet: 'PET scan study',
  imaging_other: 'Diagnostic imaging study',
  medication_list: 'History of medication use',
  prior_treatments: 'Chemotherapy records',
  lab_result: 'Laboratory report',
  genetic_test: 'Genetic analysis summary report',
  other: 'Note',
};
/** The second-opinion letter: LOINC 11488-4 Consult note. */
export const CONSULT_NOTE: Code = { system: SYS.loinc, code: '11488-4', display: 'Consult note' };
