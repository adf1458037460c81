/**
 * The diagnosis that stands: the board's assessment with every fact it does
 * not restate inherited from the reviews and the referral, and the source of
 * each fact kept. Pure.
 */
import { normaliseBiomarker, resultKey, type BiomarkerInput } from './biomarkers.js';
import type { AdditionalCancer, Diagnosis } from './comparison.js';

export const FACT_SOURCES = ['referring', 'pathology_review', 'radiology_review', 'board'] as const;
export type FactSource = (typeof FACT_SOURCES)[number];

export interface SourcedDiagnosis extends Diagnosis {
  ecog?: number | null;
  tumourSizeMm?: number | null;
  depthMm?: number | null;
  ajccEdition?: number | null;
}

export interface StandingDiagnosis {
  diagnosis: SourcedDiagnosis;
  /** Which assessment each stated fact comes from: field → source (biomarkers by marker). */
  sources: Record<string, FactSource>;
}

const SCALARS = [
  'primarySite',
  'histology',
  'laterality',
  'grade',
  'gleason',
  'clinicalStage',
  'pathologicalStage',
  'postTherapyClinicalStage',
  'postTherapyPathologicalStage',
  'recurrenceStage',
  'resectability',
  'ecog',
  'tumourSizeMm',
  'depthMm',
  'ajccEdition',
] as const;

/** Facts that describe a cancer; they fall when a later assessment finds no malignancy. */
const CANCER_FACTS = [
  'grade',
  'gleason',
  'clinicalStage',
  'pathologicalStage',
  'postTherapyClinicalStage',
  'postTherapyPathologicalStage',
  'recurrenceStage',
  'resectability',
  'depthMm',
] as const;

/** Facts about the tumour at its site; they fall when a later assessment places the cancer in another organ. */
const SITE_FACTS = [...CANCER_FACTS, 'histology', 'laterality', 'tumourSizeMm', 'ajccEdition'] as const;
const organ = (site: string | null | undefined): string | null => (site == null ? null : site.slice(0, 3));

const stated = (v: unknown): boolean => v !== null && v !== undefined && v !== 'unknown';

/**
 * Merges assessments given oldest first (the referral, then reviews, then
 * the board): a later stated fact replaces an earlier one; results and
 * additional cancers are merged per marker and per lesion.
 */
export function standingDiagnosis(
  assessments: readonly { source: FactSource; diagnosis: SourcedDiagnosis }[],
): StandingDiagnosis | null {
  if (assessments.length === 0) return null;
  // The board speaks last whatever the order of recording; reviews in the order given.
  const ordered = [
    ...assessments.filter((a) => a.source === 'referring'),
    ...assessments.filter((a) => a.source === 'pathology_review' || a.source === 'radiology_review'),
    ...assessments.filter((a) => a.source === 'board'),
  ];
  const sources: Record<string, FactSource> = {};
  const out: Record<string, unknown> = {};
  /** Whether each stated fact came from an assessment that called the lesion malignant. */
  const fromCancer: Record<string, boolean> = {};
  /** The organ (ICD-O-3 three characters) of the assessment each fact came from. */
  const fromOrgan: Record<string, string | null> = {};
  for (const { source, diagnosis } of ordered)
    for (const k of SCALARS) {
      const v = (diagnosis as unknown as Record<string, unknown>)[k];
      if (stated(v)) {
        out[k] = v;
        sources[k] = source;
        fromCancer[k] = diagnosis.malignant;
        fromOrgan[k] = organ(diagnosis.primarySite);
      }
    }
  const markers = new Map<string, BiomarkerInput>();
  const cancers: AdditionalCancer[] = [];
  const systems = new Map<string, string>();
  let malignant = ordered[0].diagnosis.malignant;
  sources.malignant = ordered[0].source;
  for (const { source, diagnosis } of ordered) {
    if (source !== 'referring') {
      malignant = diagnosis.malignant;
      sources.malignant = source;
    }
    for (const b of diagnosis.biomarkers) {
      const key = resultKey(normaliseBiomarker(b));
      markers.set(key, b);
      sources[`biomarkers.${key}`] = source;
      fromCancer[`biomarkers.${key}`] = diagnosis.malignant && normaliseBiomarker(b).origin === 'somatic';
      fromOrgan[`biomarkers.${key}`] = normaliseBiomarker(b).origin === 'somatic' ? organ(diagnosis.primarySite) : null;
    }
    for (const c of diagnosis.additionalCancers) {
      const i = cancers.findIndex(
        (x) => x.primarySite === c.primarySite && (x.laterality ?? null) === (c.laterality ?? null),
      );
      if (i >= 0) cancers[i] = { ...cancers[i], ...Object.fromEntries(Object.entries(c).filter(([, v]) => stated(v))) };
      else cancers.push(c);
    }
    for (const s of diagnosis.otherStages ?? []) {
      systems.set(s.system, s.stage);
      sources[`otherStages.${s.system}`] = source;
      fromCancer[`otherStages.${s.system}`] = diagnosis.malignant;
      fromOrgan[`otherStages.${s.system}`] = organ(diagnosis.primarySite);
    }
  }
  // The cancer is placed in another organ (a breast referral that is a lymphoma of the axillary nodes): the
  // side, histology, stage, grade and tumour results of the first organ's tumour do not describe it. Germline
  // results and the patient's performance status do.
  const site = organ(out.primarySite as string | null | undefined);
  const elsewhere = (key: string): boolean =>
    fromOrgan[key] != null && site !== null && fromOrgan[key] !== site && delete sources[key];
  for (const k of SITE_FACTS) if (elsewhere(k)) delete out[k];
  for (const key of [...markers.keys()]) if (elsewhere(`biomarkers.${key}`)) markers.delete(key);
  for (const system of [...systems.keys()]) if (elsewhere(`otherStages.${system}`)) systems.delete(system);
  if (!malignant) {
    // Benign on review: the stage, grade and tumour results of the cancer it is not do not stand (a
    // germline result and the size of the lesion do).
    const drop = (key: string): boolean => fromCancer[key] === true && delete sources[key];
    for (const k of CANCER_FACTS) if (drop(k)) delete out[k];
    for (const key of [...markers.keys()]) if (drop(`biomarkers.${key}`)) markers.delete(key);
    for (const system of [...systems.keys()]) if (drop(`otherStages.${system}`)) systems.delete(system);
  }
  const d = {
    primarySite: null,
    histology: null,
    laterality: null,
    grade: null,
    clinicalStage: null,
    pathologicalStage: null,
    ...out,
    otherStages: [...systems].map(([system, stage]) => ({ system, stage })),
    biomarkers: [...markers.values()],
    additionalCancers: cancers,
    malignant,
  } as SourcedDiagnosis;
  return { diagnosis: d, sources };
}
