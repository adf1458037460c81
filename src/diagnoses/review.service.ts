import { checkSelector, pageOf, selectorOfAnchor, type Selector } from './selector.js';
import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { EventLogService } from '../events/event-log.service.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import type { CaseEntity } from '../cases/entities/case.entity.js';
import { isKnownMarker, normaliseBiomarker } from '../cases/clinical/biomarkers.js';
import { isMorphology } from '../cases/clinical/codes.js';
import { MORPHOLOGY_EXPECTED } from '../cases/clinical/validate.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import { compareDiagnoses } from '../cases/clinical/comparison.js';
import type { PlanItem } from '../cases/clinical/management.js';
import { asDiagnosis, codeNames, DiagnosesService, toAssessmentResponse } from './diagnoses.service.js';
import type {
  AnchorDto,
  AnnotationInputDto,
  AnnotationResponseDto,
  CreateAnnotationDto,
  RecordAssessmentDto,
  VerificationDto,
} from './dto/review.dto.js';
import { DiagnosisAssessmentEntity, GRADES } from './entities/diagnosis-assessment.entity.js';
import {
  AnnotationEntity,
  DiagnosisChangeEntity,
  DiagnosisChangeVerificationEntity,
} from './entities/diagnosis-change.entity.js';

const REVIEWER_DISCIPLINE = { pathology_review: 'pathology', radiology_review: 'radiology' } as const;

export function toChangeResponse(
  c: DiagnosisChangeEntity,
  verification?: Pick<DiagnosisChangeVerificationEntity, 'outcome'> | null,
) {
  return {
    id: c.id,
    caseId: c.caseId,
    referringAssessmentId: c.referringAssessmentId,
    boardAssessmentId: c.boardAssessmentId,
    changeTypes: c.changeTypes,
    stageChanges: c.stageChanges,
    biomarkerChanges: c.biomarkerChanges,
    additionalCancers: c.additionalCancers,
    removedCancers: c.removedCancers,
    treatmentChanges: c.treatmentChanges,
    details: c.details,
    pathologyReinterpretation: c.pathologyReinterpretation,
    concordance: c.concordance,
    managementImpact: c.managementImpact,
    evidenceSources: c.evidenceSources,
    drivingDiscipline: c.drivingDiscipline,
    initiator: c.initiator,
    current: c.isCurrent,
    supersedesId: c.supersedesId,
    createdAt: c.createdAt.toISOString(),
    verification: verification?.outcome ?? 'pending',
  };
}

/** The annotation's selector: the one sent, checked and agreeing with the anchor's page, else the anchor's own. */
function placeOf(dto: AnnotationInputDto): Selector | null {
  if (dto.selector === undefined) return selectorOfAnchor(dto.anchor);
  const selector = checkSelector(dto.selector, dto.anchor.kind);
  if (dto.anchor.kind === 'page' && pageOf(selector) !== (dto.anchor.page ?? 1))
    throw RequestValidationException.field('selector', "the selector's page is not the anchor's page");
  return selector;
}

function toAnnotationResponse(a: AnnotationEntity): AnnotationResponseDto {
  return {
    id: a.id,
    caseId: a.caseId,
    recordId: a.recordId,
    anchor: a.anchor as unknown as AnchorDto,
    selector: a.selector,
    // The annotation's target as the Web Annotation model writes it.
    target: { source: `urn:uuid:${a.recordId}`, ...(a.selector === null ? {} : { selector: a.selector }) },
    findingType: a.findingType,
    values: a.values as AnnotationResponseDto['values'],
    text: a.text,
    version: a.version,
    supersedesId: a.supersedesId,
    authorId: a.authorId,
    authorDiscipline: a.authorDiscipline,
    createdAt: a.createdAt.toISOString(),
  };
}

/**
 * The second look: pathologists' and radiologists' annotations and reviews,
 * the board's diagnosis, and the classified change from the referral, each
 * immutable, each announced to the board room.
 */
