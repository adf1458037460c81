import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { HiddenResourceException } from '../common/hidden-resource.exception.js';
import { RequestValidationException } from '../common/problem.js';
import { ClinicAccessService } from '../clinics/clinic-access.service.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import type { Profession } from '../specialists/professions.js';
import { personAttendance, type SessionTimes } from './attendance-roster.js';
import type { RosterAttendeeDto, SessionRosterDto, YearRosterDto } from './dto/roster.dto.js';
import type { SessionStatus } from './entities/board-session.entity.js';

interface SessionRow {
  id: string;
  clinic_id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  status: SessionStatus;
  closed_at: Date | null;
}

interface StayRow {
  session_id: string;
  user_id: string;
  display_name: string;
  profession: Profession | null;
  credentials: string | null;
  discipline: string;
  joined_at: Date;
  left_at: Date | null;
}

interface ClinicRow {
  id: string;
  name: string;
  time_zone: string;
}

/** What a certificate is made from: the roster of the person alone, and who issues it. */
export interface Certificate {
  clinicName: string;
  timeZone: string;
  provider: string;
  creditDesignation: string | null;
  person: Pick<RosterAttendeeDto, 'userId' | 'displayName' | 'profession' | 'credentials' | 'disciplines'>;
  /** Each session attended, with the person's stays there. */
  sessions: { session: SessionRosterDto['session']; attendance: RosterAttendeeDto }[];
  minutes: number;
  creditHours: number;
  /** The calendar year, for a certificate of a year. */
  year: number | null;
  issuedAt: Date;
}

const SESSION_COLUMNS = `s.id, s.clinic_id, s.title, s.starts_at, s.ends_at, s.status,
  (SELECT min(e.at) FROM board_event e
    WHERE e.session_id = s.id AND e.type = 'session.changed' AND e.payload->>'status' = 'closed') AS closed_at`;

/**
 * Attendance rosters for continuing medical education: who attended a
 * session (name, profession, discipline, each stay in and out, total) and a
 * year of a clinic's sessions, and certificates of attendance. Computed from
 * the attendance kept with each session, every time (never stored). Rosters
 * list people and sessions, never cases or patients.
 *
 * Readers: the clinic's coordinators and administrators; each person their
 * own certificate.
 */
