/**
 * The synthetic demo cases, each clinically coherent: what the referral
 * said, what it recommended, and what the board found. Pure, so a test can
 * check every case (demo-cases.spec.ts) and the seed only writes them.
 *
 * Breast (70): shaped after Garcia et al., Ann Surg Oncol 2018;25:2953 — 30
 * of 70 changed, 16 with additional cancers (5 of them new lymph-node
 * metastases), 14 with the pathology read differently. The figures are never
 * stored: the engine classifies each case and the report counts.
 * Prostate (24): central review upgrading the ISUP grade group and PSMA PET
 * finding nodal disease, as in published second-review series (e.g. Kvåle et
 * al., BJU Int 2009; Hofman et al., proPSMA, Lancet 2020).
 */
import type { AdditionalCancer, EvidenceSource, ManagementImpact } from '../cases/clinical/comparison.js';
import type { PlanItem } from '../cases/clinical/management.js';
import { breastAnatomicGroup, parseTnm } from '../cases/clinical/staging.js';
import type { DiagnosisInput } from '../cases/clinical/validate.js';

export interface DemoCase {
  sex: 'female' | 'male';
  referring: DiagnosisInput & { ajccEdition: number };
  recommendation: (PlanItem & { modality: string; intent: string; sequence: number })[];
  board: DiagnosisInput & { ajccEdition: number };
  chairImpact: ManagementImpact | null;
  evidence: EvidenceSource[];
  driving: string | null;
  /** What the demo means this case to show, for the coherence test. */
  kind: string;
}

const breastGroup = (t: string, n: string, m = 'cM0'): string =>
  breastAnatomicGroup(parseTnm('t', t)!, parseTnm('n', n)!, parseTnm('m', m)!)!;

const SUBSITES = ['C50.1', 'C50.2', 'C50.4', 'C50.4', 'C50.5', 'C50.8', 'C50.3'];
const OTHER_SIDE = { left: 'right', right: 'left' } as const;

type Subtype = 'luminal' | 'her2' | 'tnbc';

function breastBiomarkers(subtype: Subtype, her2Score: '0' | '1+'): DiagnosisInput['biomarkers'] {
  if (subtype === 'her2')
    return [
      { name: 'ER', percent: 60, value: 'positive (60%)', method: 'IHC' },
      { name: 'PR', percent: 20, value: 'positive (20%)', method: 'IHC' },
      { name: 'HER2', ihcScore: '3+', value: 'positive (IHC 3+)', method: 'IHC' },
    ];
  if (subtype === 'tnbc')
    return [
      { name: 'ER', percent: 0, value: 'negative (0%)', method: 'IHC' },
      { name: 'PR', percent: 0, value: 'negative (0%)', method: 'IHC' },
      { name: 'HER2', ihcScore: her2Score, value: `IHC ${her2Score}`, method: 'IHC' },
    ];
  return [
    { name: 'ER', percent: 90, value: 'positive (90%)', method: 'IHC' },
    { name: 'PR', percent: 50, value: 'positive (50%)', method: 'IHC' },
    { name: 'HER2', ihcScore: her2Score, value: `IHC ${her2Score}`, method: 'IHC' },
  ];
}

