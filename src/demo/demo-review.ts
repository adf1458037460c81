import type { EntityManager } from 'typeorm';
import { compareDiagnoses, type Diagnosis } from '../cases/clinical/comparison.js';
import { validateDiagnosis, type DiagnosisInput } from '../cases/clinical/validate.js';
import type { DemoCase } from './demo-cases.js';

/** A demo diagnosis as the comparison reads it. */
export const demoDiagnosis = (d: DiagnosisInput): Diagnosis => ({
  primarySite: d.primarySite,
  histology: d.histology ?? null,
  laterality: d.laterality ?? null,
  grade: d.grade ?? null,
  gleason: d.gleason ?? null,
  clinicalStage: d.clinicalStage ?? null,
  pathologicalStage: d.pathologicalStage ?? null,
  biomarkers: d.biomarkers ?? [],
  additionalCancers: d.additionalCancers ?? [],
  malignant: d.malignant,
});

/** Inserts one assessment of a demo case, refusing any the clinical rules would refuse through the API. */
export async function insertDemoAssessment(
  m: EntityManager,
  caseId: string,
  source: 'referring' | 'pathology_review' | 'board',
  d: DiagnosisInput & { ajccEdition: number },
  author: string,
): Promise<string> {
  const errors = validateDiagnosis(d);
  if (errors.length > 0) throw new Error(`demo case ${caseId} ${source}: ${JSON.stringify(errors)}`);
  const [row] = await m.query<{ id: string }[]>(
    `INSERT INTO diagnosis_assessment (case_id, source, primary_site, histology, laterality, grade, gleason, clinical_stage,
                                       ajcc_edition, biomarkers, additional_cancers, malignant, author_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
    [
      caseId,
      source,
      d.primarySite,
      d.histology ?? null,
      d.laterality ?? null,
      d.grade ?? null,
      d.gleason == null ? null : JSON.stringify(d.gleason),
      d.clinicalStage == null ? null : JSON.stringify(d.clinicalStage),
      d.ajccEdition,
      JSON.stringify(d.biomarkers ?? []),
      JSON.stringify(d.additionalCancers ?? []),
      d.malignant,
      author,
    ],
  );
  return row.id;
}

/** The pathology review, the board's diagnosis and the engine-classified change of one demo case. */
export async function seedDemoReview(
  m: EntityManager,
  demo: DemoCase,
  c: { id: string; clinicId: string; initiator: string; referringId: string },
  authors: { pathologist: string; chair: string },
): Promise<void> {
  await insertDemoAssessment(
    m,
    c.id,
    'pathology_review',
    { ...demo.board, additionalCancers: [] },
    authors.pathologist,
  );
  const boardId = await insertDemoAssessment(m, c.id, 'board', demo.board, authors.chair);
  const result = compareDiagnoses(demoDiagnosis(demo.referring), demoDiagnosis(demo.board), {
    chairImpact: demo.chairImpact,
    recommendation: demo.recommendation,
  });
  await m.query(
    `INSERT INTO diagnosis_change (case_id, clinic_id, referring_assessment_id, board_assessment_id, change_types, stage_changes,
                                   biomarker_changes, additional_cancers, removed_cancers, treatment_changes, details,
                                   pathology_reinterpretation, stage_up, stage_down, concordance, management_impact, chair_impact,
                                   evidence_sources, driving_discipline, initiator, author_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
    [
      c.id,
      c.clinicId,
      c.referringId,
      boardId,
      result.changeTypes,
      JSON.stringify(result.stageChanges),
      JSON.stringify(result.biomarkerChanges),
      JSON.stringify(result.additionalCancers),
      JSON.stringify(result.removedCancers),
      JSON.stringify(result.treatmentChanges),
      JSON.stringify(result.details),
      result.pathologyReinterpretation,
      result.stageChanges.some((s) => s.direction === 'up'),
      result.stageChanges.some((s) => s.direction === 'down'),
      result.concordance,
      result.managementImpact,
      demo.chairImpact,
      demo.evidence,
      result.changeTypes.length === 0 ? null : demo.driving,
      c.initiator,
      authors.chair,
    ],
  );
  await m.query(`UPDATE second_opinion_case SET status = 'in_review' WHERE id = $1`, [c.id]);
}