@Injectable()
export class AttendanceRosterService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly clinicAccess: ClinicAccessService,
    private readonly config: AppConfig,
  ) {}

  async sessionRoster(user: AuthenticatedUser, sessionId: string): Promise<SessionRosterDto> {
    const session = await this.session(sessionId);
    await this.assertRosterReader(user, session.clinic_id, 'Board session');
    const clinic = await this.clinic(session.clinic_id);
    return this.rosterOf(clinic, session, await this.stays([session.id]), new Date());
  }

  async sessionCertificate(user: AuthenticatedUser, sessionId: string, userId: string): Promise<Certificate> {
    const session = await this.session(sessionId);
    if (user.id !== userId) await this.assertRosterReader(user, session.clinic_id, 'Board session');
    const clinic = await this.clinic(session.clinic_id);
    const roster = this.rosterOf(clinic, session, await this.stays([session.id], userId), new Date());
    const person = roster.attendees[0];
    if (person === undefined) throw this.noAttendance(user, userId, 'Board session', 'at this session');
    AuditScope.describe({ entityId: sessionId });
    return this.certificate(clinic, [{ session: roster.session, attendance: person }], null);
  }

  async yearRoster(user: AuthenticatedUser, clinicId: string, year: number): Promise<YearRosterDto> {
    assertYear(year);
    AuditScope.describe({ entityId: clinicId });
    await this.assertRosterReader(user, clinicId, 'Clinic');
    const clinic = await this.clinic(clinicId);
    const { sessions, rosters } = await this.yearOf(clinic, year);
    const people = new Map<string, YearRosterDto['people'][number]>();
    for (const r of rosters)
      for (const a of r.attendees) {
        const p = people.get(a.userId) ?? {
          userId: a.userId,
          displayName: a.displayName,
          profession: a.profession,
          credentials: a.credentials,
          disciplines: [],
          sessions: [],
          sessionsAttended: 0,
          minutes: 0,
          creditHours: 0,
        };
        p.disciplines = [...new Set([...p.disciplines, ...a.disciplines])].sort();
        p.sessions.push({ sessionId: r.session.id, minutes: a.minutes, creditHours: a.creditHours });
        p.sessionsAttended += 1;
        p.minutes += a.minutes;
        p.creditHours += a.creditHours;
        people.set(a.userId, p);
      }
    return {
      clinicId,
      clinicName: clinic.name,
      timeZone: clinic.time_zone,
      year,
      sessions: sessions.map((s, i) => ({
        id: s.id,
        title: s.title,
        startsAt: s.starts_at.toISOString(),
        status: s.status,
        attendees: rosters[i]?.attendees.length ?? 0,
      })),
      people: [...people.values()].sort(byName),
      creditDesignation: this.config.cme.creditDesignation,
    };
  }

  async yearCertificate(user: AuthenticatedUser, clinicId: string, year: number, userId: string): Promise<Certificate> {
    assertYear(year);
    AuditScope.describe({ entityId: clinicId });
    if (user.id !== userId) await this.assertRosterReader(user, clinicId, 'Clinic');
    const clinic = await this.clinic(clinicId);
    const { rosters } = await this.yearOf(clinic, year, userId);
    const attended = rosters.flatMap((r) => {
      const a = r.attendees[0];
      return a === undefined ? [] : [{ session: r.session, attendance: a }];
    });
    if (attended.length === 0) throw this.noAttendance(user, userId, 'Clinic', 'in this year');
    return this.certificate(clinic, attended, year);
  }

  /**
   * Coordinators of the clinic and administrators. A clinician of the clinic
   * is refused (403); anyone outside it is told it does not exist.
   */
  private async assertRosterReader(user: AuthenticatedUser, clinicId: string, what: string): Promise<void> {
    if (user.role === 'admin') return;
    if (!(await this.clinicAccess.isMember(user.id, clinicId))) throw new HiddenResourceException(what);
    if (user.role !== 'coordinator')
      throw new ForbiddenException("Only the clinic's coordinators and administrators read its attendance rosters");
  }

  /** Nothing to certify: said plainly to a roster reader; to someone asking for themselves, nothing is revealed. */
  private noAttendance(user: AuthenticatedUser, userId: string, what: string, where: string): NotFoundException {
    if (user.id === userId && user.role !== 'admin') return new HiddenResourceException(what);
    return new NotFoundException(`No attendance recorded for this person ${where}`);
  }

  private async session(id: string): Promise<SessionRow> {
    const [row] = await this.tx.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM board_session s WHERE s.id = $1`, [
      id,
    ]);
    if (row === undefined) throw new NotFoundException('Board session not found');
    AuditScope.describe({ entityId: id });
    return row;
  }

  private async clinic(id: string): Promise<ClinicRow> {
    const [row] = await this.tx.query<ClinicRow>('SELECT id, name, time_zone FROM clinic WHERE id = $1', [id]);
    if (row === undefined) throw new NotFoundException('Clinic not found');
    return row;
  }

  /** The stays at these sessions (of one person, when given), with who they are. */
  private stays(sessionIds: readonly string[], userId?: string): Promise<StayRow[]> {
    return this.tx.query<StayRow>(
      `SELECT a.session_id, a.user_id, u.display_name, sp.profession, sp.credentials, a.discipline, a.joined_at, a.left_at
         FROM attendance a
         JOIN app_user u ON u.id = a.user_id
         LEFT JOIN specialist sp ON sp.user_id = a.user_id
        WHERE a.session_id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR a.user_id = $2)
        ORDER BY a.joined_at, a.id`,
      [sessionIds, userId ?? null],
    );
  }

  /**
   * The clinic's sessions of a calendar year in its zone that were not
   * cancelled and have attendance, in order, each with its roster.
   */
  private async yearOf(
    clinic: ClinicRow,
    year: number,
    userId?: string,
  ): Promise<{ sessions: SessionRow[]; rosters: SessionRosterDto[] }> {
    const sessions = await this.tx.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM board_session s
        WHERE s.clinic_id = $1 AND s.status <> 'cancelled'
          AND s.starts_at >= make_timestamptz($2, 1, 1, 0, 0, 0, $3)
          AND s.starts_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, $3)
          AND EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id)
        ORDER BY s.starts_at, s.id`,
      [clinic.id, year, clinic.time_zone],
    );
    const stays = await this.stays(
      sessions.map((s) => s.id),
      userId,
    );
    const now = new Date();
    const rosters = sessions.map((s) =>
      this.rosterOf(
        clinic,
        s,
        stays.filter((x) => x.session_id === s.id),
        now,
      ),
    );
    return { sessions, rosters };
  }

  private rosterOf(clinic: ClinicRow, s: SessionRow, stays: StayRow[], now: Date): SessionRosterDto {
    const times: SessionTimes = { startsAt: s.starts_at, endsAt: s.ends_at, closedAt: s.closed_at };
    const byPerson = new Map<string, StayRow[]>();
    for (const row of stays) byPerson.set(row.user_id, [...(byPerson.get(row.user_id) ?? []), row]);
    const attendees: RosterAttendeeDto[] = [...byPerson.values()].map((rows) => {
      const first = rows[0];
      const counted = personAttendance(
        rows.map((r) => ({ joinedAt: r.joined_at, leftAt: r.left_at })),
        times,
        now,
      );
      // personAttendance keeps the rows' order (by check-in), so each counted stay lines up with its row.
      return {
        userId: first.user_id,
        displayName: first.display_name,
        profession: first.profession,
        credentials: first.credentials,
        disciplines: [...new Set(rows.map((r) => r.discipline))].sort(),
        stays: counted.stays.map((c, i) => ({
          discipline: rows[i]?.discipline ?? first.discipline,
          joinedAt: c.joinedAt.toISOString(),
          leftAt: c.leftAt?.toISOString() ?? null,
          countedFrom: c.from.toISOString(),
          countedTo: c.until.toISOString(),
          countedUntil: c.countedUntil,
          minutes: c.minutes,
        })),
        minutes: counted.minutes,
        creditHours: counted.creditHours,
      };
    });
    return {
      clinicId: clinic.id,
      clinicName: clinic.name,
      timeZone: clinic.time_zone,
      session: {
        id: s.id,
        title: s.title,
        startsAt: s.starts_at.toISOString(),
        endsAt: s.ends_at.toISOString(),
        status: s.status,
        closedAt: s.closed_at?.toISOString() ?? null,
      },
      attendees: attendees.sort(byName),
      creditDesignation: this.config.cme.creditDesignation,
    };
  }

  private certificate(clinic: ClinicRow, sessions: Certificate['sessions'], year: number | null): Certificate {
    const first = sessions[0].attendance;
    const cme = this.config.cme;
    return {
      clinicName: clinic.name,
      timeZone: clinic.time_zone,
      provider: cme.provider ?? clinic.name,
      creditDesignation: cme.creditDesignation,
      person: {
        userId: first.userId,
        displayName: first.displayName,
        profession: first.profession,
        credentials: first.credentials,
        disciplines: [...new Set(sessions.flatMap((s) => s.attendance.disciplines))].sort(),
      },
      sessions,
      minutes: sessions.reduce((n, s) => n + s.attendance.minutes, 0),
      creditHours: sessions.reduce((n, s) => n + s.attendance.creditHours, 0),
      year,
      issuedAt: new Date(),
    };
  }
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw RequestValidationException.field('year', 'year must be a calendar year from 2000 to 2100');
}

const byName = (a: { displayName: string; userId: string }, b: { displayName: string; userId: string }): number =>
  a.displayName.localeCompare(b.displayName, 'en') || a.userId.localeCompare(b.userId);
