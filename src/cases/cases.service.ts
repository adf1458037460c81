import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  PreconditionFailedException,
} from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { EventLogService } from '../events/event-log.service.js';
import { ClinicsService } from '../clinics/clinics.service.js';
import { decodeCursor, encodeCursor, toPage, type Page } from '../common/pagination.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import { checkDiagnosis, DiagnosesService } from '../diagnoses/diagnoses.service.js';
import { CaseAccessService } from './case-access.service.js';
import { OWNED_ELSEWHERE, canTransition, manualTransitions, type CaseStatus } from './case-workflow.js';
import { ReadinessService } from './readiness.service.js';
import { toCaseDetail, toCaseSummary, type CaseListRow } from './cases.mapper.js';
import type {
  CaseDetailDto,
  CaseSummaryDto,
  FirstTreatmentDateDto,
  ListCasesQuery,
  TransitionDto,
} from './dto/case.dto.js';
import type { CreateCaseDto, PatientDto } from './dto/intake.dto.js';
import { CaseEntity } from './entities/case.entity.js';
import { PatientEntity } from './entities/patient.entity.js';
import { HistoryService } from './history/history.service.js';
import { describeSite, firstTreatmentDateProblem, siteOutsideClinic } from './intake-rules.js';

/** Names are compared as people read them: NFC, trimmed, case-insensitive. */
const sameName = (a: string, b: string): boolean =>
  a.normalize('NFC').trim().toLowerCase() === b.normalize('NFC').trim().toLowerCase();