@Injectable()
export class ReviewService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly diagnoses: DiagnosesService,
    private readonly events: EventLogService,
  ) {}

  async assessments(user: AuthenticatedUser, caseId: string) {
    await this.access.load(user, caseId);
    const rows = await this.tx.manager.find(DiagnosisAssessmentEntity, {
      where: { caseId },
      order: { recordedAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toAssessmentResponse);
  }

  async standing(user: AuthenticatedUser, caseId: string) {
    await this.access.load(user, caseId);
    const standing = await this.diagnoses.standingAt(caseId);
    if (standing === null) throw new NotFoundException('The case has no diagnosis yet');
    const d = standing.diagnosis;
    return {
      ...d,
      ...codeNames(d),
      biomarkerResults: d.biomarkers.map((b) => {
        const r = normaliseBiomarker(b);
        return { marker: r.marker, origin: r.origin, category: r.category, value: b.value ?? null };
      }),
      sources: standing.sources,
    };
  }

  async recordAssessment(user: AuthenticatedUser, caseId: string, dto: RecordAssessmentDto) {
    const c = await this.access.load(user, caseId, { lock: true });
    if (dto.source === 'board') await this.assertBoardRecorder(user, c);
    else await this.assertDiscipline(user, REVIEWER_DISCIPLINE[dto.source]);
    if (dto.source !== 'board' && (dto.managementImpact !== undefined || dto.evidenceSources !== undefined))
      throw RequestValidationException.field(
        'source',
        'managementImpact and evidenceSources belong to the board assessment',
      );
    const evidence = dto.evidenceAnnotationIds ?? [];
    if (evidence.length > 0) {
      const found = await this.tx.query<{ id: string }>(
        'SELECT id FROM annotation WHERE case_id = $1 AND id = ANY($2::uuid[])',
        [c.id, evidence],
      );
      if (found.length !== evidence.length)
        throw RequestValidationException.field(
          'evidenceAnnotationIds',
          'each piece of evidence must be an annotation of this case',
        );
    }
    const assessment = await this.diagnoses.record(this.tx.manager, c.id, dto.source, dto, user.id, '', evidence);
    AuditScope.describe({ entityId: assessment.id });
    await this.events.append({
      type: 'diagnosis.recorded',
      caseId: c.id,
      actorId: user.id,
      payload: { assessmentId: assessment.id, source: dto.source, supersedesId: assessment.supersedesId },
    });
    const change =
      dto.source === 'board'
        ? await this.recordChange(user, c, assessment, {
            chairImpact: dto.managementImpact ?? null,
            evidenceSources: dto.evidenceSources ?? [],
            drivingDiscipline: dto.drivingDiscipline ?? null,
          })
        : null;
    return { assessment: toAssessmentResponse(assessment), change: change === null ? null : toChangeResponse(change) };
  }

  /**
   * A plan was signed: the case's change is classified again with the whole
   * plan against the referral's recommendation (modality, intent, surgery
   * type, sequence, regimen, trial), unless the chair said otherwise.
   */
  async reclassifyForSignedPlan(
    user: AuthenticatedUser,
    c: CaseEntity,
    signedPlan: readonly PlanItem[],
  ): Promise<void> {
    const current = await this.tx.manager.findOneBy(DiagnosisChangeEntity, { caseId: c.id, isCurrent: true });
    if (current === null) return;
    const board = await this.tx.manager.findOneByOrFail(DiagnosisAssessmentEntity, { id: current.boardAssessmentId });
    await this.recordChange(user, c, board, {
      chairImpact: current.chairImpact,
      evidenceSources: current.evidenceSources,
      drivingDiscipline: current.drivingDiscipline,
      signedPlan,
    });
  }

  async changes(user: AuthenticatedUser, caseId: string) {
    await this.access.load(user, caseId);
    const rows = await this.tx.manager.find(DiagnosisChangeEntity, {
      where: { caseId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    // The newest verification of each change, in one read.
    const latest = await this.tx.query<{ change_id: string; outcome: DiagnosisChangeVerificationEntity['outcome'] }>(
      `SELECT DISTINCT ON (change_id) change_id, outcome FROM diagnosis_change_verification
        WHERE change_id = ANY($1::uuid[]) ORDER BY change_id, recorded_at DESC, id DESC`,
      [rows.map((r) => r.id)],
    );
    const outcome = new Map(latest.map((v) => [v.change_id, { outcome: v.outcome }]));
    return rows.map((r) => toChangeResponse(r, outcome.get(r.id)));
  }

  async verify(user: AuthenticatedUser, caseId: string, changeId: string, dto: VerificationDto) {
    await this.access.load(user, caseId, { write: true });
    const change = await this.tx.manager.findOneBy(DiagnosisChangeEntity, { id: changeId, caseId });
    if (change === null) throw new NotFoundException('Diagnosis change not found');
    const verification = await this.tx.manager.save(
      this.tx.manager.create(DiagnosisChangeVerificationEntity, {
        changeId,
        outcome: dto.outcome,
        basis: dto.basis ?? null,
        authorId: user.id,
      }),
    );
    await this.events.append({
      type: 'diagnosis.verified',
      caseId,
      actorId: user.id,
      payload: { changeId, outcome: dto.outcome },
    });
    return toChangeResponse(change, verification);
  }

  async annotations(user: AuthenticatedUser, caseId: string) {
    await this.access.load(user, caseId);
    const rows = await this.tx.manager.find(AnnotationEntity, {
      where: { caseId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toAnnotationResponse);
  }

  async annotate(user: AuthenticatedUser, caseId: string, dto: CreateAnnotationDto) {
    const c = await this.access.load(user, caseId, { write: true });
    const discipline = await this.reviewerDiscipline(user);
    const record = await this.tx.query<{ id: string }>('SELECT id FROM case_record WHERE id = $1 AND case_id = $2', [
      dto.recordId,
      c.id,
    ]);
    if (record.length === 0) throw RequestValidationException.field('recordId', 'the record is not one of this case');
    return this.saveAnnotation(user, c, dto.recordId, dto, discipline, null);
  }

  /** An amendment: a new version linked to the old one, which stays as it was. */
  async amend(user: AuthenticatedUser, caseId: string, annotationId: string, dto: AnnotationInputDto) {
    const c = await this.access.load(user, caseId, { write: true });
    const discipline = await this.reviewerDiscipline(user);
    const old = await this.tx.manager.findOneBy(AnnotationEntity, { id: annotationId, caseId: c.id });
    if (old === null) throw new NotFoundException('Annotation not found');
    // A finding is amended within its discipline: a radiologist does not rewrite a pathologist's reading.
    if (old.authorDiscipline !== discipline)
      throw new ForbiddenException(
        `Only ${old.authorDiscipline === 'pathology' ? 'a pathologist' : 'a radiologist'} amends this finding`,
      );
    const newer = await this.tx.manager.findOneBy(AnnotationEntity, { supersedesId: old.id });
    if (newer !== null)
      throw new ConflictException({ message: 'A newer version exists: amend that one', latestId: newer.id });
    return this.saveAnnotation(user, c, old.recordId, dto, discipline, old);
  }

  private async saveAnnotation(
    user: AuthenticatedUser,
    c: CaseEntity,
    recordId: string,
    dto: AnnotationInputDto,
    discipline: string,
    previous: AnnotationEntity | null,
  ) {
    validateFinding(dto);
    const selector = placeOf(dto);
    const saved = await this.tx.manager.save(
      this.tx.manager.create(AnnotationEntity, {
        caseId: c.id,
        recordId,
        anchor: { ...dto.anchor },
        selector,
        findingType: dto.findingType,
        values: dto.values,
        text: dto.text,
        version: (previous?.version ?? 0) + 1,
        supersedesId: previous?.id ?? null,
        authorId: user.id,
        authorDiscipline: discipline,
      }),
    );
    AuditScope.describe({ entityId: saved.id });
    await this.events.append({
      type: 'annotation.added',
      caseId: c.id,
      actorId: user.id,
      payload: {
        annotationId: saved.id,
        recordId,
        anchor: saved.anchor,
        selector: saved.selector,
        findingType: saved.findingType,
        values: saved.values,
        text: saved.text,
        version: saved.version,
        supersedesId: saved.supersedesId,
        authorDiscipline: saved.authorDiscipline,
        createdAt: saved.createdAt.toISOString(),
      },
    });
    return toAnnotationResponse(saved);
  }

  /**
   * Compares the referring diagnosis with the board's and stores the result
   * as the case's current change (the previous one stays, no longer current).
   */
  private async recordChange(
    user: AuthenticatedUser,
    c: CaseEntity,
    board: DiagnosisAssessmentEntity,
    inputs: {
      chairImpact: DiagnosisChangeEntity['chairImpact'];
      evidenceSources: DiagnosisChangeEntity['evidenceSources'];
      drivingDiscipline: string | null;
      /** Known when a plan is being signed; otherwise read from the case's signed plan, if any. */
      signedPlan?: readonly PlanItem[];
    },
  ): Promise<DiagnosisChangeEntity> {
    const referring = await this.diagnoses.current(c.id, 'referring');
    if (referring === null) throw new ConflictException('The case has no referring diagnosis to compare with');
    // The board's diagnosis with what it does not restate inherited from the reviews (and the referral).
    const standing = await this.diagnoses.standingAt(c.id, board);
    const result = compareDiagnoses(asDiagnosis(referring), standing?.diagnosis ?? asDiagnosis(board), {
      chairImpact: inputs.chairImpact,
      recommendation: c.referringRecommendation,
      signedPlan: inputs.signedPlan ?? (await this.signedPlan(c)),
    });
    const previous = await this.tx.manager.findOneBy(DiagnosisChangeEntity, { caseId: c.id, isCurrent: true });
    if (previous !== null)
      await this.tx.manager.update(DiagnosisChangeEntity, { id: previous.id }, { isCurrent: false });
    const change = await this.tx.manager.save(
      this.tx.manager.create(DiagnosisChangeEntity, {
        caseId: c.id,
        clinicId: c.clinicId,
        referringAssessmentId: referring.id,
        boardAssessmentId: board.id,
        changeTypes: result.changeTypes,
        stageChanges: result.stageChanges,
        biomarkerChanges: result.biomarkerChanges,
        additionalCancers: result.additionalCancers,
        removedCancers: result.removedCancers,
        treatmentChanges: result.treatmentChanges,
        details: result.details,
        pathologyReinterpretation: result.pathologyReinterpretation,
        stageUp: result.stageChanges.some((s) => s.direction === 'up'),
        stageDown: result.stageChanges.some((s) => s.direction === 'down'),
        concordance: result.concordance,
        managementImpact: result.managementImpact,
        chairImpact: inputs.chairImpact,
        evidenceSources: inputs.evidenceSources,
        drivingDiscipline: inputs.drivingDiscipline,
        initiator: c.initiator,
        isCurrent: true,
        supersedesId: previous?.id ?? null,
        authorId: user.id,
      }),
    );
    await this.events.append({
      type: 'diagnosis.changed',
      caseId: c.id,
      actorId: user.id,
      payload: {
        changeId: change.id,
        concordance: change.concordance,
        changeTypes: change.changeTypes,
        stageChanges: change.stageChanges,
        managementImpact: change.managementImpact,
        treatmentChanges: change.treatmentChanges.map((t) => t.text),
        pathologyReinterpretation: change.pathologyReinterpretation,
        additionalCancers: change.additionalCancers.length,
      },
    });
    return change;
  }

  /** The case's signed plan's items, if a plan is signed. */
  private async signedPlan(c: CaseEntity): Promise<PlanItem[] | null> {
    const [signed] = await this.tx.query<{ items: PlanItem[] }>(
      `SELECT items FROM plan_version WHERE case_id = $1 AND status = 'signed' ORDER BY number DESC LIMIT 1`,
      [c.id],
    );
    return signed?.items ?? null;
  }

  /** The board's diagnosis: a coordinator, or the chair of an open session with the case on its agenda. */
  private async assertBoardRecorder(user: AuthenticatedUser, c: CaseEntity): Promise<void> {
    if (user.role === 'coordinator') return;
    const chaired = await this.tx.query<{ ok: number }>(
      `SELECT 1 AS ok FROM agenda_item a JOIN board_session s ON s.id = a.session_id
        WHERE a.case_id = $1 AND s.chair_id = $2 AND s.status IN ('scheduled', 'in_progress') LIMIT 1`,
      [c.id, user.id],
    );
    if (chaired.length === 0)
      throw new ForbiddenException("The board's diagnosis is recorded by the session's chair or a coordinator");
  }

  private async assertDiscipline(user: AuthenticatedUser, discipline: string): Promise<void> {
    const rows = await this.tx.query<{ ok: number }>(
      'SELECT 1 AS ok FROM specialist WHERE user_id = $1 AND $2 = ANY(disciplines)',
      [user.id, discipline],
    );
    if (rows.length === 0) throw new ForbiddenException(`Only a specialist in ${discipline} records this review`);
  }

  /** Annotations are a pathologist's or radiologist's. */
  private async reviewerDiscipline(user: AuthenticatedUser): Promise<string> {
    const rows = await this.tx.query<{ disciplines: string[] }>(
      'SELECT disciplines FROM specialist WHERE user_id = $1',
      [user.id],
    );
    const found = ['pathology', 'radiology'].find((d) => rows.some((r) => r.disciplines.includes(d)));
    if (found === undefined) throw new ForbiddenException('Only pathologists and radiologists annotate records');
    return found;
  }
}

/** Coded values must fit their finding type; no more than 20 plain values. */
function validateFinding(dto: AnnotationInputDto): void {
  const values = dto.values;
  const entries = Object.entries(values);
  if (entries.length > 20 || entries.some(([, v]) => !['string', 'number', 'boolean'].includes(typeof v)))
    throw RequestValidationException.field('values', 'values must be at most 20 plain values (text, number, yes/no)');
  if (entries.some(([, v]) => typeof v === 'string' && v.length > 200))
    throw RequestValidationException.field('values', 'each value must be at most 200 characters');
  const need = (key: string, ok: (v: unknown) => boolean, form: string): void => {
    if (!ok(values[key])) throw RequestValidationException.field(`values.${key}`, `values.${key} must be ${form}`);
  };
  if (dto.findingType === 'histologic_type')
    need('histology', (v) => typeof v === 'string' && isMorphology(v), MORPHOLOGY_EXPECTED);
  if (dto.findingType === 'grade')
    need(
      'grade',
      (v) => typeof v === 'string' && (GRADES as readonly string[]).includes(v),
      `one of ${GRADES.join(', ')}`,
    );
  if (dto.findingType === 'receptor_status') {
    need(
      'marker',
      (v) => typeof v === 'string' && isKnownMarker(v),
      'a standard marker name, e.g. ER, PR, HER2, Ki-67',
    );
    need('value', (v) => typeof v === 'string' && v.length > 0, 'the result, e.g. 3+');
  }
  if (dto.anchor.kind === 'page' && dto.anchor.page === undefined)
    throw RequestValidationException.field('anchor.page', 'a page anchor needs its page');
  if (dto.anchor.kind === 'slide' && (dto.anchor.x === undefined || dto.anchor.y === undefined))
    throw RequestValidationException.field('anchor', 'a slide anchor needs x and y');
}
