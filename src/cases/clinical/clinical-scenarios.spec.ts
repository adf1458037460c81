/**
 * The clinical suite: referring diagnosis against the board's, as tumour
 * boards and the literature classify the change. Each row cites the paper or
 * guideline its expected values follow. Rows are clinically coherent: every
 * diagnosis in them passes `validateDiagnosis` (checked below).
 */
import { describe, expect, it } from '@jest/globals';
import {
  compareDiagnoses,
  type AdditionalCancer,
  type ChangeType,
  type Comparison,
  type Concordance,
  type Diagnosis,
  type Management,
  type ManagementImpact,
} from './comparison.js';
import type { BiomarkerInput } from './biomarkers.js';
import { standingDiagnosis } from './merge.js';
import { groupRank, parseTnm } from './staging.js';
import type { PlanItem, TreatmentChangeKind } from './management.js';
import { validateDiagnosis, type DiagnosisInput } from './validate.js';

type Cancer =
  | 'breast'
  | 'prostate'
  | 'pancreas'
  | 'lymphoma'
  | 'sarcoma'
  | 'melanoma'
  | 'lung'
  | 'colorectal'
  | 'gynaecologic'
  | 'testis';

/** A diagnosis with the measurements the record keeps beside it (Breslow depth, size). */
type Dx = Diagnosis & { depthMm?: number | null; tumourSizeMm?: number | null };

interface Expected {
  changeTypes: ChangeType[];
  /** "basis element[system] direction", e.g. "clinical n up", "clinical group[anatomic] up", "other system[figo] up". */
  stage?: string[];
  concordance: Concordance;
  impact: ManagementImpact;
  /** Kinds of treatment change in the signed plan (as a set). */
  treatment?: TreatmentChangeKind[];
  pathology?: boolean;
  biomarkers?: string[];
  additionalCancers?: number;
  removedCancers?: number;
}

interface Scenario {
  cancer: Cancer;
  name: string;
  referring: Dx;
  board: Dx;
  management?: Management;
  expected: Expected;
}

const dx = (d: Partial<Dx> & Pick<Dx, 'primarySite' | 'histology'>): Dx => ({
  laterality: null,
  grade: null,
  clinicalStage: null,
  pathologicalStage: null,
  biomarkers: [],
  additionalCancers: [],
  malignant: true,
  ...d,
});

const item =
  (modality: string) =>
  (sequence: number, description: string, extra: Partial<PlanItem> = {}): PlanItem => ({
    modality,
    intent: 'curative',
    sequence,
    description,
    ...extra,
  });
const surgery = item('surgery');
const systemic = item('systemic_therapy');
const radiation = item('radiation');
const surveillance = item('surveillance');
const trial = item('clinical_trial');

const marker = (name: string, value: string, extra: Partial<BiomarkerInput> = {}): BiomarkerInput => ({
  name,
  value,
  method: 'IHC',
  ...extra,
});
const germline = (name: string, value: string, extra: Partial<BiomarkerInput> = {}): BiomarkerInput => ({
  name,
  value,
  method: 'germline NGS panel',
  origin: 'germline',
  ...extra,
});

/* ------------------------------------------------------------------------ */
/* Breast                                                                    */
/* ------------------------------------------------------------------------ */

const ER90 = marker('ER', 'positive (90%)');
const PR60 = marker('PR', 'positive (60%)');
const HER2_1 = marker('HER2', '1+');
const HER2_3 = marker('HER2', '3+');

/** Left breast IDC NST, cT2 cN0 cM0, anatomic IIA, Nottingham G2, ER+/PR+/HER2 1+. */
const breast = dx({
  primarySite: 'C50.4',
  histology: '8500/3',
  laterality: 'left',
  grade: 'G2',
  clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'IIA', groupType: 'anatomic' },
  biomarkers: [ER90, PR60, HER2_1],
  tumourSizeMm: 28,
});
const breastBoard = (changes: Partial<Dx>): Dx => ({ ...breast, ...changes });
const her2Positive = breastBoard({ biomarkers: [ER90, PR60, HER2_3] });

/** Lumpectomy + SLNB, whole-breast radiation, adjuvant endocrine therapy: NCCN Breast v4.2024 BINV-4. */
const conservingEndocrine: PlanItem[] = [
  surgery(1, 'lumpectomy + sentinel lymph node biopsy'),
  radiation(2, 'whole-breast radiation'),
  systemic(3, 'adjuvant endocrine therapy (letrozole)', { drugs: ['letrozole'], setting: 'adjuvant' }),
];

