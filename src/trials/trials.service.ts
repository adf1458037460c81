import type { CaseEntity } from '../cases/entities/case.entity.js';
import {
  ConflictException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { In, IsNull } from 'typeorm';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { HistoryService } from '../cases/history/history.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import { DiagnosesService } from '../diagnoses/diagnoses.service.js';
import { ClinicAccessService } from '../clinics/clinic-access.service.js';
import { parseIfMatch } from '../common/if-match.js';
import { RequestValidationException } from '../common/problem.js';
import type { CreateTrialDto, UpdateTrialDto } from './dto/trial.dto.js';
import { TrialEntity } from './entities/trial.entity.js';
import type { AdditionalCancer } from '../cases/clinical/comparison.js';
import { matchTrial, rankMatches, type PatientFacts } from './trial-matching.js';

/** Brain or spinal metastases among the stated cancers; unknown (null) when none is stated either way. */
function cnsMetastases(cancers: readonly AdditionalCancer[]): boolean | null {
  const cns = cancers.some(
    (x) => x.status !== 'ruled_out' && /^C7[0-2]/.test(x.primarySite) && (x.histology ?? '').endsWith('/6'),
  );
  return cns ? true : null;
}

const view = (t: TrialEntity) => ({
  id: t.id,
  clinicId: t.clinicId,
  nctId: t.nctId,
  title: t.title,
  phase: t.phase,
  status: t.status,
  eligibility: t.eligibility,
  withdrawnAt: t.withdrawnAt?.toISOString() ?? null,
  withdrawnReason: t.withdrawnReason,
  version: t.version,
});

/**
 * Each clinic's trial list, kept by its coordinators (an NCT id once per
 * clinic; edited with If-Match; withdrawn with a reason, never deleted), and
 * trial options for a case from its clinic's own open trials.
 */
@Injectable()
export class TrialsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly clinics: ClinicAccessService,
    private readonly diagnoses: DiagnosesService,
    private readonly histories: HistoryService,
  ) {}

  /** The clinic a new trial goes to: the one named (which the user must keep), else the coordinator's only one. */
  private async clinicFor(user: AuthenticatedUser, clinicId: string | undefined): Promise<string> {
    if (clinicId === undefined) {
      const own = user.role === 'admin' ? [] : await this.clinics.clinicIdsOf(user.id);
      if (own.length !== 1)
        throw RequestValidationException.field('clinicId', 'clinicId is required: say which clinic offers the trial');
      clinicId = own[0];
    }
    await this.clinics.assertCanManage(user, clinicId);
    return clinicId;
  }

  async create(user: AuthenticatedUser, dto: CreateTrialDto) {
    if (user.role === 'clinician') throw new ForbiddenException('Coordinators and admins keep the trial list');
    const { clinicId: asked, ...fields } = dto;
    const clinicId = await this.clinicFor(user, asked);
    const exists = await this.tx.manager.findOneBy(TrialEntity, { clinicId, nctId: dto.nctId });
    if (exists !== null) throw new ConflictException(`${dto.nctId} is already on this clinic's list`);
    const saved = await this.tx.manager.save(
      this.tx.manager.create(TrialEntity, {
        ...fields,
        clinicId,
        eligibility: { ...dto.eligibility },
        createdBy: user.id,
        withdrawnAt: null,
        withdrawnReason: null,
      }),
    );
    AuditScope.describe({ entityId: saved.id });
    return view(saved);
  }

  /** The trials of the clinics the user keeps or works in (one clinic with `clinicId`). */
  async list(user: AuthenticatedUser, clinicId?: string) {
    if (clinicId !== undefined) await this.clinics.assertCanRead(user, clinicId);
    const clinicIds =
      clinicId !== undefined ? [clinicId] : user.role === 'admin' ? undefined : await this.clinics.clinicIdsOf(user.id);
    const rows = await this.tx.manager.find(TrialEntity, {
      where: clinicIds === undefined ? {} : { clinicId: In(clinicIds) },
      order: { nctId: 'ASC', clinicId: 'ASC' },
    });
    return rows.map(view);
  }

  private async load(user: AuthenticatedUser, id: string, manage: boolean): Promise<TrialEntity> {
    const t = await this.tx.manager.findOneBy(TrialEntity, { id });
    // Another clinic's trial is not found, not forbidden: its existence is not disclosed.
    if (t === null || !(await this.canRead(user, t.clinicId))) throw new NotFoundException('Trial not found');
    if (manage) {
      if (user.role === 'clinician') throw new ForbiddenException("The clinic's coordinators keep its trial list");
      await this.clinics.assertCanManage(user, t.clinicId);
    }
    AuditScope.describe({ entityId: t.id });
    return t;
  }

  private async canRead(user: AuthenticatedUser, clinicId: string): Promise<boolean> {
    return user.role === 'admin' || (await this.clinics.isMember(user.id, clinicId));
  }

  async get(user: AuthenticatedUser, id: string) {
    return view(await this.load(user, id, false));
  }

  async update(user: AuthenticatedUser, id: string, ifMatch: string | undefined, dto: UpdateTrialDto) {
    const version = parseIfMatch(ifMatch);
    const t = await this.load(user, id, true);
    if (t.withdrawnAt !== null) throw new ConflictException('A withdrawn trial is not edited; list it again instead');
    const changes = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    const [row] = await this.tx.query<{ id: string }>(
      `UPDATE trial SET title = COALESCE($3, title), phase = COALESCE($4, phase), status = COALESCE($5, status),
              eligibility = COALESCE($6::jsonb, eligibility), version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2 RETURNING id`,
      [
        id,
        version,
        changes.title ?? null,
        changes.phase ?? null,
        changes.status ?? null,
        dto.eligibility === undefined ? null : JSON.stringify({ ...dto.eligibility }),
      ],
    );
    if (row === undefined)
      throw new HttpException(
        'The trial changed since you read it; reload it and edit again',
        HttpStatus.PRECONDITION_FAILED,
      );
    return this.get(user, t.id);
  }

  async withdraw(user: AuthenticatedUser, id: string, reason: string) {
    const t = await this.load(user, id, true);
    if (t.withdrawnAt !== null) throw new ConflictException('The trial was already withdrawn');
    await this.tx.query(
      `UPDATE trial SET withdrawn_at = now(), withdrawn_reason = $2, version = version + 1, updated_at = now() WHERE id = $1`,
      [id, reason],
    );
    return this.get(user, id);
  }

  /** What the recorded history says for eligibility; null where it was never recorded. */
  private async history(caseId: string): Promise<{
    menopausalStatus: string | null;
    priorLines: number | null;
    priorDrugs: string[] | null;
  }> {
    const facts = await this.histories.facts(caseId);
    if (facts === null) return { menopausalStatus: null, priorLines: null, priorDrugs: null };
    const systemic = facts.priorTherapies.filter((t) => t.modality === 'systemic_therapy');
    return {
      menopausalStatus: facts.menopausalStatus === 'unknown' ? null : facts.menopausalStatus,
      // Lines of systemic therapy: the highest line recorded, else one per regimen given.
      priorLines: facts.maxLine ?? systemic.length,
      priorDrugs: [...new Set(facts.priorTherapies.flatMap((t) => t.drugs))],
    };
  }

  /** Open trials ranked for the case: each with every criterion met, failed or unknown. */
  async matches(user: AuthenticatedUser, caseId: string) {
    return this.matchesFor(await this.access.load(user, caseId));
  }

  /** The trials matched to a case its caller may already read. */
  async matchesFor(c: CaseEntity) {
    // The merged facts: the board's, with what it does not restate from the reviews and the referral.
    const standing = await this.diagnoses.standingAt(c.id);
    const dx = standing?.diagnosis ?? null;
    const [patient] = await this.tx.query<{ age: number; sex: string }>(
      `SELECT date_part('year', age(birth_date))::int AS age, sex FROM patient WHERE id = $1`,
      [c.patientId],
    );
    const history = await this.history(c.id);
    const stage = dx?.pathologicalStage?.stageGroup != null ? dx.pathologicalStage : dx?.clinicalStage;
    const facts: PatientFacts = {
      malignant: dx?.malignant ?? true,
      primarySite: dx?.primarySite ?? null,
      histology: dx?.histology ?? null,
      // Trials state AJCC anatomic ranges; a prognostic group is not compared with them.
      stageGroup: stage != null && (stage.groupType ?? 'anatomic') === 'anatomic' ? (stage.stageGroup ?? null) : null,
      otherStages: [
        ...(dx?.otherStages ?? []),
        ...(dx?.resectability == null ? [] : [{ system: 'resectability', stage: dx.resectability }]),
      ],
      biomarkers: dx?.biomarkers ?? [],
      sex: patient?.sex ?? null,
      age: patient?.age ?? null,
      ecog: dx?.ecog ?? null,
      menopausalStatus: history.menopausalStatus,
      priorLines: history.priorLines,
      priorDrugs: history.priorDrugs,
      cnsMetastases: cnsMetastases(dx?.additionalCancers ?? []),
    };
    // Only the case's clinic's own open trials: another clinic's list never reaches this patient's letter.
    const trials = await this.tx.manager.find(TrialEntity, {
      where: [
        { clinicId: c.clinicId, status: 'recruiting', withdrawnAt: IsNull() },
        { clinicId: c.clinicId, status: 'not_yet_recruiting', withdrawnAt: IsNull() },
      ],
    });
    return rankMatches(trials.map((t) => ({ ...view(t), match: matchTrial(t.eligibility, facts) })));
  }
}
