import { ConflictException, Injectable, PreconditionFailedException } from '@nestjs/common';
import { AuditScope } from '../../audit/audit-scope.js';
import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { EventLogService } from '../../events/event-log.service.js';
import { parseIfMatch } from '../../common/if-match.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageQuery } from '../../common/pagination.js';
import { RequestValidationException } from '../../common/problem.js';
import { TransactionContext } from '../../database/transaction-context.js';
import { CaseAccessService } from '../case-access.service.js';
import type { CaseEntity } from '../entities/case.entity.js';
import type { Sex } from '../entities/patient.entity.js';
import type { HistoryVersionDto, PatientHistoryDto } from './dto/history.dto.js';
import { historyFacts, type HistoryFacts } from './history-facts.js';
import {
  emptyHistoryVersion,
  readHistoryDocument,
  toHistoryDocument,
  toHistoryVersion,
  type HistoryRow,
} from './history.mapper.js';
import { firstTreatmentDateProblem } from '../intake-rules.js';
import { checkHistory } from './history-rules.js';
import { changedSections, emptyHistory, type PatientHistory } from './history.types.js';

const ROW_COLUMNS = `h.id, h.case_id, h.version, h.document, h.author_id, u.display_name AS author_name, h.recorded_at`;

/**
 * The patient's history per case: one document, versioned. Every write is a
 * new row (the table is append-only), made only if the writer read the
 * current version: the version check and the insert are one statement, and
 * the unique (case_id, version) lets one of two concurrent writers win.
 */
