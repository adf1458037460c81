import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { normaliseBiomarker } from '../cases/clinical/biomarkers.js';
import { morphologyName, topographyName } from '../cases/clinical/codes.js';
import { standingDiagnosis, type SourcedDiagnosis, type StandingDiagnosis } from '../cases/clinical/merge.js';
import { normaliseSite, validateDiagnosis } from '../cases/clinical/validate.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import type { AssessmentDto } from './dto/assessment.dto.js';
import {
  DiagnosisAssessmentEntity,
  type AssessmentSource,
  type Laterality,
} from './entities/diagnosis-assessment.entity.js';

/** The parts of a stored assessment the clinical core reads. */
export function asDiagnosis(a: DiagnosisAssessmentEntity): SourcedDiagnosis {
  return {
    primarySite: a.primarySite,
    histology: a.histology,
    laterality: a.laterality,
    grade: a.grade,
    gleason: a.gleason,
    clinicalStage: a.clinicalStage,
    pathologicalStage: a.pathologicalStage,
    postTherapyClinicalStage: a.postTherapyClinicalStage,
    postTherapyPathologicalStage: a.postTherapyPathologicalStage,
    recurrenceStage: a.recurrenceStage,
    otherStages: a.otherStages,
    resectability: a.resectability,
    biomarkers: a.biomarkers,
    additionalCancers: a.additionalCancers,
    malignant: a.malignant,
    ecog: a.ecog,
    tumourSizeMm: a.tumourSizeMm,
    depthMm: a.depthMm,
    ajccEdition: a.ajccEdition,
  };
}

/**
 * Checks a diagnosis against the code lists and the clinical rules (400
 * naming each field), and maps an ICD-10-CM site to ICD-O-3.
 */
export function checkDiagnosis(
  dto: AssessmentDto,
  prefix: string,
): { primarySite: string; laterality: Laterality | null; icd10cm: string | null } {
  const errors = validateDiagnosis(dto, prefix);
  if (errors.length > 0) throw new RequestValidationException(errors);
  const site = normaliseSite(dto.primarySite)!;
  return {
    primarySite: site.topography,
    laterality: dto.laterality ?? (site.laterality as Laterality | undefined) ?? null,
    icd10cm: site.icd10cm ?? null,
  };
}

@Injectable()
export class DiagnosesService {
  constructor(private readonly tx: TransactionContext) {}

  /** Records an assessment (immutable); the previous one of that source is superseded. */
  async record(
    manager: EntityManager,
    caseId: string,
    source: AssessmentSource,
    dto: AssessmentDto,
    authorId: string | null,
    fieldPrefix = '',
    evidenceAnnotationIds: string[] = [],
  ): Promise<DiagnosisAssessmentEntity> {
    const site = checkDiagnosis(dto, fieldPrefix);
    const previous = await this.current(caseId, source, manager);
    return manager.save(
      manager.create(DiagnosisAssessmentEntity, {
        caseId,
        source,
        primarySite: site.primarySite,
        icd10cm: site.icd10cm,
        histology: dto.histology ?? null,
        laterality: site.laterality,
        grade: dto.grade ?? null,
        gleason: dto.gleason === undefined ? null : { ...dto.gleason },
        clinicalStage: plain(dto.clinicalStage),
        pathologicalStage: plain(dto.pathologicalStage),
        postTherapyClinicalStage: plain(dto.postTherapyClinicalStage),
        postTherapyPathologicalStage: plain(dto.postTherapyPathologicalStage),
        recurrenceStage: plain(dto.recurrenceStage),
        otherStages: (dto.otherStages ?? []).map((x) => ({ system: x.system, stage: x.stage })),
        resectability: dto.resectability ?? null,
        tumourSizeMm: dto.tumourSizeMm ?? null,
        depthMm: dto.depthMm ?? null,
        ajccEdition: dto.ajccEdition ?? null,
        biomarkers: (dto.biomarkers ?? []).map((b) => ({ ...b })),
        evidenceAnnotationIds,
        additionalCancers: (dto.additionalCancers ?? []).map((c) => ({ ...c })),
        malignant: dto.malignant,
        ecog: dto.ecog ?? null,
        authorId,
        supersedesId: previous?.id ?? null,
      }),
    );
  }