/** NCCN Breast Cancer v4.2025 in outline: the usual first recommendation for the subtype and stage. */
function breastRecommendation(
  subtype: Subtype,
  t: string,
  n: string,
  conserving: boolean,
  invasive: boolean,
): DemoCase['recommendation'] {
  const surgery = conserving
    ? `lumpectomy with ${n === 'cN0' ? 'sentinel lymph node biopsy' : 'axillary lymph node dissection'}`
    : `mastectomy with ${n === 'cN0' ? 'sentinel lymph node biopsy' : 'axillary lymph node dissection'}`;
  if (!invasive)
    return [
      { modality: 'surgery', intent: 'curative', sequence: 1, description: 'lumpectomy' },
      {
        modality: 'radiation',
        intent: 'curative',
        sequence: 2,
        description: 'whole-breast radiation',
        setting: 'adjuvant',
      },
    ];
  const big = t !== 'cT1c' || n !== 'cN0';
  if (subtype === 'her2' && big)
    return [
      {
        modality: 'systemic_therapy',
        intent: 'curative',
        sequence: 1,
        regimen: 'TCHP',
        setting: 'neoadjuvant',
        description: 'neoadjuvant TCHP',
      },
      { modality: 'surgery', intent: 'curative', sequence: 2, description: surgery },
      {
        modality: 'radiation',
        intent: 'curative',
        sequence: 3,
        setting: 'adjuvant',
        description: 'adjuvant radiation',
      },
    ];
  if (subtype === 'tnbc' && big)
    return [
      {
        modality: 'systemic_therapy',
        intent: 'curative',
        sequence: 1,
        regimen: 'KEYNOTE-522',
        setting: 'neoadjuvant',
        description: 'neoadjuvant pembrolizumab with chemotherapy (KEYNOTE-522)',
      },
      { modality: 'surgery', intent: 'curative', sequence: 2, description: surgery },
    ];
  return [
    { modality: 'surgery', intent: 'curative', sequence: 1, description: surgery },
    ...(conserving
      ? [
          {
            modality: 'radiation',
            intent: 'curative',
            sequence: 2,
            setting: 'adjuvant' as const,
            description: 'whole-breast radiation',
          },
        ]
      : []),
    subtype === 'luminal'
      ? {
          modality: 'systemic_therapy',
          intent: 'curative',
          sequence: 3,
          drugs: ['letrozole'],
          setting: 'adjuvant' as const,
          description: 'adjuvant endocrine therapy (letrozole)',
        }
      : {
          modality: 'systemic_therapy',
          intent: 'curative',
          sequence: 3,
          regimen: subtype === 'her2' ? 'TH' : 'TC',
          setting: 'adjuvant' as const,
          description: subtype === 'her2' ? 'adjuvant paclitaxel + trastuzumab' : 'adjuvant TC',
        },
  ];
}

/** A case the board read as the referral did. */
const concordant = (base: Pick<DemoCase, 'sex' | 'referring' | 'recommendation'>): DemoCase => ({
  ...base,
  board: base.referring,
  chairImpact: null,
  evidence: ['slide_review', 'image_review'],
  driving: null,
  kind: 'concordant',
});

export const BREAST_DEMO_CASES = 70;

