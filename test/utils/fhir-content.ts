/**
 * The clinical content of a diagnosis and a history, written one way, for
 * comparing what went out in a FHIR Bundle with what came back: markers by
 * their ASCO/CAP category and structured result, stages by basis, further
 * cancers that stand.
 */
import { normaliseBiomarker, normaliseVariant } from '../../src/cases/clinical/biomarkers.js';
import type { SourcedDiagnosis } from '../../src/cases/clinical/merge.js';
import { STAGE_BASES, STAGE_FIELDS, type TnmStage } from '../../src/cases/clinical/staging.js';
import { emptyHistory, type PatientHistory } from '../../src/cases/history/history.types.js';

/** What a clinician reads from a diagnosis, written one way. */
export function clinicalContent(d: Record<string, unknown>): Record<string, unknown> {
  const x = d as unknown as SourcedDiagnosis & { ecog?: number | null; ajccEdition?: number | null };
  const stages = Object.fromEntries(
    STAGE_BASES.map((b) => [
      b,
      (x as unknown as Record<string, TnmStage | null | undefined>)[STAGE_FIELDS[b]] ?? null,
    ]).filter(([, s]) => s !== null),
  );
  return {
    malignant: x.malignant,
    primarySite: x.primarySite,
    laterality: x.laterality ?? null,
    histology: x.histology ?? null,
    grade: x.malignant ? (x.grade ?? null) : null,
    gleason: x.gleason ?? null,
    stages,
    otherStages: x.otherStages ?? [],
    ecog: x.ecog ?? null,
    biomarkers: (x.biomarkers ?? []).map((b) => {
      const r = normaliseBiomarker(b);
      return {
        marker: r.marker,
        category: r.category?.code ?? null,
        percent: b.percent ?? null,
        ihcScore: b.ihcScore ?? null,
        ishResult: b.ishResult ?? null,
        ishRatio: b.ishRatio ?? null,
        variant: b.variant == null ? null : normaliseVariant(b.variant),
        cps: b.cps ?? null,
        origin: r.origin,
        value: b.value == null ? null : String(b.value).replace(/\s*ng\/mL$/, ''),
      };
    }),
    additionalCancers: (x.additionalCancers ?? [])
      .filter((c) => c.status !== 'ruled_out')
      .map((c) => ({ primarySite: c.primarySite, histology: c.histology ?? null, laterality: c.laterality ?? null })),
  };
}

export const historyContent = (h: Partial<PatientHistory> | undefined): Record<string, unknown> => {
  const full = { ...emptyHistory(), ...(h ?? {}) };
  const strip = (rows: object[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null && v !== undefined)));
  return {
    medications: strip(full.medications),
    comorbidities: strip(full.comorbidities),
    allergies: strip(full.allergies),
    familyHistory: strip(full.familyHistory),
    geneticTests: strip(full.geneticTests),
    treatments: strip(full.treatments),
    referringQuestion: full.referringQuestion ?? null,
  };
};
