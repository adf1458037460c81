import { Injectable, NotFoundException } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { ClinicAccessService } from '../clinics/clinic-access.service.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import { CHANGE_TYPES } from '../cases/clinical/comparison.js';

const pct = (n: number, of: number): number => (of === 0 ? 0 : Math.round((n / of) * 1000) / 10);

export interface ConcordanceReport {
  clinicId: string;
  from: string;
  to: string;
  casesReviewed: number;
  changed: { n: number; pct: number };
  major: { n: number; pct: number };
  minor: { n: number; pct: number };
  additionalCancers: { n: number; pct: number };
  pathologyReinterpretation: { n: number; pct: number };
  stageUp: { n: number; pct: number };
  stageDown: { n: number; pct: number };
  byChangeType: Record<string, number>;
  byDiscipline: Record<string, { changed: number }>;
  byInitiator: Record<string, { reviewed: number; changed: number; pct: number }>;
}

export interface ConferenceReport {
  clinicId: string;
  year: number;
  sessions: number;
  requiredDisciplines: string[];
  attendanceByDiscipline: Record<string, { sessions: number; pct: number }>;
  sessionsWithAllRequired: { n: number; pct: number };
  casesPresented: number;
  prospective: { n: number; pct: number; targetPct: number; met: boolean };
  caseVolume: { caseload: number | null; pct: number | null; targetPct: number; met: boolean | null };
}

