import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import { DiagnosesService } from '../diagnoses/diagnoses.service.js';
import type { CreateTrialDto } from './dto/trial.dto.js';
import { TrialEntity } from './entities/trial.entity.js';
import { matchTrial, rankMatches } from './trial-matching.js';

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

  /** Open trials ranked for the case: each with every criterion met, failed or unknown. */
  async matches(user: AuthenticatedUser, caseId: string) {
    const c = await this.access.load(user, caseId);
    const dx = await this.diagnoses.standing(c.id);
    const [patient] = await this.tx.query<{ age: number }>(
      `SELECT date_part('year', age(birth_date))::int AS age FROM patient WHERE id = $1`,
      [c.patientId],
    );
    const facts = {
      primarySite: dx?.primarySite ?? null,
      histology: dx?.histology ?? null,
      stageGroup: dx?.pathologicalStage?.stageGroup ?? dx?.clinicalStage?.stageGroup ?? null,
      biomarkers: dx?.biomarkers ?? [],
      age: patient?.age ?? null,
      ecog: dx?.ecog ?? null,
    };
    const trials = await this.tx.manager.find(TrialEntity, {
      where: [{ status: 'recruiting' }, { status: 'not_yet_recruiting' }],
    });
    return rankMatches(trials.map((t) => ({ ...view(t), match: matchTrial(t.eligibility, facts) })));
  }
}