/** Breast demo case i (0–69). */
export function breastDemoCase(i: number): DemoCase {
  const k = (i * 37) % 70; // a fixed shuffle of the 70 cases
  const laterality = i % 2 === 0 ? 'left' : 'right';
  // Cases whose reading adds nodes or rereads invasive tumour are invasive; a few concordant ones are DCIS.
  const dcis = k >= 30 && i % 9 === 4;
  const subtype: Subtype =
    k >= 16 && k < 30 && k % 3 === 2 ? 'luminal' : i % 6 === 1 ? 'her2' : i % 11 === 3 ? 'tnbc' : 'luminal';
  const t = dcis ? 'cTis(DCIS)' : ['cT1c', 'cT2', 'cT1c', 'cT2', 'cT3'][i % 5];
  const n = dcis || k < 5 ? 'cN0' : ['cN0', 'cN0', 'cN1', 'cN0'][i % 4];
  const histology = dcis
    ? '8500/2'
    : k >= 16 && k < 30 && k % 3 === 1
      ? '8500/3'
      : ['8500/3', '8500/3', '8520/3', '8500/3', '8522/3'][i % 5];
  const her2Score = i % 3 === 0 ? '0' : '1+';
  const referring: DemoCase['referring'] = {
    primarySite: SUBSITES[i % SUBSITES.length],
    histology,
    laterality,
    grade: (['G1', 'G2', 'G3'] as const)[i % 3],
    clinicalStage: { t, n, m: 'cM0', stageGroup: breastGroup(t, n), groupType: 'anatomic' },
    pathologicalStage: null,
    biomarkers: dcis
      ? [{ name: 'ER', percent: 95, value: 'positive (95%)', method: 'IHC' }]
      : breastBiomarkers(subtype, her2Score),
    additionalCancers: [],
    malignant: true,
    ajccEdition: 8,
  };
  const conserving = i % 2 === 0 && t !== 'cT3';
  const recommendation = breastRecommendation(subtype, t, n, conserving, !dcis);
  const base = { sex: 'female' as const, referring, recommendation };
  if (k < 5) {
    // New axillary nodal metastasis on review of imaging with a new core biopsy: cN0 → cN1.
    const board = {
      ...referring,
      clinicalStage: { t, n: 'cN1', m: 'cM0', stageGroup: breastGroup(t, 'cN1'), groupType: 'anatomic' as const },
      additionalCancers: [
        {
          primarySite: 'C77.3',
          histology: '8500/6',
          description: `${laterality} axillary lymph node metastasis (core biopsy)`,
        },
      ] satisfies AdditionalCancer[],
    };
    return {
      ...base,
      board,
      chairImpact: 'changed',
      evidence: ['new_imaging', 'new_biopsy'],
      driving: 'radiology',
      kind: 'nodal_metastasis',
    };
  }
  if (k < 16) {
    // Contralateral primary found on MRI and biopsied.
    const other = OTHER_SIDE[laterality];
    const board = {
      ...referring,
      additionalCancers: [
        {
          primarySite: 'C50.4',
          histology: '8500/3',
          laterality: other,
          description: `${other} breast primary, invasive ductal carcinoma (MRI-guided biopsy)`,
        },
      ] satisfies AdditionalCancer[],
    };
    return {
      ...base,
      board,
      chairImpact: k % 3 === 2 ? null : 'changed',
      evidence: ['new_imaging', 'new_biopsy'],
      driving: 'radiology',
      kind: 'contralateral_primary',
    };
  }
  if (k < 30) {
    if (k % 3 === 0) {
      // Nottingham grade re-read one step; the plan stands.
      const grade = referring.grade === 'G3' ? 'G2' : referring.grade === 'G2' ? 'G3' : 'G2';
      return {
        ...base,
        board: { ...referring, grade },
        chairImpact: 'none',
        evidence: ['slide_review'],
        driving: 'pathology',
        kind: 'grade',
      };
    }
    if (k % 3 === 1) {
      // Ductal re-read as lobular (E-cadherin negative): MRI of both breasts before surgery may follow.
      return {
        ...base,
        board: { ...referring, histology: '8520/3' },
        chairImpact: null,
        evidence: ['slide_review'],
        driving: 'pathology',
        kind: 'histology',
      };
    }
    // HER2 IHC 1+ re-read as 3+ (HER2-low → HER2-positive): anti-HER2 therapy is indicated.
    const board = {
      ...referring,
      biomarkers: referring.biomarkers!.map((b) =>
        b.name === 'HER2' ? { ...b, ihcScore: '3+' as const, value: 'positive (IHC 3+)' } : b,
      ),
    };
    return {
      ...base,
      board,
      chairImpact: 'changed',
      evidence: ['slide_review'],
      driving: 'pathology',
      kind: 'her2_positive',
    };
  }
  return concordant(base);
}

/* --------------------------------- prostate -------------------------------- */

/** AJCC 8 prostate prognostic stage group (ch. 58) for cT, N, M, PSA and grade group. */
export function prostateStageGroup(t: string, n: string, m: string, psa: number, gg: number): string {
  if (m !== 'cM0') return 'IVB';
  if (n !== 'cN0') return 'IVA';
  if (gg === 5) return 'IIIC';
  const t34 = /T[34]/.test(t);
  if (t34) return 'IIIB';
  if (psa >= 20) return 'IIIA';
  if (gg >= 3) return 'IIC';
  if (gg === 2) return 'IIB';
  const t2bc = /T2[bc]/.test(t);
  return psa >= 10 || t2bc ? 'IIA' : 'I';
}