/**
 * The figures a second-opinion service is judged by, computed from the
 * records every time (never stored): how often the board changed the
 * diagnosis, and the accreditation figures of its conferences.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly clinics: ClinicAccessService,
    private readonly config: AppConfig,
  ) {}

  /** Over each case's current change recorded in [from, to). */
  async concordance(user: AuthenticatedUser, clinicId: string, from: string, to: string): Promise<ConcordanceReport> {
    await this.clinics.assertCanRead(user, clinicId);
    const types = CHANGE_TYPES.map((t, i) => `count(*) FILTER (WHERE '${t}' = ANY(change_types))::int AS t${i}`).join(
      ', ',
    );
    const [totals] = await this.tx.query<Record<string, number>>(
      `SELECT count(*)::int AS reviewed,
              count(*) FILTER (WHERE concordance <> 'concordant')::int AS changed,
              count(*) FILTER (WHERE concordance = 'major')::int AS major,
              count(*) FILTER (WHERE concordance = 'minor')::int AS minor,
              count(*) FILTER (WHERE pathology_reinterpretation)::int AS pathology,
              count(*) FILTER (WHERE stage_up)::int AS stage_up,
              count(*) FILTER (WHERE stage_down)::int AS stage_down,
              ${types}
         FROM diagnosis_change
        WHERE is_current AND clinic_id = $1 AND created_at >= $2 AND created_at < $3`,
      [clinicId, from, to],
    );
    const groups = await this.tx.query<{
      discipline: string | null;
      initiator: string | null;
      by: string;
      n: number;
      changed: number;
    }>(
      `SELECT driving_discipline AS discipline, initiator,
              CASE WHEN GROUPING(driving_discipline) = 0 THEN 'discipline' ELSE 'initiator' END AS by,
              count(*)::int AS n, count(*) FILTER (WHERE concordance <> 'concordant')::int AS changed
         FROM diagnosis_change
        WHERE is_current AND clinic_id = $1 AND created_at >= $2 AND created_at < $3
        GROUP BY GROUPING SETS ((driving_discipline), (initiator))`,
      [clinicId, from, to],
    );
    const t = totals ?? {};
    const reviewed = t.reviewed ?? 0;
    const share = (n: number | undefined): { n: number; pct: number } => ({ n: n ?? 0, pct: pct(n ?? 0, reviewed) });
    const byDiscipline: ConcordanceReport['byDiscipline'] = {};
    const byInitiator: ConcordanceReport['byInitiator'] = {};
    for (const g of groups) {
      if (g.by === 'discipline' && g.changed > 0) byDiscipline[g.discipline ?? 'unspecified'] = { changed: g.changed };
      if (g.by === 'initiator' && g.initiator !== null)
        byInitiator[g.initiator] = { reviewed: g.n, changed: g.changed, pct: pct(g.changed, g.n) };
    }
    return {
      clinicId,
      from,
      to,
      casesReviewed: reviewed,
      changed: share(t.changed),
      major: share(t.major),
      minor: share(t.minor),
      additionalCancers: share(t[`t${CHANGE_TYPES.indexOf('additional_cancer')}`]),
      pathologyReinterpretation: share(t.pathology),
      stageUp: share(t.stage_up),
      stageDown: share(t.stage_down),
      byChangeType: Object.fromEntries(CHANGE_TYPES.map((type, i) => [type, t[`t${i}`] ?? 0])),
      byDiscipline,
      byInitiator,
    };
  }

  /**
   * CoC Standard 2.5 figures for a year of the clinic's conferences (held
   * sessions: in progress or closed), the year taken in the clinic's zone.
   */
  async conference(
    user: AuthenticatedUser,
    clinicId: string,
    year: number,
    caseload: number | undefined,
  ): Promise<ConferenceReport> {
    await this.clinics.assertCanRead(user, clinicId);
    const clinic = await this.tx.query<{ time_zone: string; quorum_disciplines: string[] }>(
      'SELECT time_zone, quorum_disciplines FROM clinic WHERE id = $1',
      [clinicId],
    );
    if (clinic[0] === undefined) throw new NotFoundException('Clinic not found');
    const { time_zone: zone, quorum_disciplines: required } = clinic[0];
    const window = `s.clinic_id = $1 AND s.status IN ('in_progress', 'closed')
        AND s.starts_at >= make_timestamptz($2, 1, 1, 0, 0, 0, $3) AND s.starts_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, $3)`;
    const attendance = await this.tx.query<{ discipline: string; sessions: number }>(
      `SELECT a.discipline, count(DISTINCT a.session_id)::int AS sessions
         FROM board_session s JOIN attendance a ON a.session_id = s.id
        WHERE ${window} GROUP BY a.discipline`,
      [clinicId, year, zone],
    );
    const [totals] = await this.tx.query<{
      sessions: number;
      complete: number;
      presented: number;
      prospective: number;
    }>(
      `WITH held AS (SELECT s.id FROM board_session s WHERE ${window}),
            present AS (
              SELECT h.id, array_agg(DISTINCT a.discipline) AS disciplines
                FROM held h LEFT JOIN attendance a ON a.session_id = h.id GROUP BY h.id)
       SELECT (SELECT count(*) FROM held)::int AS sessions,
              (SELECT count(*) FROM present WHERE disciplines @> $4::text[])::int AS complete,
              count(i.case_id)::int AS presented,
              count(i.case_id) FILTER (
                WHERE c.first_treatment_date IS NULL OR (i.presented_at AT TIME ZONE $3)::date < c.first_treatment_date)::int AS prospective
         FROM held h
         JOIN agenda_item i ON i.session_id = h.id AND i.presented_at IS NOT NULL
         JOIN second_opinion_case c ON c.id = i.case_id`,
      [clinicId, year, zone, required],
    );
    const sessions = totals?.sessions ?? 0;
    const presented = totals?.presented ?? 0;
    const targets = this.config.reportTargets;
    const prospectivePct = pct(totals?.prospective ?? 0, presented);
    const volumePct = caseload === undefined || caseload === 0 ? null : pct(presented, caseload);
    return {
      clinicId,
      year,
      sessions,
      requiredDisciplines: required,
      attendanceByDiscipline: Object.fromEntries(
        attendance.map((a) => [a.discipline, { sessions: a.sessions, pct: pct(a.sessions, sessions) }]),
      ),
      sessionsWithAllRequired: { n: totals?.complete ?? 0, pct: pct(totals?.complete ?? 0, sessions) },
      casesPresented: presented,
      prospective: {
        n: totals?.prospective ?? 0,
        pct: prospectivePct,
        targetPct: targets.prospectivePct,
        met: presented > 0 && prospectivePct >= targets.prospectivePct,
      },
      caseVolume: {
        caseload: caseload ?? null,
        pct: volumePct,
        targetPct: targets.caseVolumePct,
        met: volumePct === null ? null : volumePct >= targets.caseVolumePct,
      },
    };
  }
}

/** A report as `metric,value` CSV lines (flattened keys; numbers and codes only, no patient data). */
export function toCsv(report: object): string {
  const lines = ['metric,value'];
  const walk = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix === '' ? k : `${prefix}.${k}`, v);
    } else {
      const text = Array.isArray(value) ? value.join(';') : String(value);
      lines.push(`${prefix},${/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text}`);
    }
  };
  walk('', report);
  return `${lines.join('\n')}\n`;
}