const breastScenarios: Scenario[] = [
  // Issue 13. HER2 IHC 1+ re-read 3+ (ASCO/CAP HER2 2018, Wolff et al. J Clin Oncol 2018;36:2105) and a
  // node found on imaging review, cN0 → cN1, IIA → IIB (AJCC 8th ed. ch. 48 anatomic table). HER2+ cN1 goes
  // to neoadjuvant TCHP (NCCN Breast v4.2024 BINV-L; TRAIN-2) and, node-positive, mastectomy + ALND here.
  {
    cancer: 'breast',
    name: 'HER2 1+ → 3+ and cN0 → cN1: lumpectomy + endocrine → neoadjuvant TCHP, mastectomy + ALND',
    referring: breast,
    board: breastBoard({
      biomarkers: [ER90, PR60, marker('HER2', '3+', { ihcScore: '3+' })],
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB', groupType: 'anatomic' },
    }),
    management: {
      recommendation: conservingEndocrine,
      signedPlan: [
        systemic(1, 'neoadjuvant TCHP', { regimen: 'TCHP', setting: 'neoadjuvant' }),
        surgery(2, 'mastectomy + ALND'),
        radiation(3, 'post-mastectomy radiation'),
        systemic(4, 'adjuvant trastuzumab + pertuzumab and letrozole', {
          drugs: ['trastuzumab', 'pertuzumab', 'letrozole'],
          setting: 'adjuvant',
        }),
      ],
    },
    expected: {
      changeTypes: ['stage', 'biomarker'],
      stage: ['clinical n up', 'clinical group[anatomic] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen', 'sequence', 'surgery_type'],
      pathology: true,
      biomarkers: ['HER2'],
    },
  },
  // Issue 13. Wrong side on the referral: a laterality error always changes local treatment (Garcia et al.,
  // Ann Surg Oncol 2018;25:2953, "diagnosis changed"; NCCN Breast v4.2024 principles of surgery).
  {
    cancer: 'breast',
    name: 'left → right laterality error, the plan names the side',
    referring: breast,
    board: breastBoard({ laterality: 'right', primarySite: 'C50.2' }),
    management: {
      recommendation: [
        surgery(1, 'lumpectomy + sentinel lymph node biopsy', { laterality: 'left' }),
        radiation(2, 'whole-breast radiation', { laterality: 'left' }),
      ],
      signedPlan: [
        surgery(1, 'lumpectomy + sentinel lymph node biopsy', { laterality: 'right' }),
        radiation(2, 'whole-breast radiation', { laterality: 'right' }),
      ],
    },
    expected: {
      changeTypes: ['primary_site', 'laterality'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['laterality'],
      pathology: false,
    },
  },
  // Issue 13. The same error where the plan items do not name a side: the operation and the radiation follow
  // the corrected side (NCCN Breast v4.2024; Joint Commission Universal Protocol, wrong-site surgery).
  {
    cancer: 'breast',
    name: 'left → right laterality error, the plan names no side: surgery and radiation move side',
    referring: breast,
    board: breastBoard({ laterality: 'right' }),
    management: {
      recommendation: conservingEndocrine,
      signedPlan: conservingEndocrine.map((i) => ({ ...i })),
    },
    expected: {
      changeTypes: ['laterality'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['laterality'],
      pathology: false,
    },
  },
  // Issue 13. Benign on review: the "IDC" is a fibroadenoma (WHO Classification of Tumours, Breast Tumours,
  // 5th ed. 2019). A malignancy change, pathology reinterpretation, and no cancer treatment (Garcia 2018).
  {
    cancer: 'breast',
    name: 'benign on review: 8500/3 → fibroadenoma 9010/0, cancer treatment withdrawn',
    referring: breast,
    board: dx({ primarySite: 'C50.4', histology: '9010/0', laterality: 'left', malignant: false }),
    management: {
      recommendation: conservingEndocrine,
      signedPlan: [surveillance(1, 'clinical and imaging follow-up in 6 months', { intent: 'diagnostic' })],
    },
    expected: {
      changeTypes: ['malignancy', 'histology'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed'],
      pathology: true,
    },
  },
  // Issue 13. "3+" and "positive (IHC 3+)" are one ASCO/CAP category (Wolff et al. 2018): no change.
  {
    cancer: 'breast',
    name: 'HER2 "3+" vs "positive (IHC 3+)": the same category',
    referring: her2Positive,
    board: breastBoard({ biomarkers: [ER90, PR60, marker('HER2', 'positive (IHC 3+)')] }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none', pathology: false },
  },
  // Issue 13. HER2, HER2/neu and ERBB2 name one gene and one result (HGNC: ERBB2; ASCO/CAP 2018).
  {
    cancer: 'breast',
    name: 'HER2/neu "positive (IHC 3+)" vs ERBB2 ihcScore 3+: one marker, no change',
    referring: breastBoard({ biomarkers: [ER90, PR60, marker('HER2/neu', 'positive (IHC 3+)')] }),
    board: breastBoard({ biomarkers: [ER90, PR60, { name: 'ERBB2', ihcScore: '3+', method: 'IHC' }] }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none' },
  },
  // Issue 13. ER 90% → 5%: positive → low positive (1–10%), a category of its own with uncertain endocrine
  // benefit (Allison et al., ASCO/CAP ER/PgR update, J Clin Oncol 2020;38:1346).
  {
    cancer: 'breast',
    name: 'ER 90% → 5% (ER-low): a biomarker change',
    referring: breast,
    board: breastBoard({ biomarkers: [marker('ER', 'low positive (5%)'), PR60, HER2_1] }),
    expected: {
      changeTypes: ['biomarker'],
      concordance: 'minor',
      impact: 'potential',
      pathology: true,
      biomarkers: ['ER'],
    },
  },
  // Issue 13. HER2 0 → 1+ (HER2-low) opens trastuzumab deruxtecan in metastatic disease (DESTINY-Breast04,
  // Modi et al. N Engl J Med 2022;387:9; ASCO/CAP HER2 2023 update, Wolff et al. J Clin Oncol 2023;41:3867).
  {
    cancer: 'breast',
    name: 'HER2 0 → 1+ (HER2-low), metastatic: capecitabine → T-DXd',
    referring: breastBoard({
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM1', stageGroup: 'IV', groupType: 'anatomic' },
      biomarkers: [ER90, PR60, marker('HER2', '0')],
    }),
    board: breastBoard({
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM1', stageGroup: 'IV', groupType: 'anatomic' },
      biomarkers: [ER90, PR60, marker('HER2', '1+')],
    }),
    management: {
      recommendation: [systemic(1, 'capecitabine', { intent: 'palliative', drugs: ['capecitabine'] })],
      signedPlan: [systemic(1, 'trastuzumab deruxtecan', { intent: 'palliative', regimen: 'T-DXd' })],
    },
    expected: {
      changeTypes: ['biomarker'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen'],
      pathology: true,
      biomarkers: ['HER2'],
    },
  },
  // Issue 13. A marker the board adds is new information (Ki-67 ≥ 20% is monarchE's high-risk cohort 2;
  // Nielsen et al., International Ki67 Working Group, J Natl Cancer Inst 2021;113:808).
  {
    cancer: 'breast',
    name: 'the board adds Ki-67 35%: a biomarker change',
    referring: breast,
    board: breastBoard({ biomarkers: [ER90, PR60, HER2_1, marker('Ki-67', '35%')] }),
    expected: {
      changeTypes: ['biomarker'],
      concordance: 'minor',
      impact: 'potential',
      pathology: true,
      biomarkers: ['Ki-67'],
    },
  },
  // Issue 13. A negative germline test is not a germline finding (Richards et al., ACMG/AMP, Genet Med
  // 2015;17:405; NCCN Genetic/Familial High-Risk Assessment: Breast, Ovarian, Pancreatic v3.2024).
  {
    cancer: 'breast',
    name: 'the board adds a negative germline BRCA2 test: not a finding',
    referring: breast,
    board: breastBoard({ biomarkers: [ER90, PR60, HER2_1, germline('BRCA2', 'negative (no pathogenic variant)')] }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none' },
  },
  // Issue 13. A pathogenic BRCA2 variant is a germline finding (ACMG/AMP 2015; OlympiA, Tutt et al. N Engl J
  // Med 2021;384:2394, adjuvant olaparib), here after a negative limited test on the referral.
  {
    cancer: 'breast',
    name: 'germline BRCA2 negative → pathogenic c.5946del: a germline finding',
    referring: breastBoard({ biomarkers: [ER90, PR60, HER2_1, germline('BRCA2', 'negative')] }),
    board: breastBoard({
      biomarkers: [ER90, PR60, HER2_1, germline('BRCA2', 'pathogenic variant', { variant: 'c.5946del' })],
    }),
    expected: { changeTypes: ['germline_finding'], concordance: 'minor', impact: 'potential', pathology: false },
  },
  // A pathogenic germline variant reported by the referral and not confirmed on review (ACMG/AMP 2015:
  // variants are reclassified; Mersch et al., JAMA 2018;320:1266, 7.7% of VUS/pathogenic reclassified) is a
  // change of the germline finding too.
  {
    cancer: 'breast',
    name: 'germline BRCA2 pathogenic on the referral, negative on confirmatory testing: a germline change',
    referring: breastBoard({
      biomarkers: [ER90, PR60, HER2_1, germline('BRCA2', 'pathogenic variant', { variant: 'c.5946del' })],
    }),
    board: breastBoard({ biomarkers: [ER90, PR60, HER2_1, germline('BRCA2', 'negative (no pathogenic variant)')] }),
    expected: { changeTypes: ['germline_finding'], concordance: 'minor', impact: 'potential', pathology: false },
  },
  // Issue 13. cT2 → pT1c: clinical and pathological classifications are separate and never compared
  // (AJCC Cancer Staging Manual 8th ed., ch. 1, "Stage classification": c, p, yc, yp, r).
  {
    cancer: 'breast',
    name: 'cT2 on the referral, pT1c on the board: no stage change (clinical is not compared with pathological)',
    referring: breast,
    board: breastBoard({
      clinicalStage: null,
      pathologicalStage: { t: 'pT1c', n: 'pN0(sn)', m: 'cM0', stageGroup: 'IA', groupType: 'anatomic' },
    }),
    expected: { changeTypes: [], stage: [], concordance: 'concordant', impact: 'none' },
  },
  // AJCC 8th ed. ch. 48: when both sides have a pathological stage they are compared (pT2 → pT1c, 18 mm on
  // re-measurement; anatomic IIA → IA).
  {
    cancer: 'breast',
    name: 'pT2 → pT1c when both sides are pathological: stage down',
    referring: breastBoard({ pathologicalStage: { t: 'pT2', n: 'pN0(sn)', m: 'cM0', stageGroup: 'IIA' } }),
    board: breastBoard({ pathologicalStage: { t: 'pT1c', n: 'pN0(sn)', m: 'cM0', stageGroup: 'IA' } }),
    expected: {
      changeTypes: ['stage'],
      stage: ['pathological t down', 'pathological group[anatomic] down'],
      concordance: 'minor',
      impact: 'potential',
    },
  },
  // Issue 13. Isolated tumour cells: pN0(i+) is N0 for staging (AJCC 8th ed. ch. 48; ACOSOG Z0010).
  {
    cancer: 'breast',
    name: 'pN0(sn) → pN0(i+)(sn): isolated tumour cells are not a stage change',
    referring: breastBoard({ pathologicalStage: { t: 'pT1c', n: 'pN0(sn)', m: 'cM0', stageGroup: 'IA' } }),
    board: breastBoard({ pathologicalStage: { t: 'pT1c', n: 'pN0(i+)(sn)', m: 'cM0', stageGroup: 'IA' } }),
    expected: { changeTypes: [], stage: [], concordance: 'concordant', impact: 'none' },
  },
  // Issue 13. AJCC 8th ed. ch. 48 has an anatomic and a prognostic stage group; cT2 N0 M0 G2 ER+ PR+ HER2−
  // is anatomic IIA and clinical prognostic IB: two systems, never compared.
  {
    cancer: 'breast',
    name: 'anatomic IIA vs clinical prognostic IB: never compared',
    referring: breast,
    board: breastBoard({ clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'IB', groupType: 'prognostic' } }),
    expected: { changeTypes: [], stage: [], concordance: 'concordant', impact: 'none' },
  },
  // Issue 13. A contralateral lesion the referral listed is benign on the board's biopsy: a removed cancer
  // is a change, and the operation becomes unilateral (Garcia 2018: additional biopsies in 25/70).
  {
    cancer: 'breast',
    name: 'the referral lists a right breast cancer the board rules out: a change',
    referring: breastBoard({
      additionalCancers: [
        { primarySite: 'C50.2', histology: '8500/3', laterality: 'right', description: 'right breast 9 mm mass' },
      ],
    }),
    board: breastBoard({
      additionalCancers: [
        { primarySite: 'C50.2', laterality: 'right', status: 'ruled_out', description: 'benign on biopsy' },
      ],
    }),
    management: {
      recommendation: [surgery(1, 'bilateral lumpectomy + sentinel lymph node biopsy', { laterality: 'bilateral' })],
      signedPlan: [surgery(1, 'lumpectomy + sentinel lymph node biopsy', { laterality: 'left' })],
    },
    expected: {
      changeTypes: ['malignancy'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['laterality'],
      removedCancers: 1,
      additionalCancers: 0,
    },
  },
  // Issue 13. More detail on a listed lesion (its histology) is the same lesion, not a new cancer
  // (SEER/NCI Solid Tumor Rules 2024, breast: same site and side).
  {
    cancer: 'breast',
    name: 'the board adds histology to a lesion the referral listed: not a new cancer',
    referring: breastBoard({
      additionalCancers: [
        { primarySite: 'C50.2', laterality: 'right', description: 'right breast mass, biopsy-proven' },
      ],
    }),
    board: breastBoard({ additionalCancers: [{ primarySite: 'C50.2', laterality: 'right', histology: '8500/3' }] }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none', additionalCancers: 0 },
  },
  // Issue 13. Post-neoadjuvant stages: the residual focus is treatment effect on review, ypT1a ypN1mi →
  // ypT0 ypN0 (pCR, AJCC 8th ed. ch. 48 "post-therapy"); pCR spares T-DM1 (KATHERINE, von Minckwitz et al.
  // N Engl J Med 2019;380:617): trastuzumab + pertuzumab completes a year.
  {
    cancer: 'breast',
    name: 'ypT1a ypN1mi → ypT0 ypN0: post-therapy down, T-DM1 → trastuzumab + pertuzumab',
    referring: breastBoard({
      biomarkers: [ER90, PR60, HER2_3],
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB' },
      postTherapyPathologicalStage: { t: 'ypT1a', n: 'ypN1mi', m: 'cM0' },
    }),
    board: breastBoard({
      biomarkers: [ER90, PR60, HER2_3],
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB' },
      postTherapyPathologicalStage: { t: 'ypT0', n: 'ypN0', m: 'cM0' },
    }),
    management: {
      recommendation: [systemic(1, 'adjuvant T-DM1', { regimen: 'T-DM1', setting: 'adjuvant' })],
      signedPlan: [
        systemic(1, 'adjuvant trastuzumab + pertuzumab', { drugs: ['trastuzumab', 'pertuzumab'], setting: 'adjuvant' }),
      ],
    },
    expected: {
      changeTypes: ['stage'],
      stage: ['post_therapy_pathological t down', 'post_therapy_pathological n down'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen'],
    },
  },
  // AJCC 8th ed. ch. 1: ypT0 ypN0 is not compared with the pre-treatment clinical stage.
  {
    cancer: 'breast',
    name: 'board ypT0 ypN0 against the referral’s cT2 cN1 only: no stage change',
    referring: breastBoard({
      biomarkers: [ER90, PR60, HER2_3],
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB' },
    }),
    board: breastBoard({
      biomarkers: [ER90, PR60, HER2_3],
      clinicalStage: null,
      postTherapyPathologicalStage: { t: 'ypT0', n: 'ypN0', m: 'cM0' },
    }),
    expected: { changeTypes: [], stage: [], concordance: 'concordant', impact: 'none' },
  },
  // Garcia et al. 2018: 16/70 additional cancers, 5 of them new lymph-node metastases. The node the board
  // lists is an additional cancer and moves cN (AJCC 8th ed. ch. 48).
  {
    cancer: 'breast',
    name: 'new axillary nodal metastasis on image review: cN0 → cN1 and an additional cancer',
    referring: breast,
    board: breastBoard({
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB' },
      additionalCancers: [{ primarySite: 'C77.3', histology: '8500/6', description: 'left axillary nodal metastasis' }],
    }),
    expected: {
      changeTypes: ['stage', 'additional_cancer'],
      stage: ['clinical n up', 'clinical group[anatomic] up'],
      concordance: 'minor',
      impact: 'potential',
      additionalCancers: 1,
      pathology: false,
    },
  },
  // ASCO/CAP ER/PgR 2020: "positive" and "positive (80%)" are the same result, one with more detail.
  {
    cancer: 'breast',
    name: 'ER "positive" vs ER 80%: the same result with more detail',
    referring: breastBoard({ biomarkers: [marker('ER', 'positive'), PR60, HER2_1] }),
    board: breastBoard({ biomarkers: [marker('estrogen receptor', '80%'), PR60, HER2_1] }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none' },
  },
  // ASCO/CAP HER2 2018: IHC 2+ with ISH ratio ≥ 2.0 and ≥ 4 copies is positive (group 1); ISH not amplified
  // is HER2-low. Adjuvant paclitaxel + trastuzumab (APT, Tolaney et al. N Engl J Med 2015;372:134).
  {
    cancer: 'breast',
    name: 'HER2 2+ ISH not amplified → 2+ ISH amplified (ratio 2.4): low → positive, trastuzumab added',
    referring: breastBoard({
      clinicalStage: { t: 'cT1c', n: 'cN0', m: 'cM0', stageGroup: 'IA' },
      biomarkers: [ER90, PR60, marker('HER2', '2+, ISH not amplified', { ihcScore: '2+', ishResult: 'not_amplified' })],
    }),
    board: breastBoard({
      clinicalStage: { t: 'cT1c', n: 'cN0', m: 'cM0', stageGroup: 'IA' },
      biomarkers: [ER90, PR60, marker('HER2', '2+, ISH amplified', { ihcScore: '2+', ishRatio: 2.4, copyNumber: 5.1 })],
    }),
    management: {
      recommendation: conservingEndocrine,
      signedPlan: [
        ...conservingEndocrine.slice(0, 2),
        systemic(3, 'adjuvant paclitaxel + trastuzumab (APT)', { regimen: 'TH', setting: 'adjuvant' }),
        systemic(4, 'adjuvant endocrine therapy (letrozole)', { drugs: ['letrozole'], setting: 'adjuvant' }),
      ],
    },
    expected: {
      changeTypes: ['biomarker'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen'],
      biomarkers: ['HER2'],
      pathology: true,
    },
  },
  // WHO Breast Tumours 5th ed. 2019: ductal re-read as lobular, the signed plan is the same: minor
  // (Moffitt series in DOMAIN.md: 12.0% minor discordance).
  {
    cancer: 'breast',
    name: 'IDC → ILC, signed plan unchanged: minor, impact none',
    referring: breast,
    board: breastBoard({ histology: '8520/3' }),
    management: { recommendation: conservingEndocrine, signedPlan: conservingEndocrine.map((i) => ({ ...i })) },
    expected: { changeTypes: ['histology'], concordance: 'minor', impact: 'none', treatment: [], pathology: true },
  },
  // Nottingham grade (Elston & Ellis, Histopathology 1991;19:403): G2 → G3 with no plan signed yet.
  {
    cancer: 'breast',
    name: 'Nottingham G2 → G3, no plan yet: potential impact',
    referring: breast,
    board: breastBoard({ grade: 'G3' }),
    expected: { changeTypes: ['grade'], concordance: 'minor', impact: 'potential', pathology: true },
  },
  // DOMAIN.md "management impact: … trial": same diagnosis, the board offers a trial. A changed treatment
  // recommendation with an unchanged diagnosis is reported as such (issue 13, Build 5).
  {
    cancer: 'breast',
    name: 'same diagnosis, the board adds a clinical trial: major without a diagnosis change',
    referring: breast,
    board: breastBoard({}),
    management: {
      recommendation: conservingEndocrine,
      signedPlan: [...conservingEndocrine, trial(4, 'adjuvant CDK4/6 trial', { nctId: 'NCT03155997' })],
    },
    expected: { changeTypes: [], concordance: 'major', impact: 'changed', treatment: ['trial'] },
  },
  // Issue 13 ("the chair's explicit call always stands"): letrozole for anastrozole is a change of drug the
  // chair judges equivalent (both aromatase inhibitors, EBCTCG Lancet 2015;386:1341).
  {
    cancer: 'breast',
    name: 'the chair calls an aromatase inhibitor swap no change: impact none',
    referring: breast,
    board: breastBoard({}),
    management: {
      chairImpact: 'none',
      recommendation: conservingEndocrine,
      signedPlan: [
        ...conservingEndocrine.slice(0, 2),
        systemic(3, 'adjuvant anastrozole', { drugs: ['anastrozole'], setting: 'adjuvant' }),
      ],
    },
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none', treatment: ['regimen'] },
  },
  // AJCC 8th ed. ch. 48: review MRI measures 18 mm, cT2 → cT1c, anatomic IIA → IA, no plan yet.
  {
    cancer: 'breast',
    name: 'smaller on review MRI: cT2 → cT1c, IIA → IA',
    referring: breast,
    board: breastBoard({ clinicalStage: { t: 'cT1c', n: 'cN0', m: 'cM0', stageGroup: 'IA' }, tumourSizeMm: 18 }),
    expected: {
      changeTypes: ['stage'],
      stage: ['clinical t down', 'clinical group[anatomic] down'],
      concordance: 'minor',
      impact: 'potential',
    },
  },
  // AJCC 8th ed. ch. 48: stage II and IIA are one stage, one written with more detail.
  {
    cancer: 'breast',
    name: 'stage group II vs IIA: more detail, no change',
    referring: breastBoard({ clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'II' } }),
    board: breast,
    expected: { changeTypes: [], stage: [], concordance: 'concordant', impact: 'none' },
  },
  // Garcia et al. 2018 (additional cancers 16/70, MRI): a contralateral cancer found on MRI-guided biopsy is
  // an additional cancer; the plan adds right lumpectomy + SLNB.
  {
    cancer: 'breast',
    name: 'contralateral cancer on MRI: an additional cancer, bilateral surgery',
    referring: breast,
    board: breastBoard({
      additionalCancers: [
        {
          primarySite: 'C50.2',
          histology: '8500/3',
          laterality: 'right',
          description: 'right breast 7 mm IDC on MRI-guided biopsy',
        },
      ],
    }),
    management: {
      recommendation: [surgery(1, 'lumpectomy + SLNB', { laterality: 'left' })],
      signedPlan: [surgery(1, 'bilateral lumpectomy + SLNB', { laterality: 'bilateral' })],
    },
    expected: {
      changeTypes: ['additional_cancer'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['laterality'],
      additionalCancers: 1,
      pathology: false,
    },
  },
  // Garcia et al. 2018 measure management change against the first doctor's recommendation: a referral with
  // none ("for opinion") cannot have it changed; the HER2 change stays a potential impact.
  {
    cancer: 'breast',
    name: 'no referral recommendation, signed plan: the diagnosis change is potential impact, not changed',
    referring: breast,
    board: her2Positive,
    management: {
      recommendation: [],
      signedPlan: [systemic(1, 'neoadjuvant TCHP', { regimen: 'TCHP', setting: 'neoadjuvant' })],
    },
    expected: {
      changeTypes: ['biomarker'],
      concordance: 'minor',
      impact: 'potential',
      treatment: [],
      biomarkers: ['HER2'],
    },
  },
  // ICD-O-3 topography: C50.9 (breast, NOS) and C50.4 name the same breast, one with more detail.
  {
    cancer: 'breast',
    name: 'C50.9 on the referral, C50.4 on the board: the subsite in more detail is no site change',
    referring: breastBoard({ primarySite: 'C50.9' }),
    board: breast,
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none' },
  },
];

/* ------------------------------------------------------------------------ */
/* Prostate                                                                  */
/* ------------------------------------------------------------------------ */

/** Acinar adenocarcinoma, Gleason 3+4 (GG2), cT1c cN0 cM0, PSA 7 → AJCC 8 IIB (ch. 58). */
const prostate = dx({
  primarySite: 'C61.9',
  histology: '8140/3',
  grade: 'GG2',
  gleason: { primary: 3, secondary: 4 },
  clinicalStage: { t: 'cT1c', n: 'cN0', m: 'cM0', stageGroup: 'IIB' },
  biomarkers: [{ name: 'PSA', value: '7.2 ng/mL', method: 'serum' }],
});
const prostateBoard = (changes: Partial<Dx>): Dx => ({ ...prostate, ...changes });

const prostateScenarios: Scenario[] = [
  // Issue 13. Gleason 3+4 → 4+3 is ISUP GG2 → GG3 (Epstein et al., Am J Surg Pathol 2016;40:244); AJCC 8th ed.
  // ch. 58 stage IIB → IIC follows the grade group. Favourable → unfavourable intermediate risk; radical
  // prostatectomy remains a standard option (NCCN Prostate Cancer v1.2025), so the signed plan is unchanged.
  {
    cancer: 'prostate',
    name: 'Gleason 3+4 → 4+3 (GG2 → GG3), prostatectomy either way: minor',
    referring: prostate,
    board: prostateBoard({
      grade: 'GG3',
      gleason: { primary: 4, secondary: 3 },
      clinicalStage: { t: 'cT1c', n: 'cN0', m: 'cM0', stageGroup: 'IIC' },
    }),
    management: {
      recommendation: [surgery(1, 'radical prostatectomy')],
      signedPlan: [surgery(1, 'robot-assisted radical prostatectomy (RARP)')],
    },
    expected: {
      changeTypes: ['grade', 'stage'],
      stage: ['clinical group[anatomic] up'],
      concordance: 'minor',
      impact: 'none',
      treatment: [],
      pathology: true,
    },
  },
  // Epstein 2016 ISUP: 3+3 → 4+3 on review (GG1 → GG3). Active surveillance is for GG1; unfavourable
  // intermediate risk gets EBRT + 4–6 months ADT (NCCN Prostate v1.2025; ProtecT, Hamdy et al. NEJM 2023).
  {
    cancer: 'prostate',
    name: 'Gleason 3+3 → 4+3 (GG1 → GG3): active surveillance → EBRT + short-term ADT',
    referring: prostateBoard({
      grade: 'GG1',
      gleason: { primary: 3, secondary: 3 },
      clinicalStage: { t: 'cT1c', n: 'cN0', m: 'cM0', stageGroup: 'I' },
    }),
    board: prostateBoard({
      grade: 'GG3',
      gleason: { primary: 4, secondary: 3 },
      clinicalStage: { t: 'cT1c', n: 'cN0', m: 'cM0', stageGroup: 'IIC' },
    }),
    management: {
      recommendation: [surveillance(1, 'active surveillance')],
      signedPlan: [
        radiation(1, 'EBRT to the prostate', { setting: 'definitive' }),
        systemic(1, 'ADT for 6 months', { regimen: 'ADT' }),
      ],
    },
    expected: {
      changeTypes: ['grade', 'stage'],
      stage: ['clinical group[anatomic] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed'],
      pathology: true,
    },
  },
  // Epstein 2016: the grade group is computed from the pattern; a tertiary pattern is reported but does not
  // change the grade group. GG2 and Gleason 3+4 (tertiary 5) are the same grade.
  {
    cancer: 'prostate',
    name: 'GG2 vs Gleason 3+4 with tertiary 5: the same grade written two ways',
    referring: prostateBoard({ gleason: null }),
    board: prostateBoard({ gleason: { primary: 3, secondary: 4, tertiary: 5 } }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none' },
  },
  // AJCC 8th ed. ch. 58: extraprostatic extension missed on the prostatectomy specimen, pT2 → pT3a, IIB →
  // IIIB. Early salvage rather than adjuvant radiation (ARTISTIC meta-analysis, Vale et al. Lancet 2020;
  // 396:1422): PSA surveillance stands, so the signed plan is unchanged.
  {
    cancer: 'prostate',
    name: 'pT2 → pT3a on specimen review, PSA surveillance either way: minor',
    referring: prostateBoard({ pathologicalStage: { t: 'pT2', n: 'pN0', m: 'cM0', stageGroup: 'IIB' } }),
    board: prostateBoard({ pathologicalStage: { t: 'pT3a', n: 'pN0', m: 'cM0', stageGroup: 'IIIB' } }),
    management: {
      recommendation: [surveillance(1, 'PSA every 3 months, early salvage radiation if PSA rises')],
      signedPlan: [surveillance(1, 'PSA surveillance with early salvage RT (RADICALS-RT)')],
    },
    expected: {
      changeTypes: ['stage'],
      stage: ['pathological t up', 'pathological group[anatomic] up'],
      concordance: 'minor',
      impact: 'none',
      treatment: [],
    },
  },
  // PSMA PET finds bone metastases (proPSMA, Hofman et al. Lancet 2020;395:1208): cM0 → cM1b, stage IVB
  // (AJCC 8th ed. ch. 58). Metastatic hormone-sensitive disease: ADT + abiraterone (LATITUDE; STAMPEDE).
  {
    cancer: 'prostate',
    name: 'PSMA PET bone metastases: cM0 → cM1b, prostatectomy → ADT + abiraterone',
    referring: prostateBoard({
      grade: 'GG3',
      gleason: { primary: 4, secondary: 3 },
      clinicalStage: { t: 'cT2b', n: 'cN0', m: 'cM0', stageGroup: 'IIC' },
    }),
    board: prostateBoard({
      grade: 'GG3',
      gleason: { primary: 4, secondary: 3 },
      clinicalStage: { t: 'cT2b', n: 'cN0', m: 'cM1b', stageGroup: 'IVB' },
      additionalCancers: [
        { primarySite: 'C41.2', histology: '8140/6', description: 'vertebral metastases (PSMA PET)' },
      ],
    }),
    management: {
      recommendation: [surgery(1, 'radical prostatectomy')],
      signedPlan: [systemic(1, 'ADT + abiraterone', { intent: 'palliative', regimen: 'ADT', drugs: ['abiraterone'] })],
    },
    expected: {
      changeTypes: ['stage', 'additional_cancer'],
      stage: ['clinical m up', 'clinical group[anatomic] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed'],
      additionalCancers: 1,
    },
  },
];

/* ------------------------------------------------------------------------ */
/* Pancreas                                                                  */
/* ------------------------------------------------------------------------ */

/** Pancreatic head ductal adenocarcinoma, cT2 cN0 cM0 (AJCC 8 ch. 28: IB), resectable. */
const pancreas = dx({
  primarySite: 'C25.0',
  histology: '8500/3',
  grade: 'G2',
  clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'IB' },
  resectability: 'resectable',
});
const pancreasBoard = (changes: Partial<Dx>): Dx => ({ ...pancreas, ...changes });
/** Upfront Whipple then adjuvant mFOLFIRINOX (PRODIGE 24, Conroy et al. N Engl J Med 2018;379:2395). */
const upfrontWhipple: PlanItem[] = [
  surgery(1, 'pancreaticoduodenectomy (Whipple)'),
  systemic(2, 'adjuvant mFOLFIRINOX', { regimen: 'FOLFIRINOX' }),
];
const neoadjuvantWhipple: PlanItem[] = [
  systemic(1, 'neoadjuvant mFOLFIRINOX', { regimen: 'FOLFIRINOX' }),
  surgery(2, 'pancreaticoduodenectomy (Whipple)'),
];

const pancreasScenarios: Scenario[] = [
  // Issue 13. SMV/portal vein involvement > 180° on review is borderline resectable (NCCN Pancreatic
  // Adenocarcinoma v2.2025; Isaji et al. Pancreatology 2018;18:2): neoadjuvant therapy first. The chair's
  // explicit `changed` stands.
  {
    cancer: 'pancreas',
    name: 'resectable → borderline resectable, chair says changed, plan to neoadjuvant: major',
    referring: pancreas,
    board: pancreasBoard({ resectability: 'borderline_resectable' }),
    management: { chairImpact: 'changed', recommendation: upfrontWhipple, signedPlan: neoadjuvantWhipple },
    expected: {
      changeTypes: ['stage'],
      stage: ['other system[resectability] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['sequence'],
    },
  },
  // Issue 13 ("the chair's explicit `changed` is dropped when no coded field differs"): the same coded
  // diagnosis, the board prefers neoadjuvant therapy for a high CA 19-9 (NCCN Pancreatic v2.2025, PANC-2):
  // a changed treatment recommendation with an unchanged diagnosis is major.
  {
    cancer: 'pancreas',
    name: 'same diagnosis, the chair says changed before the plan is signed: major, no change type',
    referring: pancreas,
    board: pancreasBoard({}),
    management: { chairImpact: 'changed' },
    expected: { changeTypes: [], concordance: 'major', impact: 'changed', treatment: [] },
  },
  // NCCN Pancreatic v2.2025: the signed plan alone, without the chair's word, shows the changed sequence.
  {
    cancer: 'pancreas',
    name: 'same diagnosis, the signed plan moves chemotherapy before surgery: major',
    referring: pancreas,
    board: pancreasBoard({}),
    management: { recommendation: upfrontWhipple, signedPlan: neoadjuvantWhipple },
    expected: { changeTypes: [], concordance: 'major', impact: 'changed', treatment: ['sequence'] },
  },
  // Liver metastases at staging laparoscopy: cM1, stage IV (AJCC 8th ed. ch. 28), metastatic; palliative
  // gemcitabine + nab-paclitaxel (MPACT, Von Hoff et al. N Engl J Med 2013;369:1691). Neoadjuvant →
  // palliative is an intent change (curative → palliative), not a sequence relative to surgery.
  {
    cancer: 'pancreas',
    name: 'borderline → metastatic (liver): neoadjuvant FOLFIRINOX + Whipple → palliative gemcitabine + nab-paclitaxel',
    referring: pancreasBoard({ resectability: 'borderline_resectable' }),
    board: pancreasBoard({
      resectability: 'metastatic',
      clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM1', stageGroup: 'IV' },
      additionalCancers: [
        { primarySite: 'C22.0', histology: '8500/6', description: 'liver metastases at laparoscopy' },
      ],
    }),
    management: {
      recommendation: neoadjuvantWhipple,
      signedPlan: [
        systemic(1, 'gemcitabine + nab-paclitaxel', { intent: 'palliative', regimen: 'gemcitabine-nab-paclitaxel' }),
      ],
    },
    expected: {
      changeTypes: ['stage', 'additional_cancer'],
      stage: ['clinical m up', 'clinical group[anatomic] up', 'other system[resectability] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['intent', 'modality_removed', 'regimen'],
      additionalCancers: 1,
    },
  },
  // Universal germline testing in pancreatic cancer (NCCN Pancreatic v2.2025); a pathogenic BRCA2 variant
  // favours platinum first line, then olaparib maintenance (POLO, Golan et al. N Engl J Med 2019;381:317).
  {
    cancer: 'pancreas',
    name: 'germline BRCA2 pathogenic, metastatic: gemcitabine + nab-paclitaxel → FOLFIRINOX',
    referring: pancreasBoard({
      resectability: 'metastatic',
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM1', stageGroup: 'IV' },
    }),
    board: pancreasBoard({
      resectability: 'metastatic',
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM1', stageGroup: 'IV' },
      biomarkers: [germline('BRCA2', 'pathogenic variant', { variant: 'c.6174del' })],
    }),
    management: {
      recommendation: [
        systemic(1, 'gemcitabine + nab-paclitaxel', { intent: 'palliative', regimen: 'gemcitabine-nab-paclitaxel' }),
      ],
      signedPlan: [
        systemic(1, 'FOLFIRINOX, then olaparib maintenance', {
          intent: 'palliative',
          regimen: 'FOLFIRINOX',
          drugs: ['olaparib'],
        }),
      ],
    },
    expected: {
      changeTypes: ['germline_finding'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen'],
      pathology: false,
    },
  },
  // WHO Classification of Tumours, Digestive System 5th ed. 2019: a well-differentiated neuroendocrine tumour
  // is not ductal adenocarcinoma; resectable PanNET goes to surgery without neoadjuvant FOLFIRINOX
  // (NCCN Neuroendocrine and Adrenal Tumors v1.2025).
  {
    cancer: 'pancreas',
    name: 'ductal adenocarcinoma → neuroendocrine tumour G2: neoadjuvant chemotherapy withdrawn',
    referring: pancreasBoard({ resectability: 'borderline_resectable' }),
    board: dx({ primarySite: 'C25.0', histology: '8240/3', grade: 'G2' }),
    management: { recommendation: neoadjuvantWhipple, signedPlan: [surgery(1, 'pancreaticoduodenectomy (Whipple)')] },
    expected: {
      changeTypes: ['histology'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_removed'],
      pathology: true,
    },
  },
];

/* ------------------------------------------------------------------------ */
/* Lymphoma                                                                  */
/* ------------------------------------------------------------------------ */

const lugano = (stage: string): Diagnosis['otherStages'] => [{ system: 'lugano', stage }];
/** Classic Hodgkin lymphoma of mediastinal nodes, Lugano IIA (Cheson et al. J Clin Oncol 2014;32:3059). */
const hodgkin = dx({
  primarySite: 'C77.1',
  histology: '9650/3',
  otherStages: lugano('IIA'),
  biomarkers: [marker('CD30', 'positive'), marker('CD15', 'positive')],
});
const abvdRt: PlanItem[] = [systemic(1, 'ABVD × 4', { regimen: 'ABVD' }), radiation(2, 'ISRT 30 Gy')];

const lymphomaScenarios: Scenario[] = [
  // Issue 13. Classic Hodgkin → DLBCL on review (WHO Haematolymphoid Tumours 5th ed. 2022; Alaggio et al.
  // Leukemia 2022;36:1720): CD20+ large cells, CD15−. R-CHOP replaces ABVD (NCCN B-Cell Lymphomas
  // v2.2025). Lugano A/B applies to Hodgkin lymphoma only (Cheson 2014): IIA and II are the same stage.
  {
    cancer: 'lymphoma',
    name: 'classic Hodgkin 9650/3 → DLBCL 9680/3: ABVD → R-CHOP',
    referring: hodgkin,
    board: dx({
      primarySite: 'C77.1',
      histology: '9680/3',
      otherStages: lugano('II'),
      biomarkers: [marker('CD20', 'positive'), marker('CD15', 'negative')],
    }),
    management: {
      recommendation: abvdRt,
      signedPlan: [systemic(1, 'R-CHOP × 6', { regimen: 'R-CHOP' }), radiation(2, 'ISRT 30 Gy')],
    },
    expected: {
      changeTypes: ['histology', 'biomarker'],
      stage: [],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen'],
      pathology: true,
      biomarkers: ['CD20', 'CD15'],
    },
  },
  // Issue 13. PET-CT finds marrow and bone involvement and B symptoms: Lugano IIA → IVB (Cheson 2014).
  // Advanced stage: BV-AVD without consolidative radiation (ECHELON-1, Connors et al. N Engl J Med
  // 2018;378:331; NCCN Hodgkin Lymphoma v2.2025).
  {
    cancer: 'lymphoma',
    name: 'Lugano IIA → IVB: ABVD + ISRT → BV-AVD',
    referring: hodgkin,
    board: { ...hodgkin, otherStages: lugano('IVB') },
    management: { recommendation: abvdRt, signedPlan: [systemic(1, 'BV-AVD × 6', { regimen: 'BV-AVD' })] },
    expected: {
      changeTypes: ['stage'],
      stage: ['other system[lugano] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_removed', 'regimen'],
    },
  },
  // Cheson 2014: B symptoms elicited at the board: IIA → IIB (unfavourable early-stage Hodgkin, GHSG/EORTC).
  {
    cancer: 'lymphoma',
    name: 'Lugano IIA → IIB (B symptoms): stage up, no plan yet',
    referring: hodgkin,
    board: { ...hodgkin, otherStages: lugano('IIB') },
    expected: { changeTypes: ['stage'], stage: ['other system[lugano] up'], concordance: 'minor', impact: 'potential' },
  },
  // Cheson 2014: bulky disease (≥ 10 cm, or a third of the thoracic diameter) is recorded as "II bulky".
  {
    cancer: 'lymphoma',
    name: 'DLBCL Lugano II → II bulky: stage up',
    referring: dx({ primarySite: 'C77.2', histology: '9680/3', otherStages: lugano('II') }),
    board: dx({ primarySite: 'C77.2', histology: '9680/3', otherStages: lugano('II bulky') }),
    expected: { changeTypes: ['stage'], stage: ['other system[lugano] up'], concordance: 'minor', impact: 'potential' },
  },
  // Follicular lymphoma grade 3B is treated as DLBCL (WHO revised 4th ed., Swerdlow et al. Blood
  // 2016;127:2375; NCCN B-Cell Lymphomas v2.2025): watch and wait (GELF low tumour burden) → R-CHOP.
  {
    cancer: 'lymphoma',
    name: 'follicular lymphoma 9690/3 → grade 3 9698/3: watch and wait → R-CHOP',
    referring: dx({ primarySite: 'C77.2', histology: '9690/3', otherStages: lugano('III') }),
    board: dx({ primarySite: 'C77.2', histology: '9698/3', otherStages: lugano('III') }),
    management: {
      recommendation: [surveillance(1, 'watch and wait')],
      signedPlan: [systemic(1, 'R-CHOP × 6', { regimen: 'R-CHOP' })],
    },
    expected: {
      changeTypes: ['histology'],
      stage: [],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed'],
      pathology: true,
    },
  },
];

/* ------------------------------------------------------------------------ */
/* Sarcoma                                                                   */
/* ------------------------------------------------------------------------ */

const sarcomaScenarios: Scenario[] = [
  // Issue 13. Gastric "leiomyosarcoma" is a GIST on review: KIT (CD117) and DOG1 positive (WHO Soft Tissue
  // and Bone Tumours 5th ed. 2020). Adjuvant imatinib for 3 years (SSG XVIII, Joensuu et al. JAMA
  // 2012;307:1265; NCCN GIST v1.2025) replaces doxorubicin + ifosfamide.
  {
    cancer: 'sarcoma',
    name: 'leiomyosarcoma 8890/3 → GIST 8936/3: doxorubicin + ifosfamide → imatinib',
    referring: dx({
      primarySite: 'C16.2',
      histology: '8890/3',
      grade: 'G2',
      biomarkers: [marker('desmin', 'positive'), marker('SMA', 'positive')],
    }),
    board: dx({
      primarySite: 'C16.2',
      histology: '8936/3',
      biomarkers: [marker('CD117', 'positive'), marker('DOG1', 'positive')],
    }),
    management: {
      recommendation: [
        surgery(1, 'partial gastrectomy'),
        systemic(2, 'adjuvant doxorubicin + ifosfamide', { regimen: 'AI' }),
      ],
      signedPlan: [
        surgery(1, 'partial gastrectomy'),
        systemic(2, 'adjuvant imatinib for 3 years', { drugs: ['imatinib'] }),
      ],
    },
    expected: {
      changeTypes: ['histology', 'biomarker'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen'],
      pathology: true,
      biomarkers: ['KIT', 'DOG1'],
    },
  },
  // FNCLCC grade (Trojani et al. Int J Cancer 1984; AJCC 8th ed. ch. 41, extremity: T2 N0 M0 G2 or G3 are
  // both IIIA). Limb-sparing resection with preoperative radiation either way (NCCN Soft Tissue Sarcoma
  // v2.2025; O'Sullivan et al. Lancet 2002): minor.
  {
    cancer: 'sarcoma',
    name: 'thigh leiomyosarcoma FNCLCC G2 → G3, same plan: minor',
    referring: dx({
      primarySite: 'C49.2',
      histology: '8890/3',
      laterality: 'left',
      grade: 'G2',
      clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'IIIA' },
    }),
    board: dx({
      primarySite: 'C49.2',
      histology: '8890/3',
      laterality: 'left',
      grade: 'G3',
      clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'IIIA' },
    }),
    management: {
      recommendation: [radiation(1, 'preoperative radiation 50 Gy'), surgery(2, 'limb-sparing resection')],
      signedPlan: [radiation(1, 'preoperative radiation 50 Gy'), surgery(2, 'limb-sparing resection')],
    },
    expected: {
      changeTypes: ['grade'],
      stage: [],
      concordance: 'minor',
      impact: 'none',
      treatment: [],
      pathology: true,
    },
  },
  // CT chest finds lung metastases: cM1, stage IV (AJCC 8th ed. ch. 41); first-line doxorubicin
  // (EORTC 62012, Judson et al. Lancet Oncol 2014;15:415) instead of local treatment.
  {
    cancer: 'sarcoma',
    name: 'lung metastases on CT chest: cM0 → cM1, limb-sparing surgery → palliative doxorubicin',
    referring: dx({
      primarySite: 'C49.2',
      histology: '8890/3',
      laterality: 'left',
      grade: 'G3',
      clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'IIIA' },
    }),
    board: dx({
      primarySite: 'C49.2',
      histology: '8890/3',
      laterality: 'left',
      grade: 'G3',
      clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM1', stageGroup: 'IV' },
      additionalCancers: [
        {
          primarySite: 'C34.9',
          histology: '8890/6',
          laterality: 'bilateral',
          description: 'bilateral lung metastases',
        },
      ],
    }),
    management: {
      recommendation: [radiation(1, 'preoperative radiation 50 Gy'), surgery(2, 'limb-sparing resection')],
      signedPlan: [systemic(1, 'doxorubicin', { intent: 'palliative', drugs: ['doxorubicin'] })],
    },
    expected: {
      changeTypes: ['stage', 'additional_cancer'],
      stage: ['clinical m up', 'clinical group[anatomic] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed'],
      additionalCancers: 1,
    },
  },
  // WHO Soft Tissue 5th ed. 2020: desmoid fibromatosis (8821/1) is locally aggressive, not malignant. Active
  // surveillance first (Desmoid Tumor Working Group, Eur J Cancer 2020;127:96) instead of resection + RT.
  {
    cancer: 'sarcoma',
    name: 'fibrosarcoma 8810/3 → desmoid fibromatosis 8821/1: resection + radiation → active surveillance',
    referring: dx({ primarySite: 'C49.1', histology: '8810/3', laterality: 'right', grade: 'G1' }),
    board: dx({ primarySite: 'C49.1', histology: '8821/1', laterality: 'right', malignant: false }),
    management: {
      recommendation: [surgery(1, 'wide resection'), radiation(2, 'adjuvant radiation')],
      signedPlan: [surveillance(1, 'active surveillance with MRI every 3 months')],
    },
    expected: {
      changeTypes: ['malignancy', 'histology'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed'],
      pathology: true,
    },
  },
];

/* ------------------------------------------------------------------------ */
/* Melanoma                                                                  */
/* ------------------------------------------------------------------------ */

const melanoma = (d: Partial<Dx>): Dx => dx({ primarySite: 'C44.5', histology: '8720/3', ...d });

const melanomaScenarios: Scenario[] = [
  // Issue 13. Breslow 0.7 → 1.2 mm on review: T1a → T2a, IA → IB (AJCC 8th ed. ch. 47, Gershenwald et al.
  // CA Cancer J Clin 2017;67:472). SLNB is recommended from T2a (NCCN Melanoma: Cutaneous v2.2024).
  {
    cancer: 'melanoma',
    name: 'Breslow 0.7 → 1.2 mm (T1a → T2a): wide excision → wide excision + SLNB',
    referring: melanoma({ depthMm: 0.7, clinicalStage: { t: 'T1a', n: 'cN0', m: 'cM0', stageGroup: 'IA' } }),
    board: melanoma({ depthMm: 1.2, clinicalStage: { t: 'T2a', n: 'cN0', m: 'cM0', stageGroup: 'IB' } }),
    management: {
      recommendation: [surgery(1, 'wide local excision, 1 cm margins')],
      signedPlan: [surgery(1, 'wide local excision, 1–2 cm margins + sentinel lymph node biopsy')],
    },
    expected: {
      changeTypes: ['stage'],
      stage: ['clinical t up', 'clinical group[anatomic] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['surgery_type'],
    },
  },
  // Issue 13. AJCC 8th ed. ch. 47: M1a(0) (LDH not elevated) → M1b(0), lung metastases; stage IV either way;
  // nivolumab + ipilimumab either way (CheckMate 067, Wolchok et al. N Engl J Med 2017;377:1345): minor.
  {
    cancer: 'melanoma',
    name: 'M1a(0) → M1b(0): M up, stage IV both, same immunotherapy: minor',
    referring: melanoma({ clinicalStage: { t: 'T3b', n: 'cN1b', m: 'cM1a(0)', stageGroup: 'IV' } }),
    board: melanoma({ clinicalStage: { t: 'T3b', n: 'cN1b', m: 'cM1b(0)', stageGroup: 'IV' } }),
    management: {
      recommendation: [
        systemic(1, 'nivolumab + ipilimumab', { intent: 'palliative', drugs: ['nivolumab', 'ipilimumab'] }),
      ],
      signedPlan: [systemic(1, 'nivolumab + ipilimumab', { intent: 'palliative', drugs: ['nivolumab', 'ipilimumab'] })],
    },
    expected: {
      changeTypes: ['stage'],
      stage: ['clinical m up'],
      concordance: 'minor',
      impact: 'none',
      treatment: [],
    },
  },
  // AJCC 8th ed. ch. 47: the (0)/(1) suffix records LDH; M1a and M1a(0) are the same M category.
  {
    cancer: 'melanoma',
    name: 'M1a vs M1a(0): the LDH suffix is detail, not a stage change',
    referring: melanoma({ clinicalStage: { t: 'T3b', n: 'cN1b', m: 'M1a', stageGroup: 'IV' } }),
    board: melanoma({ clinicalStage: { t: 'T3b', n: 'cN1b', m: 'cM1a(0)', stageGroup: 'IV' } }),
    expected: { changeTypes: [], stage: [], concordance: 'concordant', impact: 'none' },
  },
  // Melanoma in situ (8720/2, Tis) is invasive on deeper levels, 0.9 mm (T1b): WHO Skin Tumours 4th ed.
  // 2018; AJCC 8th ed. ch. 47 stage 0 → IB; SLNB discussed for T1b (NCCN Melanoma: Cutaneous v2.2024).
  {
    cancer: 'melanoma',
    name: 'melanoma in situ → invasive, Tis → T1b: excision → excision + SLNB',
    referring: melanoma({ histology: '8720/2', clinicalStage: { t: 'Tis', n: 'cN0', m: 'cM0', stageGroup: '0' } }),
    board: melanoma({ depthMm: 0.9, clinicalStage: { t: 'T1b', n: 'cN0', m: 'cM0', stageGroup: 'IB' } }),
    management: {
      recommendation: [surgery(1, 'wide local excision, 0.5–1 cm margins')],
      signedPlan: [surgery(1, 'wide local excision, 1 cm margins + sentinel lymph node biopsy')],
    },
    expected: {
      changeTypes: ['histology', 'stage'],
      stage: ['clinical t up', 'clinical group[anatomic] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['surgery_type'],
      pathology: true,
    },
  },
  // BRAF V600E found by the board's molecular test in stage IIIC; adjuvant nivolumab stays (CheckMate 238,
  // Weber et al. N Engl J Med 2017;377:1824; COMBI-AD is the alternative): biomarker change, minor.
  {
    cancer: 'melanoma',
    name: 'the board finds BRAF V600E, adjuvant nivolumab either way: minor',
    referring: melanoma({ pathologicalStage: { t: 'pT3b', n: 'pN2a', m: 'cM0', stageGroup: 'IIIC' } }),
    board: melanoma({
      pathologicalStage: { t: 'pT3b', n: 'pN2a', m: 'cM0', stageGroup: 'IIIC' },
      biomarkers: [{ name: 'BRAF', value: 'p.V600E detected', variant: 'p.V600E', method: 'NGS' }],
    }),
    management: {
      recommendation: [systemic(1, 'adjuvant nivolumab for 1 year', { drugs: ['nivolumab'], setting: 'adjuvant' })],
      signedPlan: [systemic(1, 'adjuvant nivolumab for 1 year', { drugs: ['nivolumab'], setting: 'adjuvant' })],
    },
    expected: { changeTypes: ['biomarker'], concordance: 'minor', impact: 'none', treatment: [], biomarkers: ['BRAF'] },
  },
];

/* ------------------------------------------------------------------------ */
/* Lung                                                                      */
/* ------------------------------------------------------------------------ */

const lung = (d: Partial<Dx>): Dx => dx({ primarySite: 'C34.1', histology: '8140/3', laterality: 'right', ...d });
const stageIVA = { t: 'cT2a', n: 'cN2', m: 'cM1a', stageGroup: 'IVA' };

const lungScenarios: Scenario[] = [
  // WHO Thoracic Tumours 5th ed. 2021: adenocarcinoma re-read as small cell carcinoma. cT1c N1 small cell is
  // treated with concurrent etoposide-platinum and thoracic radiation (NCCN Small Cell Lung Cancer v3.2025;
  // Turrisi et al. N Engl J Med 1999;340:265), not lobectomy.
  {
    cancer: 'lung',
    name: 'adenocarcinoma → small cell carcinoma: lobectomy + adjuvant chemo → concurrent EP + RT',
    referring: lung({ clinicalStage: { t: 'cT1c', n: 'cN1', m: 'cM0', stageGroup: 'IIB' } }),
    board: lung({ histology: '8041/3', clinicalStage: { t: 'cT1c', n: 'cN1', m: 'cM0', stageGroup: 'IIB' } }),
    management: {
      recommendation: [
        surgery(1, 'right upper lobectomy'),
        systemic(2, 'adjuvant cisplatin + pemetrexed', { regimen: 'cisplatin-pemetrexed' }),
      ],
      signedPlan: [
        systemic(1, 'etoposide + cisplatin', { regimen: 'EP' }),
        radiation(1, 'concurrent thoracic radiation 45 Gy BID'),
      ],
    },
    expected: {
      changeTypes: ['histology'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed', 'regimen', 'sequence'],
      pathology: true,
    },
  },
  // Hotspot PCR missed EGFR L858R that NGS finds (Lindeman et al., CAP/IASLC/AMP molecular testing
  // guideline, J Thorac Oncol 2018;13:323): osimertinib first line (FLAURA, Soria et al. NEJM 2018;378:113).
  {
    cancer: 'lung',
    name: 'EGFR not detected → p.L858R, stage IVA: chemo-immunotherapy → osimertinib',
    referring: lung({
      clinicalStage: stageIVA,
      biomarkers: [{ name: 'EGFR', value: 'not detected', method: 'PCR hotspot' }],
    }),
    board: lung({
      clinicalStage: stageIVA,
      biomarkers: [{ name: 'EGFR', value: 'p.L858R detected', variant: 'p.L858R', method: 'NGS' }],
    }),
    management: {
      recommendation: [
        systemic(1, 'carboplatin + pemetrexed + pembrolizumab (KEYNOTE-189)', {
          intent: 'palliative',
          drugs: ['carboplatin', 'pemetrexed', 'pembrolizumab'],
        }),
      ],
      signedPlan: [systemic(1, 'osimertinib', { intent: 'palliative', drugs: ['osimertinib'] })],
    },
    expected: {
      changeTypes: ['biomarker'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen'],
      pathology: true,
      biomarkers: ['EGFR'],
    },
  },
  // PD-L1 TPS is one number however it is written (KEYNOTE-024, Reck et al. N Engl J Med 2016;375:1823).
  {
    cancer: 'lung',
    name: 'PD-L1 "TPS 60%" vs tps 60: no change',
    referring: lung({
      clinicalStage: stageIVA,
      biomarkers: [{ name: 'PD-L1', value: 'TPS 60% (22C3)', method: 'IHC' }],
    }),
    board: lung({ clinicalStage: stageIVA, biomarkers: [{ name: 'PDL1', tps: 60, method: 'IHC 22C3' }] }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none' },
  },
  // KEYNOTE-024 / KEYNOTE-042: TPS ≥ 50% is its own category (pembrolizumab monotherapy); 40% → 55% changes it.
  {
    cancer: 'lung',
    name: 'PD-L1 TPS 40% → 55%: crosses the 50% category, a biomarker change',
    referring: lung({ clinicalStage: stageIVA, biomarkers: [{ name: 'PD-L1', tps: 40, method: 'IHC 22C3' }] }),
    board: lung({ clinicalStage: stageIVA, biomarkers: [{ name: 'PD-L1', tps: 55, method: 'IHC 22C3' }] }),
    expected: {
      changeTypes: ['biomarker'],
      concordance: 'minor',
      impact: 'potential',
      biomarkers: ['PD-L1'],
      pathology: true,
    },
  },
  // HGVS nomenclature (den Dunnen et al., Hum Mutat 2016;37:564): p.L858R and p.(Leu858Arg) are one variant,
  // one-letter and three-letter amino-acid codes, the parentheses marking a predicted consequence.
  {
    cancer: 'lung',
    name: 'EGFR p.L858R vs p.(Leu858Arg): one variant',
    referring: lung({
      clinicalStage: stageIVA,
      biomarkers: [{ name: 'EGFR', value: 'p.L858R detected', variant: 'p.L858R', method: 'PCR' }],
    }),
    board: lung({
      clinicalStage: stageIVA,
      biomarkers: [{ name: 'EGFR', value: 'exon 21 p.(Leu858Arg)', variant: 'p.(Leu858Arg)', method: 'NGS' }],
    }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none' },
  },
  // CAP/IASLC/AMP 2018: ALK IHC (D5F3) is equivalent to FISH; "positive by IHC" and "rearranged by FISH" are
  // one result.
  {
    cancer: 'lung',
    name: 'ALK positive by IHC (D5F3) vs ALK rearranged by FISH: the same result',
    referring: lung({
      clinicalStage: stageIVA,
      biomarkers: [{ name: 'ALK', value: 'positive (IHC D5F3)', method: 'IHC' }],
    }),
    board: lung({
      clinicalStage: stageIVA,
      biomarkers: [{ name: 'ALK', value: 'rearranged (break-apart FISH)', method: 'FISH' }],
    }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none' },
  },
  // EBUS-TBNA finds station 4R metastasis: cN0 → cN2, IB → IIIA (AJCC 8th ed. ch. 36; IASLC 8th ed.). The node
  // is a new nodal metastasis (Garcia 2018's counting). Concurrent chemoradiation then durvalumab (PACIFIC,
  // Antonia et al. N Engl J Med 2017;377:1919) instead of lobectomy.
  {
    cancer: 'lung',
    name: 'EBUS finds N2: cN0 → cN2, lobectomy → chemoradiation + durvalumab',
    referring: lung({ clinicalStage: { t: 'cT2a', n: 'cN0', m: 'cM0', stageGroup: 'IB' } }),
    board: lung({
      clinicalStage: { t: 'cT2a', n: 'cN2', m: 'cM0', stageGroup: 'IIIA' },
      additionalCancers: [
        { primarySite: 'C77.1', histology: '8140/6', description: 'station 4R nodal metastasis (EBUS)' },
      ],
    }),
    management: {
      recommendation: [surgery(1, 'right upper lobectomy with mediastinal lymph node dissection')],
      signedPlan: [
        systemic(1, 'concurrent carboplatin + paclitaxel', { regimen: 'carboplatin-paclitaxel' }),
        radiation(1, 'thoracic radiation 60 Gy'),
        systemic(2, 'consolidation durvalumab for 1 year', { drugs: ['durvalumab'] }),
      ],
    },
    expected: {
      changeTypes: ['stage', 'additional_cancer'],
      stage: ['clinical n up', 'clinical group[anatomic] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed'],
      additionalCancers: 1,
    },
  },
];

/* ------------------------------------------------------------------------ */
/* Colorectal                                                                */
/* ------------------------------------------------------------------------ */

const colon = (d: Partial<Dx>): Dx => dx({ primarySite: 'C18.7', histology: '8140/3', grade: 'G2', ...d });
const colonIV = { t: 'cT3', n: 'cN1', m: 'cM1a', stageGroup: 'IVA' };
const folfoxBev = systemic(1, 'FOLFOX + bevacizumab', {
  intent: 'palliative',
  regimen: 'FOLFOX',
  drugs: ['bevacizumab'],
});

const colorectalScenarios: Scenario[] = [
  // MSS → MSI-H/dMMR on the board's testing; first-line pembrolizumab (KEYNOTE-177, André et al. N Engl J
  // Med 2020;383:2207; NCCN Colon Cancer v3.2025).
  {
    cancer: 'colorectal',
    name: 'MSS → MSI-H / dMMR, metastatic: FOLFOX + bevacizumab → pembrolizumab',
    referring: colon({ clinicalStage: colonIV, biomarkers: [{ name: 'MSI', value: 'MSS', method: 'PCR' }] }),
    board: colon({
      clinicalStage: colonIV,
      biomarkers: [
        { name: 'MSI', value: 'MSI-H', method: 'PCR' },
        { name: 'MMR', value: 'dMMR (loss of MLH1 and PMS2)', method: 'IHC' },
      ],
    }),
    management: {
      recommendation: [folfoxBev],
      signedPlan: [systemic(1, 'pembrolizumab', { intent: 'palliative', drugs: ['pembrolizumab'] })],
    },
    expected: {
      changeTypes: ['biomarker'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen'],
      pathology: true,
      biomarkers: ['MSI', 'MMR'],
    },
  },
  // Rectal MRI re-read: cT2 cN0 → cT3 cN1, I → IIIB (AJCC 8th ed. ch. 20). Total neoadjuvant therapy before
  // TME (RAPIDO, Bahadoer et al. Lancet Oncol 2021;22:29; NCCN Rectal Cancer v2.2025).
  {
    cancer: 'colorectal',
    name: 'rectal cT2 cN0 → cT3 cN1 on MRI review: upfront TME → total neoadjuvant therapy',
    referring: dx({
      primarySite: 'C20.9',
      histology: '8140/3',
      clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'I' },
    }),
    board: dx({
      primarySite: 'C20.9',
      histology: '8140/3',
      clinicalStage: { t: 'cT3', n: 'cN1', m: 'cM0', stageGroup: 'IIIB' },
    }),
    management: {
      recommendation: [surgery(1, 'low anterior resection with total mesorectal excision')],
      signedPlan: [
        radiation(1, 'short-course radiation 5 × 5 Gy'),
        systemic(2, 'CAPOX × 6', { regimen: 'CAPOX' }),
        surgery(3, 'low anterior resection with total mesorectal excision'),
      ],
    },
    expected: {
      changeTypes: ['stage'],
      stage: ['clinical t up', 'clinical n up', 'clinical group[anatomic] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added'],
    },
  },
  // Anti-EGFR antibodies only for RAS wild-type (NCCN Colon v3.2025; Douillard et al. N Engl J Med
  // 2013;369:1023): KRAS p.G12D found → bevacizumab instead of panitumumab.
  {
    cancer: 'colorectal',
    name: 'KRAS wild-type → p.G12D, left-sided metastatic: FOLFOX + panitumumab → FOLFOX + bevacizumab',
    referring: colon({ clinicalStage: colonIV, biomarkers: [{ name: 'KRAS', value: 'wild-type', method: 'PCR' }] }),
    board: colon({
      clinicalStage: colonIV,
      biomarkers: [{ name: 'KRAS', value: 'p.G12D', variant: 'p.G12D', method: 'NGS' }],
    }),
    management: {
      recommendation: [
        systemic(1, 'FOLFOX + panitumumab', { intent: 'palliative', regimen: 'FOLFOX', drugs: ['panitumumab'] }),
      ],
      signedPlan: [folfoxBev],
    },
    expected: {
      changeTypes: ['biomarker'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['regimen'],
      biomarkers: ['KRAS'],
      pathology: true,
    },
  },
  // WHO Digestive System Tumours 5th ed. 2019: mucinous adenocarcinoma (≥ 50% mucin) is a subtype; stage III
  // colon cancer gets colectomy + adjuvant CAPOX either way (IDEA, Grothey et al. NEJM 2018;378:1177): minor.
  {
    cancer: 'colorectal',
    name: 'adenocarcinoma → mucinous adenocarcinoma, same plan: minor',
    referring: colon({ pathologicalStage: { t: 'pT3', n: 'pN1a', m: 'cM0', stageGroup: 'IIIB' } }),
    board: colon({ histology: '8480/3', pathologicalStage: { t: 'pT3', n: 'pN1a', m: 'cM0', stageGroup: 'IIIB' } }),
    management: {
      recommendation: [systemic(1, 'adjuvant CAPOX × 4', { regimen: 'CAPOX', setting: 'adjuvant' })],
      signedPlan: [systemic(1, 'adjuvant CAPOX × 4', { regimen: 'CAPOX', setting: 'adjuvant' })],
    },
    expected: { changeTypes: ['histology'], concordance: 'minor', impact: 'none', treatment: [], pathology: true },
  },
  // AJCC 8th ed. ch. 20: tumour deposits without nodal metastases are pN1c; pN0 → pN1c moves IIA → IIIB, and
  // stage III gets adjuvant CAPOX (IDEA 2018) instead of surveillance.
  {
    cancer: 'colorectal',
    name: 'tumour deposits on review: pN0 → pN1c, surveillance → adjuvant CAPOX',
    referring: colon({ pathologicalStage: { t: 'pT3', n: 'pN0', m: 'cM0', stageGroup: 'IIA' } }),
    board: colon({ pathologicalStage: { t: 'pT3', n: 'pN1c', m: 'cM0', stageGroup: 'IIIB' } }),
    management: {
      recommendation: [surveillance(1, 'CEA and CT surveillance')],
      signedPlan: [systemic(1, 'adjuvant CAPOX for 3 months', { regimen: 'CAPOX', setting: 'adjuvant' })],
    },
    expected: {
      changeTypes: ['stage'],
      stage: ['pathological n up', 'pathological group[anatomic] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed'],
    },
  },
];

/* ------------------------------------------------------------------------ */
/* Gynaecologic                                                              */
/* ------------------------------------------------------------------------ */

const figo = (stage: string): Diagnosis['otherStages'] => [{ system: 'figo', stage }];
const ovary = (d: Partial<Dx>): Dx =>
  dx({
    primarySite: 'C56.9',
    histology: '8461/3',
    laterality: 'bilateral',
    grade: 'high',
    otherStages: figo('IIIC'),
    ...d,
  });

const gynaecologicScenarios: Scenario[] = [
  // Issue 13. FIGO 2018 cervix (Bhatla et al. Int J Gynaecol Obstet 2019;145:129): PET-CT finds pelvic nodes,
  // IB1 → IIIC1 (radiological). Chemoradiation with weekly cisplatin and brachytherapy instead of radical
  // hysterectomy (NCCN Cervical Cancer v1.2025).
  {
    cancer: 'gynaecologic',
    name: 'cervix FIGO IB1 → IIIC1: radical hysterectomy → chemoradiation',
    referring: dx({ primarySite: 'C53.9', histology: '8070/3', otherStages: figo('IB1') }),
    board: dx({ primarySite: 'C53.9', histology: '8070/3', otherStages: figo('IIIC1') }),
    management: {
      recommendation: [surgery(1, 'radical hysterectomy with pelvic lymphadenectomy')],
      signedPlan: [
        radiation(1, 'pelvic EBRT + brachytherapy', { setting: 'definitive' }),
        systemic(1, 'weekly cisplatin (radiosensitising)', { drugs: ['cisplatin'] }),
      ],
    },
    expected: {
      changeTypes: ['stage'],
      stage: ['other system[figo] up'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added', 'modality_removed'],
    },
  },
  // WHO Female Genital Tumours 5th ed. 2020: endometrioid → serous endometrial carcinoma (high grade by
  // definition); adjuvant carboplatin + paclitaxel is added (NCCN Uterine Neoplasms v2.2025; GOG-258).
  {
    cancer: 'gynaecologic',
    name: 'endometrioid → serous endometrial carcinoma: chemotherapy added',
    referring: dx({ primarySite: 'C54.1', histology: '8380/3', grade: 'G1', otherStages: figo('IA') }),
    board: dx({ primarySite: 'C54.1', histology: '8441/3', otherStages: figo('IA') }),
    management: {
      recommendation: [surgery(1, 'total hysterectomy + BSO'), radiation(2, 'vaginal brachytherapy')],
      signedPlan: [
        surgery(1, 'total hysterectomy + BSO with omentectomy'),
        systemic(2, 'adjuvant carboplatin + paclitaxel × 6', { regimen: 'carboplatin-paclitaxel' }),
        radiation(3, 'vaginal brachytherapy'),
      ],
    },
    expected: {
      changeTypes: ['histology'],
      concordance: 'major',
      impact: 'changed',
      treatment: ['modality_added'],
      pathology: true,
    },
  },
  // Two-tier grading of ovarian serous carcinoma (Malpica et al. Am J Surg Pathol 2004;28:496; WHO Female
  // Genital Tumours 5th ed. 2020): low-grade → high-grade serous is a histology and a grade change.
  {
    cancer: 'gynaecologic',
    name: 'ovarian low-grade → high-grade serous carcinoma: histology and grade',
    referring: ovary({ histology: '8460/3', grade: 'low' }),
    board: ovary({}),
    expected: { changeTypes: ['histology', 'grade'], concordance: 'minor', impact: 'potential', pathology: true },
  },
  // ACMG/AMP 2015 (Richards et al.): a variant of uncertain significance is not actionable and not a
  // germline finding; negative → VUS is no change.
  {
    cancer: 'gynaecologic',
    name: 'germline BRCA1 negative → VUS: not a germline finding',
    referring: ovary({ biomarkers: [germline('BRCA1', 'negative')] }),
    board: ovary({ biomarkers: [germline('BRCA1', 'variant of uncertain significance', { variant: 'c.5096G>A' })] }),
    expected: { changeTypes: [], concordance: 'concordant', impact: 'none' },
  },
  // A pathogenic germline BRCA1 variant adds olaparib maintenance after first-line platinum (SOLO-1, Moore
  // et al. N Engl J Med 2018;379:2495; NCCN Ovarian Cancer v3.2024).
  {
    cancer: 'gynaecologic',
    name: 'germline BRCA1 pathogenic in high-grade serous ovarian cancer: olaparib maintenance added',
    referring: ovary({}),
    board: ovary({ biomarkers: [germline('BRCA1', 'pathogenic variant', { variant: 'c.68_69del' })] }),
    management: {
      recommendation: [
        surgery(1, 'interval cytoreduction'),
        systemic(2, 'carboplatin + paclitaxel × 6', { regimen: 'carboplatin-paclitaxel' }),
      ],
      signedPlan: [
        surgery(1, 'interval cytoreduction'),
        systemic(2, 'carboplatin + paclitaxel × 6, then olaparib maintenance', {
          regimen: 'carboplatin-paclitaxel',
          drugs: ['olaparib'],
        }),
      ],
    },
    expected: { changeTypes: ['germline_finding'], concordance: 'major', impact: 'changed', treatment: ['regimen'] },
  },
  // FIGO and AJCC are separate systems (AJCC 8th ed. ch. 52 maps to FIGO but the two are recorded apart):
  // never compared with each other.
  {
    cancer: 'gynaecologic',
    name: 'FIGO IB1 on the referral, AJCC cT1b1 on the board: different systems, no stage change',
    referring: dx({ primarySite: 'C53.9', histology: '8070/3', otherStages: figo('IB1') }),
    board: dx({
      primarySite: 'C53.9',
      histology: '8070/3',
      clinicalStage: { t: 'cT1b1', n: 'cN0', m: 'cM0', stageGroup: 'IB1' },
    }),
    expected: { changeTypes: [], stage: [], concordance: 'concordant', impact: 'none' },
  },
  // FIGO 2009 endometrium (Pecorelli, Int J Gynaecol Obstet 2009;105:103): IIIC1 is IIIC with the nodes
  // named (pelvic): the same stage in more detail, as AJCC treats IIA against II.
  {
    cancer: 'gynaecologic',
    name: 'endometrium FIGO IIIC → IIIC1: more detail, no stage change',
    referring: dx({ primarySite: 'C54.1', histology: '8380/3', grade: 'G2', otherStages: figo('IIIC') }),
    board: dx({ primarySite: 'C54.1', histology: '8380/3', grade: 'G2', otherStages: figo('IIIC1') }),
    expected: { changeTypes: [], stage: [], concordance: 'concordant', impact: 'none' },
  },
  // FIGO 2009 endometrium (Pecorelli, Int J Gynaecol Obstet 2009;105:103): myometrial invasion ≥ 50% on
  // review, IA → IB.
  {
    cancer: 'gynaecologic',
    name: 'endometrium FIGO IA → IB (deep myometrial invasion): stage up',
    referring: dx({ primarySite: 'C54.1', histology: '8380/3', grade: 'G2', otherStages: figo('IA') }),
    board: dx({ primarySite: 'C54.1', histology: '8380/3', grade: 'G2', otherStages: figo('IB') }),
    expected: { changeTypes: ['stage'], stage: ['other system[figo] up'], concordance: 'minor', impact: 'potential' },
  },
];

/* ------------------------------------------------------------------------ */
/* Testis (stage IS)                                                         */
/* ------------------------------------------------------------------------ */

const seminoma = (stage: Partial<NonNullable<Diagnosis['pathologicalStage']>>): Dx =>
  dx({
    primarySite: 'C62.9',
    histology: '9061/3',
    laterality: 'right',
    pathologicalStage: { t: 'pT1', n: 'cN0', m: 'cM0', ...stage },
  });

const testisScenarios: Scenario[] = [
  // Issue 13. AJCC 8th ed. ch. 59: stage IS (serum markers persist after orchiectomy) is above IA/IB and
  // below IIA.
  {
    cancer: 'testis',
    name: 'testis IA → IS (markers persist after orchiectomy): stage up',
    referring: seminoma({ stageGroup: 'IA' }),
    board: seminoma({ stageGroup: 'IS' }),
    expected: {
      changeTypes: ['stage'],
      stage: ['pathological group[anatomic] up'],
      concordance: 'minor',
      impact: 'potential',
    },
  },
  // AJCC 8th ed. ch. 59: retroperitoneal node ≤ 2 cm on CT review, cN0 → cN1, IS → IIA is up, not down.
  {
    cancer: 'testis',
    name: 'testis IS → IIA (retroperitoneal node): stage up',
    referring: seminoma({ stageGroup: 'IS' }),
    board: seminoma({ n: 'cN1', stageGroup: 'IIA' }),
    expected: {
      changeTypes: ['stage'],
      stage: ['pathological n up', 'pathological group[anatomic] up'],
      concordance: 'minor',
      impact: 'potential',
    },
  },
];

const scenarios: Scenario[] = [
  ...breastScenarios,
  ...prostateScenarios,
  ...pancreasScenarios,
  ...lymphomaScenarios,
  ...sarcomaScenarios,
  ...melanomaScenarios,
  ...lungScenarios,
  ...colorectalScenarios,
  ...gynaecologicScenarios,
  ...testisScenarios,
];

const stageWords = (r: Comparison): string[] =>
  r.stageChanges.map((s) => `${s.basis} ${s.element}${s.system === undefined ? '' : `[${s.system}]`} ${s.direction}`);
const kinds = (r: Comparison): string[] => [...new Set(r.treatmentChanges.map((t) => t.kind))].sort();

const toInput = (d: Dx): DiagnosisInput => ({
  ...d,
  primarySite: d.primarySite ?? '',
  biomarkers: [...d.biomarkers],
  additionalCancers: d.additionalCancers.map((c): AdditionalCancer => ({ ...c })),
  otherStages: d.otherStages == null ? null : [...d.otherStages],
});

describe(compareDiagnoses.name, () => {
  it('should hold at least 45 scenarios across the nine cancers the issue names', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(45);
    const cancers = new Set(scenarios.map((s) => s.cancer));
    for (const c of [
      'breast',
      'prostate',
      'pancreas',
      'lymphoma',
      'sarcoma',
      'melanoma',
      'lung',
      'colorectal',
      'gynaecologic',
    ] as const)
      expect(cancers.has(c)).toBe(true);
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
  });

  describe.each(scenarios.map((s) => [`${s.cancer}: ${s.name}`, s] as const))('%s', (_, s) => {
    const r = compareDiagnoses(s.referring, s.board, s.management);

    it('should classify the change as the cited guideline does', () => {
      expect(r.changeTypes).toEqual(s.expected.changeTypes);
      expect(r.concordance).toBe(s.expected.concordance);
      expect(r.managementImpact).toBe(s.expected.impact);
      if (s.expected.stage !== undefined) expect(stageWords(r)).toEqual(s.expected.stage);
      expect(r.changeTypes.includes('stage')).toBe(r.stageChanges.length > 0);
      if (s.expected.treatment !== undefined) expect(kinds(r)).toEqual([...s.expected.treatment].sort());
      if (s.expected.pathology !== undefined) expect(r.pathologyReinterpretation).toBe(s.expected.pathology);
      if (s.expected.biomarkers !== undefined)
        expect(r.biomarkerChanges.map((b) => b.name).sort()).toEqual([...s.expected.biomarkers].sort());
      if (s.expected.additionalCancers !== undefined)
        expect(r.additionalCancers).toHaveLength(s.expected.additionalCancers);
      if (s.expected.removedCancers !== undefined) expect(r.removedCancers).toHaveLength(s.expected.removedCancers);
    });

    it('should say one sentence per difference', () => {
      if (r.changeTypes.length === 0 && r.treatmentChanges.length === 0) expect(r.details).toEqual([]);
      else expect(r.details.length).toBeGreaterThanOrEqual(r.stageChanges.length + r.treatmentChanges.length);
    });

    it('should be built from diagnoses a clinician could write', () => {
      expect(validateDiagnosis(toInput(s.referring), 'referring')).toEqual([]);
      expect(validateDiagnosis(toInput(s.board), 'board')).toEqual([]);
    });
  });

  it('should rank TNM categories and stage groups in clinical order (AJCC 8th ed.)', () => {
    const ordered = (ranks: ({ main: number; sub: number } | undefined)[]): void => {
      for (let i = 1; i < ranks.length; i++) {
        const a = ranks[i - 1]!;
        const b = ranks[i]!;
        expect(b.main > a.main || (b.main === a.main && b.sub > a.sub)).toBe(true);
      }
    };
    ordered(['T0', 'Tis', 'T1mi', 'T1a', 'T1b', 'T1c', 'T2', 'T3', 'T4a', 'T4d'].map((t) => parseTnm('t', t)?.rank));
    ordered(['N0', 'N1mi', 'N1a', 'N2a', 'N3c'].map((n) => parseTnm('n', n)?.rank));
    ordered(['M0', 'M1', 'M1a', 'M1b', 'M1c', 'M1d'].map((m) => parseTnm('m', m)?.rank));
    ordered(['0', 'IA', 'IB', 'IS', 'IIA', 'IIB', 'IIIA', 'IIIC', 'IV'].map(groupRank));
    expect(parseTnm('n', 'pN0(i+)')?.rank).toEqual(parseTnm('n', 'N0')?.rank);
    expect(parseTnm('t', 'TX')?.rank).toBeUndefined();
  });
});

/* ------------------------------------------------------------------------ */
/* Validation: codes wrongly accepted and wrongly refused (issue 13)          */
/* ------------------------------------------------------------------------ */

const breastInput = (d: Partial<DiagnosisInput>): DiagnosisInput => ({
  primarySite: 'C50.4',
  histology: '8500/3',
  laterality: 'left',
  malignant: true,
  ...d,
});
const prostateInput = (d: Partial<DiagnosisInput>): DiagnosisInput => ({
  primarySite: 'C61.9',
  histology: '8140/3',
  malignant: true,
  ...d,
});

const refused: { name: string; input: DiagnosisInput; field: string }[] = [
  // ICD-O-3 (WHO 2000/2019): lymph nodes (C77) are a primary site only for lymphomas (9590–9729).
  {
    name: 'C77.3 as the primary site of a carcinoma',
    input: breastInput({ primarySite: 'C77.3', laterality: null }),
    field: 'primarySite',
  },
  // ICD-O-3 topography: C50 has C50.0–C50.6, C50.8, C50.9; there is no C50.7.
  { name: 'C50.7 (not an ICD-O-3 code)', input: breastInput({ primarySite: 'C50.7' }), field: 'primarySite' },
  // FNCLCC grade for soft-tissue sarcoma has three grades (Trojani et al., Int J Cancer 1984; AJCC 8 ch. 41).
  {
    name: 'G4 for a soft-tissue leiomyosarcoma',
    input: toInput(dx({ primarySite: 'C49.2', histology: '8890/3', laterality: 'left', grade: 'G4' })),
    field: 'grade',
  },
  // C78/C79 are ICD-10 secondary-neoplasm codes, not ICD-O-3 topography.
  {
    name: 'C78.0 (ICD-10 lung metastasis, not ICD-O-3)',
    input: breastInput({ primarySite: 'C78.0', laterality: null }),
    field: 'primarySite',
  },
  // ICD-O-3: C80 has only C80.9 (unknown primary site).
  {
    name: 'C80.0 (C80 has only C80.9)',
    input: breastInput({ primarySite: 'C80.0', laterality: null }),
    field: 'primarySite',
  },
  // ICD-O-3 morphology: 0000 is not a histology.
  { name: 'histology 0000/3', input: breastInput({ histology: '0000/3' }), field: 'histology' },
  // ICD-O-3 behaviour /6 is a metastasis, not a primary (DOMAIN.md "Coding").
  { name: '8500/6 as a primary', input: breastInput({ histology: '8500/6' }), field: 'histology' },
  // Behaviour /3 is malignant: it cannot be recorded as not malignant.
  { name: 'malignant:false with 8500/3', input: breastInput({ malignant: false }), field: 'malignant' },
  // Nottingham grade has G1–G3 only (Elston & Ellis 1991; AJCC 8th ed. ch. 48).
  { name: 'G4 for breast', input: breastInput({ grade: 'G4' }), field: 'grade' },
  // SEER Coding Manual, laterality: the prostate is not a paired organ.
  { name: 'laterality for the prostate', input: prostateInput({ laterality: 'left' }), field: 'laterality' },
  // AJCC 8th ed.: M1 is stage IV for every site (but differentiated thyroid under 55).
  {
    name: 'T1c N0 M1 with stage IA',
    input: breastInput({ clinicalStage: { t: 'cT1c', n: 'cN0', m: 'cM1', stageGroup: 'IA' } }),
    field: 'clinicalStage.stageGroup',
  },
  // AJCC 8th ed. ch. 48 anatomic table: T2 N1 M0 is IIB.
  {
    name: 'cT2 cN1 cM0 as anatomic IIA',
    input: breastInput({ clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIA' } }),
    field: 'clinicalStage.stageGroup',
  },
  // AJCC 8th ed. ch. 1: a clinical category in the pathological field, and a post-therapy one in the clinical.
  {
    name: 'cT2 as a pathological T',
    input: breastInput({ pathologicalStage: { t: 'cT2' } }),
    field: 'pathologicalStage.t',
  },
  { name: 'ypT0 as a clinical T', input: breastInput({ clinicalStage: { t: 'ypT0' } }), field: 'clinicalStage.t' },
  // AJCC 8th ed. ch. 1: there is no pM0.
  {
    name: 'pM0',
    input: breastInput({ pathologicalStage: { t: 'pT1c', n: 'pN0', m: 'pM0' } }),
    field: 'pathologicalStage.m',
  },
  // ICD-10-CM C50.912 is the left breast: a right laterality contradicts the code.
  {
    name: 'C50.912 (left breast) with laterality right',
    input: breastInput({ primarySite: 'C50.912', laterality: 'right' }),
    field: 'laterality',
  },
  // Epstein 2016: 3+4 is GG2, not GG3.
  {
    name: 'Gleason 3+4 with GG3',
    input: prostateInput({ grade: 'GG3', gleason: { primary: 3, secondary: 4 } }),
    field: 'grade',
  },
  // Cheson 2014: Lugano is a lymphoma staging system.
  {
    name: 'Lugano stage for a carcinoma',
    input: breastInput({ otherStages: [{ system: 'lugano', stage: 'II' }] }),
    field: 'otherStages[0].system',
  },
  // AJCC 8th ed. ch. 47: Breslow depth is a melanoma measure.
  { name: 'Breslow depth for a breast carcinoma', input: breastInput({ depthMm: 1.2 }), field: 'depthMm' },
];

const accepted: { name: string; input: DiagnosisInput }[] = [
  // AJCC 8th ed. ch. 1 and 48: every prefix and suffix in its own field.
  {
    name: 'cT2 cN0 cM0 anatomic IIA',
    input: breastInput({ clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'IIA' } }),
  },
  {
    name: 'cT2 cN0 cM0 as stage II (IIA with less detail)',
    input: breastInput({ clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'II' } }),
  },
  {
    name: 'pT1c pN1mi cM0 (IB)',
    input: breastInput({ pathologicalStage: { t: 'pT1c', n: 'pN1mi', m: 'cM0', stageGroup: 'IB' } }),
  },
  {
    name: 'pT1b pN0(i+) (IA)',
    input: breastInput({ pathologicalStage: { t: 'pT1b', n: 'pN0(i+)', m: 'cM0', stageGroup: 'IA' } }),
  },
  {
    name: 'ypT0 ypN0 post-therapy',
    input: breastInput({ postTherapyPathologicalStage: { t: 'ypT0', n: 'ypN0', m: 'cM0' } }),
  },
  {
    name: 'ycT1 ycN0 post-therapy clinical',
    input: breastInput({ postTherapyClinicalStage: { t: 'ycT1', n: 'ycN0' } }),
  },
  {
    name: 'pT2(m) pN1a(sn) (IIB)',
    input: breastInput({ pathologicalStage: { t: 'pT2(m)', n: 'pN1a(sn)', m: 'cM0', stageGroup: 'IIB' } }),
  },
  { name: 'rpT1 recurrence', input: breastInput({ recurrenceStage: { t: 'rpT1', n: 'rpN0' } }) },
  {
    name: 'pTis(DCIS) for DCIS 8500/2',
    input: breastInput({
      histology: '8500/2',
      pathologicalStage: { t: 'pTis(DCIS)', n: 'pN0(sn)', m: 'cM0', stageGroup: '0' },
    }),
  },
  {
    name: 'pT1c with cN0 (clinical N in a pathological stage)',
    input: breastInput({ pathologicalStage: { t: 'pT1c', n: 'cN0', m: 'cM0', stageGroup: 'IA' } }),
  },
  {
    name: 'prognostic stage group IB (not checked against the anatomic table)',
    input: breastInput({ clinicalStage: { t: 'cT2', n: 'cN0', m: 'cM0', stageGroup: 'IB', groupType: 'prognostic' } }),
  },
  // DOMAIN.md "Coding": ICD-10-CM codes may also be accepted (C50.912: left female breast, unspecified site).
  { name: 'ICD-10-CM C50.912', input: breastInput({ primarySite: 'C50.912' }) },
  // Epstein 2016 ISUP: Gleason pattern with its grade group, or either alone.
  { name: 'Gleason 4+3 with GG3', input: prostateInput({ grade: 'GG3', gleason: { primary: 4, secondary: 3 } }) },
  { name: 'ISUP GG5 alone', input: prostateInput({ grade: 'GG5' }) },
  { name: 'Gleason 3+3 alone', input: prostateInput({ gleason: { primary: 3, secondary: 3 } }) },
  // AJCC 8th ed. ch. 47: melanoma Breslow depth and M1a(0).
  {
    name: 'melanoma Breslow 1.2 mm, M1a(0), stage IV',
    input: {
      primarySite: 'C44.5',
      histology: '8720/3',
      malignant: true,
      depthMm: 1.2,
      clinicalStage: { t: 'T2a', n: 'cN1b', m: 'cM1a(0)', stageGroup: 'IV' },
    },
  },
  // Lugano 2014 and FIGO 2018 in otherStages; C77 as a lymphoma's primary site.
  {
    name: 'DLBCL of nodes C77.2, Lugano IIE bulky',
    input: {
      primarySite: 'C77.2',
      histology: '9680/3',
      malignant: true,
      otherStages: [{ system: 'lugano', stage: 'IIE bulky' }],
    },
  },
  {
    name: 'cervix FIGO IIIC1',
    input: {
      primarySite: 'C53.9',
      histology: '8070/3',
      malignant: true,
      otherStages: [{ system: 'figo', stage: 'IIIC1' }],
    },
  },
  // Benign on review: a /0 code with malignant false.
  { name: 'fibroadenoma 9010/0, not malignant', input: breastInput({ histology: '9010/0', malignant: false }) },
  // Nodal metastasis listed as an additional cancer with behaviour /6.
  {
    name: 'axillary nodal metastasis 8500/6 as an additional cancer',
    input: breastInput({ additionalCancers: [{ primarySite: 'C77.3', histology: '8500/6' }] }),
  },
];

describe(validateDiagnosis.name, () => {
  it.each(refused)('should refuse $name, naming $field', ({ input, field }) => {
    const errors = validateDiagnosis(input);
    expect(errors.map((e) => e.field)).toEqual([field]);
    expect(errors[0].messages.join(' ')).toContain(field);
  });

  it('should name the field under the prefix given', () => {
    expect(validateDiagnosis(breastInput({ primarySite: 'C50.7' }), 'boardAssessment').map((e) => e.field)).toEqual([
      'boardAssessment.primarySite',
    ]);
  });

  it.each(accepted)('should accept $name', ({ input }) => {
    expect(validateDiagnosis(input)).toEqual([]);
  });
});

/* ------------------------------------------------------------------------ */
/* The standing diagnosis: the board inherits what it does not restate        */
/* ------------------------------------------------------------------------ */

describe(standingDiagnosis.name, () => {
  // Issue 13, Build 4: the board's assessment inherits unrestated facts, with the source of each kept.
  it('should keep the referral’s stage and ER when the board restates only HER2, and compare only HER2', () => {
    const standing = standingDiagnosis([
      { source: 'referring', diagnosis: breast },
      { source: 'board', diagnosis: dx({ primarySite: 'C50.4', histology: '8500/3', biomarkers: [HER2_3] }) },
    ])!;
    expect(standing.diagnosis.clinicalStage).toEqual(breast.clinicalStage);
    expect(standing.sources.clinicalStage).toBe('referring');
    expect(standing.sources['biomarkers.HER2|somatic']).toBe('board');
    expect(standing.sources['biomarkers.ER|somatic']).toBe('referring');
    const r = compareDiagnoses(breast, standing.diagnosis);
    expect(r.changeTypes).toEqual(['biomarker']);
    expect(r.biomarkerChanges.map((b) => b.name)).toEqual(['HER2']);
    expect(validateDiagnosis(toInput(standing.diagnosis))).toEqual([]);
  });

  // Epstein 2016 / Garcia 2018: the pathology review's grade stands when the board does not restate it.
  it('should take the grade from the pathology review when the board is silent on it', () => {
    const standing = standingDiagnosis([
      { source: 'board', diagnosis: dx({ primarySite: 'C61.9', histology: '8140/3' }) },
      { source: 'referring', diagnosis: prostate },
      {
        source: 'pathology_review',
        diagnosis: dx({
          primarySite: 'C61.9',
          histology: '8140/3',
          grade: 'GG3',
          gleason: { primary: 4, secondary: 3 },
        }),
      },
    ])!;
    expect(standing.sources.grade).toBe('pathology_review');
    expect(compareDiagnoses(prostate, standing.diagnosis).changeTypes).toEqual(['grade']);
  });

  // AJCC 8th ed. ch. 1 (stage, grade and laterality belong to one primary tumour) and Cheson 2014 (lymphoma is
  // staged by Lugano, not TNM): when the board places the cancer in another organ, the referral's breast stage,
  // side, grade and receptor results do not describe it; a germline result and the ECOG do.
  it('should not carry the first organ’s side, stage, grade or tumour markers to a cancer the board places elsewhere', () => {
    const referral = { ...breast, ecog: 1, biomarkers: [...breast.biomarkers, germline('BRCA2', 'pathogenic')] };
    const standing = standingDiagnosis([
      { source: 'referring', diagnosis: referral },
      {
        source: 'board',
        diagnosis: dx({ primarySite: 'C77.3', histology: '9680/3', otherStages: [{ system: 'lugano', stage: 'IIE' }] }),
      },
    ])!;
    const d = standing.diagnosis;
    expect(d.laterality).toBeNull();
    expect(d.clinicalStage).toBeNull();
    expect(d.grade).toBeNull();
    expect(d.biomarkers.map((b) => b.name)).toEqual(['BRCA2']);
    expect(d.ecog).toBe(1);
    expect(d.otherStages).toEqual([{ system: 'lugano', stage: 'IIE' }]);
    expect(validateDiagnosis(toInput(d))).toEqual([]);
  });

  // WHO Breast Tumours 2019 / DOMAIN.md "Coding": a benign lesion has no cancer stage, grade or receptor
  // status; the referral's stage of a cancer that is not there must not stand. A germline result does.
  it('should drop the cancer’s stage, grade and tumour markers when the board finds the lesion benign', () => {
    const referral = { ...breast, biomarkers: [...breast.biomarkers, germline('BRCA2', 'negative')] };
    const standing = standingDiagnosis([
      { source: 'referring', diagnosis: referral },
      {
        source: 'board',
        diagnosis: dx({ primarySite: 'C50.4', histology: '9010/0', laterality: 'left', malignant: false }),
      },
    ])!;
    const d = standing.diagnosis;
    expect(d.malignant).toBe(false);
    expect(d.clinicalStage).toBeNull();
    expect(d.grade).toBeNull();
    expect(d.biomarkers.map((b) => b.name)).toEqual(['BRCA2']);
    expect(d.tumourSizeMm).toBe(28);
    expect(standing.sources.clinicalStage).toBeUndefined();
    expect(compareDiagnoses(referral, d).changeTypes).toEqual(['malignancy', 'histology']);
    expect(validateDiagnosis(toInput(d))).toEqual([]);
  });
});