@Injectable()
export class CasesService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly clinics: ClinicsService,
    private readonly diagnoses: DiagnosesService,
    private readonly events: EventLogService,
    private readonly readiness: ReadinessService,
    private readonly history: HistoryService,
  ) {}

  /** Takes in a referral: patient (matched by MRN), case, referring diagnosis and recommendation. */
  async create(user: AuthenticatedUser, dto: CreateCaseDto): Promise<CaseDetailDto> {
    // The referring diagnosis is checked before anything is written (400 naming referringDiagnosis.*).
    const site = checkDiagnosis(dto.referringDiagnosis, 'referringDiagnosis');
    const clinicId = dto.clinicId ?? (await this.route(user, site.primarySite));
    if (!(await this.access.canSeeClinic(user, clinicId))) {
      throw RequestValidationException.field('clinicId', 'clinicId must be a clinic you belong to');
    }
    const clinic = await this.clinics.find(clinicId);
    // The site must be one the clinic treats, unless the coordinator says why this case belongs here anyway.
    const outside = siteOutsideClinic(site.primarySite, clinic);
    if (outside !== null && dto.siteOverride === undefined) {
      throw RequestValidationException.field(
        'referringDiagnosis.primarySite',
        `${outside}; refer the patient to a clinic that takes it, or give siteOverride.reason to take the case here anyway`,
      );
    }
    if (outside === null && dto.siteOverride !== undefined) {
      throw RequestValidationException.field(
        'siteOverride',
        `siteOverride is only for a primary site outside the clinic's cancer types; ${describeSite(site.primarySite)} is one of them`,
      );
    }
    const firstTreatmentDate = dto.firstTreatmentDate ?? dto.history?.firstTreatmentDate ?? null;
    if (firstTreatmentDate !== null) {
      const problem = firstTreatmentDateProblem(firstTreatmentDate, dto.patient.birthDate, this.today(clinic.timeZone));
      const field = dto.firstTreatmentDate !== undefined ? 'firstTreatmentDate' : 'history.firstTreatmentDate';
      if (problem !== null) throw RequestValidationException.field(field, `${field} ${problem}`);
    }
    if (dto.siteOverride !== undefined) AuditScope.describe({ reason: 'site_override' });
    return this.tx.run(async (manager) => {
      const patient = await this.matchOrCreatePatient(manager, clinicId, dto.patient);
      const created = await manager.save(
        manager.create(CaseEntity, {
          patientId: patient.id,
          clinicId,
          status: 'referred' as CaseStatus,
          reason: dto.reason,
          initiator: dto.initiator,
          urgency: dto.urgency,
          referringClinician: dto.referringClinician,
          referringInstitution: dto.referringInstitution,
          referringEmail: dto.referringEmail ?? null,
          referringRecommendation: dto.referringRecommendation.items,
          firstTreatmentDate,
          siteOverrideReason: dto.siteOverride?.reason ?? null,
          createdBy: user.id,
        }),
      );
      const referring = await this.diagnoses.record(
        manager,
        created.id,
        'referring',
        dto.referringDiagnosis,
        user.id,
        'referringDiagnosis',
      );
      await this.events.append(
        {
          type: 'case.referred',
          caseId: created.id,
          actorId: user.id,
          payload: {
            clinicId,
            urgency: created.urgency,
            ...(dto.siteOverride === undefined ? {} : { siteOverride: true }),
          },
        },
        manager,
      );
      // The history given with the referral is version 1, in this transaction (checked against the stored patient's sex).
      if (dto.history !== undefined) await this.history.recordAtIntake(created, patient.sex, dto.history, user.id);
      AuditScope.describe({ entityId: created.id, caseId: created.id, patientId: patient.id });
      return toCaseDetail(created, patient, referring);
    });
  }

  async get(user: AuthenticatedUser, id: string): Promise<CaseDetailDto> {
    const c = await this.access.load(user, id);
    const patient = await this.tx.manager.findOneOrFail(PatientEntity, { where: { id: c.patientId } });
    return toCaseDetail(c, patient, await this.diagnoses.current(c.id, 'referring'));
  }

  async list(user: AuthenticatedUser, query: ListCasesQuery): Promise<Page<CaseSummaryDto>> {
    if (query.q !== undefined && user.role !== 'coordinator') {
      throw new ForbiddenException('Searching patients by name or MRN is for coordinators');
    }
    let clinics = await this.access.visibleClinicIds(user);
    if (query.clinicId !== undefined) clinics = clinics.filter((c) => c === query.clinicId);
    if (clinics.length === 0) return { items: [], nextCursor: null };

    // One clinic (the usual case) as an equality, so the planner walks the
    // (clinic_id, created_at, id) index in order instead of sorting.
    const params: unknown[] = [clinics.length === 1 ? clinics[0] : clinics];
    const where = [clinics.length === 1 ? 'c.clinic_id = $1::uuid' : 'c.clinic_id = ANY($1::uuid[])'];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.status !== undefined) add('c.status = ?', query.status);
    if (query.urgency !== undefined) add('c.urgency = ?', query.urgency);
    if (query.from !== undefined) add('c.created_at >= ?::timestamptz', query.from);
    if (query.to !== undefined) add('c.created_at < ?::timestamptz', query.to);
    if (query.q !== undefined) {
      // Names are stored in NFC; so is q. One character (a family name such as 王) is an exact
      // match, longer ones a prefix of the family name or the MRN; both walk IDX_patient_family_name.
      const q = query.q.normalize('NFC');
      if ([...q].length === 1) {
        add('lower(p.family_name) = ?', q.toLowerCase());
      } else {
        params.push(`${q.toLowerCase()}%`, `${q.toUpperCase()}%`);
        where.push(`(lower(p.family_name) LIKE $${params.length - 1} OR p.mrn LIKE $${params.length})`);
      }
    }
    if (query.cursor !== undefined) {
      const { at, id } = decodeCursor(query.cursor, { at: 'timestamp', id: 'uuid' });
      if (
        !/^[0-9a-f-]{36}$/.test(String(id)) ||
        !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/.test(String(at))
      ) {
        throw RequestValidationException.field('cursor', 'cursor must be a cursor returned by a previous page');
      }
      params.push(at, id);
      where.push(`(c.created_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(query.limit + 1);
    const rows = await this.tx.query<CaseListRow>(
      `SELECT c.id, c.status, c.clinic_id, c.urgency, c.reason, c.synthetic, c.created_at,
              c.created_at::text AS created_key,
              p.id AS patient_id, p.mrn, p.family_name, p.given_name, p.birth_date::text AS birth_date, p.sex,
              dx.source AS dx_source, dx.primary_site AS dx_site, dx.histology AS dx_histology,
              (SELECT min(a.starts_at) FROM appointment a
                WHERE a.case_id = c.id AND a.status = 'booked' AND a.ends_at > now()) AS next_visit_at,
              (SELECT min(s.starts_at) FROM agenda_item ai JOIN board_session s ON s.id = ai.session_id
                WHERE ai.case_id = c.id AND s.status IN ('scheduled', 'in_progress') AND s.ends_at > now()) AS next_board_at
         FROM (SELECT c.* FROM second_opinion_case c
                 JOIN patient p ON p.id = c.patient_id
                WHERE ${where.join(' AND ')}
                ORDER BY c.created_at DESC, c.id DESC
                LIMIT $${params.length}) c
         JOIN patient p ON p.id = c.patient_id
         LEFT JOIN LATERAL (
           SELECT d.source, d.primary_site, d.histology FROM diagnosis_assessment d
            WHERE d.case_id = c.id
              AND NOT EXISTS (SELECT 1 FROM diagnosis_assessment n WHERE n.supersedes_id = d.id)
            ORDER BY CASE d.source WHEN 'board' THEN 0 WHEN 'pathology_review' THEN 1
                                   WHEN 'radiology_review' THEN 2 ELSE 3 END, d.recorded_at DESC
            LIMIT 1) dx ON true
        ORDER BY c.created_at DESC, c.id DESC`,
      params,
    );
    const gaps = await this.readiness.gapsOf(
      rows.slice(0, query.limit).map((r) => ({ id: r.id, clinicId: r.clinic_id })),
    );
    const page = toPage(
      rows,
      query.limit,
      (r) => toCaseSummary(r, gaps.get(r.id) ?? []),
      (r) => encodeCursor({ at: r.created_key, id: r.id }),
    );
    // Names, MRNs and birth dates leave in a list too: each patient shown gets an audit row.
    AuditScope.describe({ disclosedPatientIds: page.items.map((i) => i.patient.id) });
    return page;
  }

  /** A manual workflow move; illegal ones are 409s naming what is allowed. */
  async transition(user: AuthenticatedUser, id: string, dto: TransitionDto): Promise<CaseDetailDto> {
    const manager = this.tx.manager;
    const c = await this.access.load(user, id, { lock: true });
    const allowed = manualTransitions(c.status);
    if (!allowed.includes(dto.to)) {
      const owner = OWNED_ELSEWHERE[dto.to];
      const detail =
        owner !== undefined && canTransition(c.status, dto.to)
          ? `A case becomes ${dto.to} through ${owner}`
          : `A ${c.status} case cannot move to ${dto.to}; allowed: ${allowed.join(', ') || 'none'}`;
      throw new ConflictException({ message: detail, from: c.status, allowed });
    }
    if (dto.to === 'ready') await this.readiness.assertReady(c);
    const saved = await this.move(c, dto.to, user.id, dto.reason === undefined ? {} : { reason: dto.reason });
    const patient = await manager.findOneOrFail(PatientEntity, { where: { id: c.patientId } });
    return toCaseDetail(saved, patient, await this.diagnoses.current(c.id, 'referring', manager));
  }

  /**
   * Records (or corrects) the first cancer-directed treatment date after
   * intake, which the CoC prospective figure reads. `ifMatch`, when sent, is
   * the case version read (412 when it changed). The date is one fact with
   * the patient's history: a recorded history gets a new version holding it.
   */
  async setFirstTreatmentDate(
    user: AuthenticatedUser,
    id: string,
    ifMatch: number | undefined,
    dto: FirstTreatmentDateDto,
  ): Promise<CaseDetailDto> {
    const c = await this.access.load(user, id, { lock: true });
    if (ifMatch !== undefined && ifMatch !== c.version) {
      throw new PreconditionFailedException(
        `The case changed since you read version ${ifMatch} (it is now version ${c.version}); read it again`,
      );
    }
    const patient = await this.tx.manager.findOneOrFail(PatientEntity, { where: { id: c.patientId } });
    const date = dto.firstTreatmentDate;
    if (date !== null) {
      const clinic = await this.clinics.find(c.clinicId);
      const problem = firstTreatmentDateProblem(date, patient.birthDate, this.today(clinic.timeZone));
      if (problem !== null)
        throw RequestValidationException.field('firstTreatmentDate', `firstTreatmentDate ${problem}`);
    }
    const previous = c.firstTreatmentDate;
    if (date !== previous) {
      await this.history.recordFirstTreatmentDate(c, date, user.id);
      await this.events.append({
        type: 'case.updated',
        caseId: c.id,
        actorId: user.id,
        payload: { changed: ['firstTreatmentDate'], firstTreatmentDate: date, previous },
      });
    }
    const saved = await this.tx.manager.findOneOrFail(CaseEntity, { where: { id: c.id } });
    return toCaseDetail(saved, patient, await this.diagnoses.current(c.id, 'referring'));
  }

  /**
   * Moves a case along the workflow for the module that owns the move (e.g.
   * booking an itinerary schedules it), in the caller's transaction, with its
   * event. The caller has loaded (and locked) the case through CaseAccessService.
   */
  async move(
    c: CaseEntity,
    to: CaseStatus,
    actorId: string,
    payload: Record<string, unknown> = {},
  ): Promise<CaseEntity> {
    if (!canTransition(c.status, to)) {
      throw new ConflictException({
        message: `A ${c.status} case cannot move to ${to}`,
        from: c.status,
        allowed: manualTransitions(c.status),
      });
    }
    const from = c.status;
    c.status = to;
    const saved = await this.tx.manager.save(c);
    await this.events.append({ type: 'case.transitioned', caseId: c.id, actorId, payload: { from, to, ...payload } });
    return saved;
  }

  private today(timeZone: string): string {
    return DateTime.now().setZone(timeZone).toISODate() ?? new Date().toISOString().slice(0, 10);
  }

  private async route(user: AuthenticatedUser, primarySite: string): Promise<string> {
    const clinic = await this.clinics.routeBySite(primarySite, (id) => this.access.canSeeClinic(user, id));
    if (clinic === undefined) {
      throw RequestValidationException.field(
        'clinicId',
        `no single clinic takes primary site ${primarySite}; give clinicId`,
      );
    }
    return clinic.id;
  }

  /**
   * The clinic's record of the patient with this MRN, made on the first referral. Only the clinic's own
   * patients are matched: another clinic's record of the same MRN is neither found nor disclosed.
   */
  private async matchOrCreatePatient(
    manager: EntityManager,
    clinicId: string,
    dto: PatientDto,
  ): Promise<PatientEntity> {
    const mrn = dto.mrn.toUpperCase();
    await manager.query(
      `INSERT INTO patient (clinic_id, mrn, family_name, given_name, birth_date, sex, phone, email, consent_to_record, version)
       VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8, 1) ON CONFLICT (clinic_id, mrn) DO NOTHING`,
      [
        mrn,
        dto.familyName.normalize('NFC'),
        dto.givenName.normalize('NFC'),
        dto.birthDate,
        dto.sex,
        dto.phone ?? null,
        dto.email ?? null,
        dto.consentToRecord ?? false,
        clinicId,
      ],
    );
    const patient = await manager.findOne(PatientEntity, {
      where: { clinicId, mrn },
      lock: { mode: 'pessimistic_write' },
    });
    if (patient === null) throw new NotFoundException('Patient not found');
    // An MRN names one person: a referral whose name or birth date differ is a mix-up, not an update.
    if (!sameName(patient.familyName, dto.familyName) || patient.birthDate !== dto.birthDate) {
      throw new ConflictException({
        message: 'This MRN belongs to a patient with a different family name or birth date; check the referral',
        field: 'patient.mrn',
      });
    }
    return patient;
  }
}