@Injectable()
export class HistoryService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly events: EventLogService,
  ) {}

  /** The current version (version 0, empty, before the first one). */
  async get(user: AuthenticatedUser, caseId: string): Promise<HistoryVersionDto> {
    const c = await this.access.load(user, caseId);
    const [row] = await this.tx.query<HistoryRow>(
      `SELECT ${ROW_COLUMNS} FROM case_history h LEFT JOIN app_user u ON u.id = h.author_id
        WHERE h.case_id = $1 ORDER BY h.version DESC LIMIT 1`,
      [c.id],
    );
    return row === undefined ? emptyHistoryVersion(c.id, c.firstTreatmentDate) : toHistoryVersion(row);
  }

  /** Every version, newest first, each with its author and time. */
  async versions(user: AuthenticatedUser, caseId: string, query: PageQuery): Promise<Page<HistoryVersionDto>> {
    const c = await this.access.load(user, caseId);
    const before = query.cursor === undefined ? null : decodeCursor(query.cursor, { v: 'int' }).v;
    if (before !== null && !(Number.isInteger(before) && Number(before) >= 1 && Number(before) <= 1e9)) {
      throw RequestValidationException.field('cursor', 'cursor must be a cursor returned by a previous page');
    }
    const rows = await this.tx.query<HistoryRow>(
      `SELECT ${ROW_COLUMNS} FROM case_history h LEFT JOIN app_user u ON u.id = h.author_id
        WHERE h.case_id = $1 AND ($2::int IS NULL OR h.version < $2::int)
        ORDER BY h.version DESC LIMIT $3`,
      [c.id, before, query.limit + 1],
    );
    return toPage(rows, query.limit, toHistoryVersion, (r) => encodeCursor({ v: r.version }));
  }

  /**
   * Replaces the history with a new version. `ifMatch` names the version the
   * client read: 428 without it, 412 when another version was written since.
   */
  async replace(
    user: AuthenticatedUser,
    caseId: string,
    ifMatch: string | undefined,
    dto: PatientHistoryDto,
  ): Promise<HistoryVersionDto> {
    const c = await this.access.load(user, caseId, { write: true });
    const read = parseIfMatch(ifMatch);
    const document = toHistoryDocument(dto);
    const patient = await this.patientOf(c);
    this.assertValid(document, patient.sex, '');
    // The same limits as PUT /cases/:id/first-treatment-date and intake: not before birth, at most a year ahead.
    const problem =
      document.firstTreatmentDate === null
        ? null
        : firstTreatmentDateProblem(
            document.firstTreatmentDate,
            patient.birthDate,
            new Date().toISOString().slice(0, 10),
          );
    if (problem !== null) throw RequestValidationException.field('firstTreatmentDate', `firstTreatmentDate ${problem}`);
    const inserted = await this.insertVersion(c, read, document, user.id);
    if (inserted === undefined) {
      const [now] = await this.tx.query<{ v: number }>(
        'SELECT coalesce(max(version), 0)::int AS v FROM case_history WHERE case_id = $1',
        [c.id],
      );
      const current = now?.v ?? 0;
      throw new PreconditionFailedException({
        message: `The history changed since you read version ${read} (it is now version ${current}); read it again and reapply your edit`,
        currentVersion: current,
      });
    }
    const previous =
      read === 0 ? { ...emptyHistory(), firstTreatmentDate: c.firstTreatmentDate } : await this.document(c.id, read);
    await this.afterWrite(c, inserted, document, previous, user.id);
    AuditScope.describe({ entityId: inserted.id });
    return this.version(c.id, inserted.version);
  }

  /**
   * Version 1, taken in with the referral, in the intake's transaction. The
   * case's first treatment date and the history's are one fact: given in
   * both places they must agree.
   */
  async recordAtIntake(
    c: CaseEntity,
    sex: Sex,
    dto: PatientHistoryDto,
    authorId: string,
    prefix = 'history',
  ): Promise<void> {
    const document = toHistoryDocument(dto);
    if (document.firstTreatmentDate === null) document.firstTreatmentDate = c.firstTreatmentDate;
    if (document.firstTreatmentDate !== c.firstTreatmentDate) {
      throw RequestValidationException.field(
        `${prefix}.firstTreatmentDate`,
        `${prefix}.firstTreatmentDate must be the same date as firstTreatmentDate (${c.firstTreatmentDate}), or left out`,
      );
    }
    this.assertValid(document, sex, prefix);
    const inserted = await this.insertVersion(c, 0, document, authorId);
    if (inserted === undefined) throw new Error('a new case already had a history');
    await this.afterWrite(
      c,
      inserted,
      document,
      { ...emptyHistory(), firstTreatmentDate: c.firstTreatmentDate },
      authorId,
    );
  }

  /**
   * The current history of a case the caller has already authorised, or
   * null when none was ever recorded (version 0).
   */
  async currentDocument(caseId: string): Promise<{ version: number; document: PatientHistory } | null> {
    const [row] = await this.tx.query<{ version: number; document: Partial<PatientHistory> }>(
      'SELECT version, document FROM case_history WHERE case_id = $1 ORDER BY version DESC LIMIT 1',
      [caseId],
    );
    return row === undefined ? null : { version: row.version, document: readHistoryDocument(row.document) };
  }

  /**
   * The facts the trial matcher and the letter read, for a case the caller
   * has already authorised; null when no history was recorded, which is
   * "unknown", not "treatment-naive".
   */
  async facts(caseId: string): Promise<HistoryFacts | null> {
    const current = await this.currentDocument(caseId);
    return current === null ? null : historyFacts(current.document);
  }

  /**
   * The first treatment date set on its own (PUT /cases/:id/first-treatment-date),
   * for a case the caller has loaded, locked and checked the date of. A
   * recorded history gets a new version holding the date, so the next history
   * edit does not undo it; with none (version 0 reads the case's date) only
   * the case changes.
   */
  async recordFirstTreatmentDate(c: CaseEntity, date: string | null, actorId: string): Promise<void> {
    const current = await this.currentDocument(c.id);
    if (current === null) {
      await this.tx.query(
        `UPDATE second_opinion_case SET first_treatment_date = $2::date, version = version + 1, updated_at = now()
          WHERE id = $1`,
        [c.id, date],
      );
      return;
    }
    const document: PatientHistory = { ...current.document, firstTreatmentDate: date };
    const inserted = await this.insertVersion(c, current.version, document, actorId);
    if (inserted === undefined) {
      throw new ConflictException('The history was edited at the same moment; read the case again and retry');
    }
    await this.afterWrite(c, inserted, document, current.document, actorId);
  }

  private assertValid(document: PatientHistory, sex: Sex, prefix: string): void {
    const errors = checkHistory(document, sex, prefix);
    if (errors.length > 0) throw new RequestValidationException(errors);
  }

  private async patientOf(c: CaseEntity): Promise<{ sex: Sex; birthDate: string }> {
    const [row] = await this.tx.query<{ sex: Sex; birth_date: string }>(
      'SELECT sex, birth_date::text AS birth_date FROM patient WHERE id = $1',
      [c.patientId],
    );
    return { sex: row?.sex ?? 'unknown', birthDate: row?.birth_date ?? '1900-01-01' };
  }

  /** Inserts version `read + 1` if `read` is the current version; undefined otherwise. */
  private async insertVersion(
    c: CaseEntity,
    read: number,
    document: PatientHistory,
    authorId: string,
  ): Promise<{ id: string; version: number } | undefined> {
    const [row] = await this.tx.query<{ id: string; version: number }>(
      `INSERT INTO case_history (case_id, version, document, author_id)
       SELECT $1, $2::int + 1, $3::jsonb, $4
        WHERE coalesce((SELECT max(version) FROM case_history WHERE case_id = $1), 0) = $2::int
       ON CONFLICT ON CONSTRAINT "UQ_case_history_version" DO NOTHING
       RETURNING id, version`,
      [c.id, read, JSON.stringify(document), authorId],
    );
    return row;
  }

  /** The case's first treatment date follows the history; the event says which sections changed. */
  private async afterWrite(
    c: CaseEntity,
    inserted: { id: string; version: number },
    document: PatientHistory,
    previous: PatientHistory,
    actorId: string,
  ): Promise<void> {
    if (document.firstTreatmentDate !== c.firstTreatmentDate) {
      await this.tx.query(
        `UPDATE second_opinion_case SET first_treatment_date = $2::date, version = version + 1, updated_at = now()
          WHERE id = $1`,
        [c.id, document.firstTreatmentDate],
      );
    }
    await this.events.append({
      type: 'history.updated',
      caseId: c.id,
      actorId,
      payload: { historyId: inserted.id, version: inserted.version, changed: changedSections(previous, document) },
    });
  }

  private async document(caseId: string, version: number): Promise<PatientHistory> {
    const [row] = await this.tx.query<{ document: Partial<PatientHistory> }>(
      'SELECT document FROM case_history WHERE case_id = $1 AND version = $2',
      [caseId, version],
    );
    return row === undefined ? emptyHistory() : readHistoryDocument(row.document);
  }

  private async version(caseId: string, version: number): Promise<HistoryVersionDto> {
    const [row] = await this.tx.query<HistoryRow>(
      `SELECT ${ROW_COLUMNS} FROM case_history h LEFT JOIN app_user u ON u.id = h.author_id
        WHERE h.case_id = $1 AND h.version = $2`,
      [caseId, version],
    );
    if (row === undefined) throw new Error('a version just written is missing');
    return toHistoryVersion(row);
  }
}