const GLEASON: Record<number, { primary: number; secondary: number }> = {
  1: { primary: 3, secondary: 3 },
  2: { primary: 3, secondary: 4 },
  3: { primary: 4, secondary: 3 },
  4: { primary: 4, secondary: 4 },
  5: { primary: 4, secondary: 5 },
};

/** NCCN Prostate Cancer v1.2025 in outline, by risk group. */
function prostateRecommendation(gg: number, node: boolean): DemoCase['recommendation'] {
  if (node)
    return [
      {
        modality: 'radiation',
        intent: 'curative',
        sequence: 1,
        setting: 'definitive',
        description: 'EBRT to prostate and pelvic nodes',
      },
      {
        modality: 'systemic_therapy',
        intent: 'curative',
        sequence: 1,
        regimen: 'ADT',
        drugs: ['abiraterone'],
        description: 'ADT for 2 years with abiraterone (STAMPEDE)',
      },
    ];
  if (gg === 1)
    return [{ modality: 'surveillance', intent: 'curative', sequence: 1, description: 'active surveillance' }];
  if (gg === 2) return [{ modality: 'surgery', intent: 'curative', sequence: 1, description: 'radical prostatectomy' }];
  return [
    { modality: 'radiation', intent: 'curative', sequence: 1, setting: 'definitive', description: 'EBRT' },
    {
      modality: 'systemic_therapy',
      intent: 'curative',
      sequence: 1,
      regimen: 'ADT',
      description: 'short-term ADT (4–6 months)',
    },
  ];
}

export const PROSTATE_DEMO_CASES = 24;

/** Prostate demo case i (0–23). */
export function prostateDemoCase(i: number): DemoCase {
  const gg = [1, 2, 1, 2, 3, 2][i % 6];
  const psa = [6.2, 8.4, 12.1, 5.5, 9.8, 15.0][i % 6];
  const t = ['cT1c', 'cT2a', 'cT1c', 'cT2b', 'cT2a', 'cT1c'][i % 6];
  const diagnosis = (g: number, n: string): DemoCase['referring'] => ({
    primarySite: 'C61.9',
    histology: '8140/3',
    laterality: 'not_applicable',
    grade: `GG${g}`,
    gleason: GLEASON[g],
    clinicalStage: { t, n, m: 'cM0', stageGroup: prostateStageGroup(t, n, 'cM0', psa, g), groupType: 'prognostic' },
    pathologicalStage: null,
    biomarkers: [{ name: 'PSA', value: `${psa} ng/mL` }],
    additionalCancers: [],
    malignant: true,
    ajccEdition: 8,
  });
  const referring = diagnosis(gg, 'cN0');
  const recommendation = prostateRecommendation(gg, false);
  const base = { sex: 'male' as const, referring, recommendation };
  if (i % 4 === 1) {
    // Central pathology review: one grade group up (e.g. 3+4 → 4+3).
    return {
      ...base,
      board: diagnosis(gg + 1, 'cN0'),
      chairImpact: gg === 1 ? 'changed' : null,
      evidence: ['slide_review'],
      driving: 'pathology',
      kind: 'grade_group',
    };
  }
  if (i % 8 === 6) {
    // PSMA PET finds pelvic nodal disease: cN0 → cN1, stage IVA.
    const board = {
      ...diagnosis(gg, 'cN1'),
      additionalCancers: [
        {
          primarySite: 'C77.5',
          histology: '8140/6',
          laterality: 'not_applicable',
          description: 'PSMA-avid pelvic lymph node metastasis',
        },
      ] satisfies AdditionalCancer[],
    };
    return {
      ...base,
      board,
      chairImpact: 'changed',
      evidence: ['new_imaging'],
      driving: 'radiology',
      kind: 'nodal_metastasis',
    };
  }
  return concordant(base);
}
