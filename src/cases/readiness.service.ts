import { ConflictException, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { EventLogService } from '../events/event-log.service.js';
import { ClinicsService } from '../clinics/clinics.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import { CaseAccessService } from './case-access.service.js';
import type { WaiverDto } from './dto/record.dto.js';
import type { CaseEntity } from './entities/case.entity.js';
import { ReadinessWaiverEntity } from './entities/record.entity.js';
import { readinessItemsOf } from './intake-rules.js';
import { assessReadiness, readinessGaps, type ReadinessItem } from './readiness.js';
import { RequestValidationException } from '../common/problem.js';
import type { RecordType } from '../common/clinical-codes.js';

export interface ReadinessReport {
  caseId: string;
  ready: boolean;
  items: ReadinessItem[];
}

@Injectable()
export class ReadinessService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly clinics: ClinicsService,
    private readonly events: EventLogService,
  ) {}

  async report(user: AuthenticatedUser, caseId: string): Promise<ReadinessReport> {
    const c = await this.access.load(user, caseId);
    const items = await this.assess(c);
    return { caseId, ready: readinessGaps(items).length === 0, items };
  }

  /** Refuses `ready` while any item is neither current nor waived (409 listing them). */
  async assertReady(c: CaseEntity): Promise<void> {
    const gaps = readinessGaps(await this.assess(c));
    if (gaps.length > 0) {
      throw new ConflictException({
        message: `The case is not ready: ${gaps.map((g) => `${g.item} ${g.status}`).join(', ')}; add the records or waive each gap with a reason`,
        gaps,
      });
    }
  }

  async waive(user: AuthenticatedUser, caseId: string, dto: WaiverDto): Promise<ReadinessReport> {
    const c = await this.access.load(user, caseId, { lock: true });
    // A waiver lifts a gap; an item the clinic does not require has none to lift.
    const clinic = await this.clinics.find(c.clinicId);
    const required = readinessItemsOf(clinic);
    if (!required.includes(dto.item)) {
      throw RequestValidationException.field(
        'item',
        `item ${dto.item} is not a record ${clinic.name} requires, so there is nothing to waive; waivable: ${required.join(', ') || 'none'}`,
      );
    }
    const waiver = await this.tx.manager.save(
      this.tx.manager.create(ReadinessWaiverEntity, { caseId, item: dto.item, reason: dto.reason, createdBy: user.id }),
    );
    await this.events.append({
      type: 'readiness.waived',
      caseId,
      actorId: user.id,
      payload: { item: dto.item, waiverId: waiver.id },
    });
    AuditScope.describe({ entityId: waiver.id });
    const items = await this.assess(c);
    return { caseId, ready: readinessGaps(items).length === 0, items };
  }

  /**
   * The readiness gaps of several cases in two queries (a case list page):
   * the record types each case still lacks, neither current nor waived.
   */
  async gapsOf(cases: { id: string; clinicId: string }[]): Promise<Map<string, RecordType[]>> {
    const out = new Map<string, RecordType[]>();
    if (cases.length === 0) return out;
    const ids = cases.map((c) => c.id);
    const manager = this.tx.manager;
    const [records, waivers] = await Promise.all([
      manager.query<{ case_id: string; type: RecordType; date: string }[]>(
        `SELECT r.case_id, r.type, coalesce(r.document_date, (r.created_at AT TIME ZONE k.time_zone)::date)::text AS date
           FROM case_record r
           JOIN second_opinion_case c ON c.id = r.case_id
           JOIN clinic k ON k.id = c.clinic_id
          WHERE r.case_id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM case_record n WHERE n.supersedes_id = r.id)`,
        [ids],
      ),
      manager.query<{ case_id: string; item: RecordType; reason: string; created_by: string; created_at: Date }[]>(
        `SELECT case_id, item, reason, created_by, created_at FROM readiness_waiver WHERE case_id = ANY($1::uuid[])`,
        [ids],
      ),
    ]);
    const clinics = new Map<string, Awaited<ReturnType<ClinicsService['find']>>>();
    for (const c of cases) {
      const clinic = clinics.get(c.clinicId) ?? (await this.clinics.find(c.clinicId));
      clinics.set(c.clinicId, clinic);
      const items = assessReadiness({
        requiredRecordTypes: clinic.requiredRecordTypes,
        rules: clinic.readinessRules,
        records: records.filter((r) => r.case_id === c.id),
        waivers: waivers
          .filter((w) => w.case_id === c.id)
          .map((w) => ({ item: w.item, reason: w.reason, by: w.created_by, at: w.created_at.toISOString() })),
        today: DateTime.now().setZone(clinic.timeZone).toISODate() ?? new Date().toISOString().slice(0, 10),
      });
      out.set(
        c.id,
        readinessGaps(items).map((g) => g.item),
      );
    }
    return out;
  }

  private async assess(c: CaseEntity): Promise<ReadinessItem[]> {
    const clinic = await this.clinics.find(c.clinicId);
    const manager = this.tx.manager;
    const records = await manager.query<{ type: RecordType; date: string }[]>(
      `SELECT r.type, coalesce(r.document_date, (r.created_at AT TIME ZONE $2)::date)::text AS date
         FROM case_record r
        WHERE r.case_id = $1 AND NOT EXISTS (SELECT 1 FROM case_record n WHERE n.supersedes_id = r.id)`,
      [c.id, clinic.timeZone],
    );
    const waivers = await manager.find(ReadinessWaiverEntity, { where: { caseId: c.id }, order: { createdAt: 'ASC' } });
    return assessReadiness({
      requiredRecordTypes: clinic.requiredRecordTypes,
      rules: clinic.readinessRules,
      records,
      waivers: waivers.map((w) => ({ item: w.item, reason: w.reason, by: w.createdBy, at: w.createdAt.toISOString() })),
      today: DateTime.now().setZone(clinic.timeZone).toISODate() ?? new Date().toISOString().slice(0, 10),
    });
  }
}
