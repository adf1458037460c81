import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { HistoryService } from '../cases/history/history.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import { DiagnosesService } from '../diagnoses/diagnoses.service.js';
import type { CreateTrialDto } from './dto/trial.dto.js';
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
  nctId: t.nctId,
  title: t.title,
  phase: t.phase,
  status: t.status,
  eligibility: t.eligibility,
  version: t.version,
});

/** The trial list, and trial options for a case from its board (else referring) diagnosis. */
@Injectable()
export class TrialsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly diagnoses: DiagnosesService,
    private readonly histories: HistoryService,
  ) {}

  async create(user: AuthenticatedUser, dto: CreateTrialDto) {
    if (user.role === 'clinician') throw new ForbiddenException('Coordinators and admins keep the trial list');
    const exists = await this.tx.manager.findOneBy(TrialEntity, { nctId: dto.nctId });
    if (exists !== null) throw new ConflictException(`${dto.nctId} is already listed`);
    const saved = await this.tx.manager.save(
      this.tx.manager.create(TrialEntity, { ...dto, eligibility: { ...dto.eligibility } }),
    );
    AuditScope.describe({ entityId: saved.nctId });
    return view(saved);
  }

  async list() {
    const rows = await this.tx.manager.find(TrialEntity, { order: { nctId: 'ASC' } });
    return rows.map(view);
  }

  async get(nctId: string) {
    const t = await this.tx.manager.findOneBy(TrialEntity, { nctId });
    if (t === null) throw new NotFoundException('Trial not found');
    return view(t);
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
    const c = await this.access.load(user, caseId);
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
    const trials = await this.tx.manager.find(TrialEntity, {
      where: [{ status: 'recruiting' }, { status: 'not_yet_recruiting' }],
    });
    return rankMatches(trials.map((t) => ({ ...view(t), match: matchTrial(t.eligibility, facts) })));
  }
}
