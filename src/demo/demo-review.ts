import type { EntityManager } from 'typeorm';
import {
  compareDiagnoses,
  type Diagnosis,
  type EvidenceSource,
  type ManagementImpact,
} from '../diagnoses/comparison.js';

/**
 * What the demo board found for synthetic case i, shaped after Garcia et al.
 * (Ann Surg Oncol 2018): of 70 breast cancer second opinions, 30 changed —
 * 16 with additional cancers (5 of them new lymph-node metastases) and 14
 * with the pathology read differently. The figures are never stored: the
 * engine classifies each case and the report counts.
 */
export function demoBoardReading(
  i: number,
  referring: Diagnosis,
): { board: Diagnosis; chairImpact: ManagementImpact | null; evidence: EvidenceSource[]; driving: string | null } {
  const k = (i * 37) % 70; // a fixed shuffle of the 70 cases
  if (k < 16) {
    const nodal = k < 5;
    return {
      board: {
        ...referring,
        additionalCancers: [
          nodal
            ? { primarySite: 'C77.3', histology: '8500/6', description: 'new axillary lymph node metastasis' }
            : { primarySite: 'C50.9', histology: '8500/3', description: 'contralateral primary' },
        ],
      },
      chairImpact: k % 3 === 2 ? null : 'changed',
      evidence: nodal ? ['new_imaging', 'new_biopsy'] : ['new_imaging'],
      driving: 'radiology',
    };
  }
  if (k < 30) {
    const board: Diagnosis = { ...referring };
    if (k % 3 === 0) board.grade = referring.grade === 'G3' ? 'G2' : referring.grade === 'G2' ? 'G3' : 'G2';
    else if (k % 3 === 1) {
      board.histology = referring.histology === '8520/3' ? '8500/3' : '8520/3';
      board.malignant = true;
    } else
      board.biomarkers = referring.biomarkers.map((b) =>
        b.name === 'HER2' ? { ...b, value: b.value === '3+' ? '1+' : '3+' } : b,
      );
    return { board, chairImpact: k % 4 === 0 ? 'changed' : null, evidence: ['slide_review'], driving: 'pathology' };
  }
  return { board: referring, chairImpact: null, evidence: ['slide_review', 'image_review'], driving: null };
}

/** The pathology review, the board's diagnosis and the classified change of one demo case. */
export async function seedDemoReview(
  m: EntityManager,
  i: number,
  c: { id: string; clinicId: string; initiator: string; referringId: string },
  referring: Diagnosis,
  authors: { pathologist: string; chair: string },
): Promise<void> {
  const reading = demoBoardReading(i, referring);
  const insert = async (source: 'pathology_review' | 'board', d: Diagnosis, author: string): Promise<string> => {
    const [row] = await m.query<{ id: string }[]>(
      `INSERT INTO diagnosis_assessment (case_id, source, primary_site, histology, laterality, grade, clinical_stage, ajcc_edition,
                                         biomarkers, additional_cancers, malignant, author_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 8, $8, $9, $10, $11) RETURNING id`,
      [
        c.id,
        source,
        d.primarySite,
        d.histology,
        d.laterality,
        d.grade,
        JSON.stringify(d.clinicalStage),
        JSON.stringify(d.biomarkers),
        JSON.stringify(d.additionalCancers),
        d.malignant,
        author,
      ],
    );
    return row.id;
  };
  await insert('pathology_review', { ...reading.board, additionalCancers: [] }, authors.pathologist);
  const boardId = await insert('board', reading.board, authors.chair);
  const result = compareDiagnoses(referring, reading.board, { chairImpact: reading.chairImpact });
  await m.query(
    `INSERT INTO diagnosis_change (case_id, clinic_id, referring_assessment_id, board_assessment_id, change_types, stage_changes,
                                   biomarker_changes, additional_cancers, pathology_reinterpretation, stage_up, stage_down,
                                   concordance, management_impact, chair_impact, evidence_sources, driving_discipline, initiator, author_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [
      c.id,
      c.clinicId,
      c.referringId,
      boardId,
      result.changeTypes,
      JSON.stringify(result.stageChanges),
      JSON.stringify(result.biomarkerChanges),
      JSON.stringify(result.additionalCancers),
      result.pathologyReinterpretation,
      result.stageChanges.some((s) => s.direction === 'up'),
      result.stageChanges.some((s) => s.direction === 'down'),
      result.concordance,
      result.managementImpact,
      reading.chairImpact,
      reading.evidence,
      result.changeTypes.length === 0 ? null : reading.driving,
      c.initiator,
      authors.chair,
    ],
  );
  await m.query(`UPDATE second_opinion_case SET status = 'in_review' WHERE id = $1`, [c.id]);
}