  /**
   * The diagnosis that stands: every assessment of the case up to `asOf`
   * (the board's, when given) merged, the board's facts over the reviews'
   * over the referral's, with each fact's source.
   */
  async standingAt(caseId: string, asOf?: DiagnosisAssessmentEntity | null): Promise<StandingDiagnosis | null> {
    return (await this.caseAssessments(caseId, asOf)).standing;
  }

  /**
   * In one read: the newest assessment of each source (a newer one
   * supersedes), up to `asOf`, and the standing diagnosis merged from them.
   */
  async caseAssessments(
    caseId: string,
    asOf?: DiagnosisAssessmentEntity | null,
  ): Promise<{ latest: Map<AssessmentSource, DiagnosisAssessmentEntity>; standing: StandingDiagnosis | null }> {
    const rows = await this.tx.manager.find(DiagnosisAssessmentEntity, {
      where: { caseId },
      order: { recordedAt: 'ASC', id: 'ASC' },
    });
    const upTo = asOf == null ? rows : rows.filter((r) => r.recordedAt <= asOf.recordedAt);
    const latest = new Map<AssessmentSource, DiagnosisAssessmentEntity>();
    for (const r of upTo) latest.set(r.source, r);
    if (asOf != null) latest.set(asOf.source, asOf);
    const standing = standingDiagnosis(
      [...latest.values()].map((r) => ({ source: r.source, diagnosis: asDiagnosis(r) })),
    );
    return { latest, standing };
  }

  /** The newest assessment of a source for a case. */
  async current(
    caseId: string,
    source: AssessmentSource,
    manager = this.tx.manager,
  ): Promise<DiagnosisAssessmentEntity | null> {
    return manager.findOne(DiagnosisAssessmentEntity, {
      where: { caseId, source },
      order: { recordedAt: 'DESC', id: 'DESC' },
    });
  }
}

export function toAssessmentResponse(a: DiagnosisAssessmentEntity): Record<string, unknown> {
  return {
    id: a.id,
    source: a.source,
    primarySite: a.primarySite,
    ...codeNames(a),
    histology: a.histology,
    laterality: a.laterality,
    grade: a.grade,
    icd10cm: a.icd10cm,
    gleason: a.gleason,
    clinicalStage: a.clinicalStage,
    pathologicalStage: a.pathologicalStage,
    postTherapyClinicalStage: a.postTherapyClinicalStage,
    postTherapyPathologicalStage: a.postTherapyPathologicalStage,
    recurrenceStage: a.recurrenceStage,
    otherStages: a.otherStages,
    resectability: a.resectability,
    tumourSizeMm: a.tumourSizeMm,
    depthMm: a.depthMm,
    ajccEdition: a.ajccEdition,
    biomarkers: a.biomarkers,
    evidenceAnnotationIds: a.evidenceAnnotationIds,
    // Each result with its canonical marker and category (ASCO/CAP), computed by today's rules.
    biomarkerResults: a.biomarkers.map((b) => {
      const r = normaliseBiomarker(b);
      return { marker: r.marker, origin: r.origin, category: r.category, value: b.value ?? null };
    }),
    additionalCancers: a.additionalCancers,
    malignant: a.malignant,
    ecog: a.ecog,
    authorId: a.authorId,
    recordedAt: a.recordedAt.toISOString(),
    supersedesId: a.supersedesId,
  };
}

/** The names of a diagnosis's codes, for people (ICD-O-3 C50.4 → "Upper-outer quadrant of breast"). */
export function codeNames(d: { primarySite: string | null; histology: string | null }): {
  primarySiteName: string | null;
  histologyName: string | null;
} {
  return {
    primarySiteName: d.primarySite === null ? null : (topographyName(d.primarySite) ?? null),
    histologyName: d.histology === null ? null : (morphologyName(d.histology) ?? null),
  };
}

const plain = <T extends object>(v: T | undefined | null): T | null => (v == null ? null : { ...v });
