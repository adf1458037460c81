import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context.js';
import type { AssessmentDto } from './dto/assessment.dto.js';
import { DiagnosisAssessmentEntity, type AssessmentSource } from './entities/diagnosis-assessment.entity.js';

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
  ): Promise<DiagnosisAssessmentEntity> {
    const previous = await this.current(caseId, source, manager);
    return manager.save(
      manager.create(DiagnosisAssessmentEntity, {
        caseId,
        source,
        primarySite: dto.primarySite,
        histology: dto.histology ?? null,
        laterality: dto.laterality ?? null,
        grade: dto.grade ?? null,
        clinicalStage: dto.clinicalStage ?? null,
        pathologicalStage: dto.pathologicalStage ?? null,
        ajccEdition: dto.ajccEdition ?? null,
        biomarkers: dto.biomarkers ?? [],
        additionalCancers: dto.additionalCancers ?? [],
        malignant: dto.malignant,
        ecog: dto.ecog ?? null,
        authorId,
        supersedesId: previous?.id ?? null,
      }),
    );
  }

  /** The diagnosis that stands for a case: the board's, else the referral's. */
  async standing(caseId: string): Promise<DiagnosisAssessmentEntity | null> {
    return (await this.current(caseId, 'board')) ?? (await this.current(caseId, 'referring'));
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
    histology: a.histology,
    laterality: a.laterality,
    grade: a.grade,
    clinicalStage: a.clinicalStage,
    pathologicalStage: a.pathologicalStage,
    ajccEdition: a.ajccEdition,
    biomarkers: a.biomarkers,
    additionalCancers: a.additionalCancers,
    malignant: a.malignant,
    ecog: a.ecog,
    authorId: a.authorId,
    recordedAt: a.recordedAt.toISOString(),
    supersedesId: a.supersedesId,
  };
}
