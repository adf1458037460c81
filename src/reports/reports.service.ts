import { Injectable, NotFoundException } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { ClinicAccessService } from '../clinics/clinic-access.service.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import { CHANGE_TYPES } from '../cases/clinical/comparison.js';
import { PRESENTATION_REASONS, type PresentationReason } from '../board/entities/board-session.entity.js';
import { tallyPresentations, treatmentTimingSql, type PresentationGroup } from '../board/presentation.js';
import { followUpFigures, type FollowUpFigures } from './follow-up-figures.js';

const pct = (n: number, of: number): number => (of === 0 ? 0 : Math.round((n / of) * 1000) / 10);

export interface ConcordanceReport {
  clinicId: string;
  from: string;
  to: string;
  casesReviewed: number;
  changed: { n: number; pct: number };
  concordant: { n: number; pct: number };
  major: { n: number; pct: number };
  minor: { n: number; pct: number };
  /** Management impact, each its own category: `potential` is never folded into minor or changed. */
  managementImpact: {
    changed: { n: number; pct: number };
    potential: { n: number; pct: number };
    none: { n: number; pct: number };
  };
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
  /** Distinct cases presented (a case presented at two sessions counts once). */
  casesPresented: number;
  /** Every presentation (a case per session), by CoC 2.5 status and by recorded reason. */
  presentations: {
    total: number;
    prospective: number;
    retrospective: number;
    unknown: number;
    byReason: Record<PresentationReason | 'not_recorded', number>;
  };
  /**
   * Prospective presentations. `pct` is over all presentations, unknown
   * counting against (the conservative reading): it is the figure compared
   * with the target. `pctOfKnown` leaves the unknown out, for information.
   */
  prospective: {
    n: number;
    retrospective: number;
    unknown: number;
    pct: number;
    pctOfKnown: number | null;
    comparedWithTarget: 'pct';
    targetPct: number;
    met: boolean;
  };
  /** Distinct cases presented ÷ the annual analytic caseload. */
  caseVolume: { cases: number; caseload: number | null; pct: number | null; targetPct: number; met: boolean | null };
  /** What happened after the board (action items, times, postponements, outcomes). */
  followUp: FollowUpFigures;
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
              count(*) FILTER (WHERE concordance = 'concordant')::int AS concordant,
              count(*) FILTER (WHERE management_impact = 'changed')::int AS impact_changed,
              count(*) FILTER (WHERE management_impact = 'potential')::int AS impact_potential,
              count(*) FILTER (WHERE management_impact = 'none')::int AS impact_none,
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
      concordant: share(t.concordant),
      major: share(t.major),
      minor: share(t.minor),
      managementImpact: {
        changed: share(t.impact_changed),
        potential: share(t.impact_potential),
        none: share(t.impact_none),
      },
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
    const [totals] = await this.tx.query<{ sessions: number; complete: number }>(
      `WITH held AS (SELECT s.id FROM board_session s WHERE ${window}),
            present AS (
              SELECT h.id, array_agg(DISTINCT a.discipline) AS disciplines
                FROM held h LEFT JOIN attendance a ON a.session_id = h.id GROUP BY h.id)
       SELECT (SELECT count(*) FROM held)::int AS sessions,
              (SELECT count(*) FROM present WHERE disciplines @> $4::text[])::int AS complete`,
      [clinicId, year, zone, required],
    );
    // Presentations counted by reason and treatment timing in the database, then classified by
    // the one CoC 2.5 rule the board room shows; cases counted once however often presented.
    const groups = await this.tx.query<PresentationGroup & { cases: number }>(
      `WITH p AS (
         SELECT i.case_id, i.presentation_reason AS reason,
                ${treatmentTimingSql('(i.presented_at AT TIME ZONE $3)::date', 'c.first_treatment_date')} AS timing
           FROM board_session s
           JOIN agenda_item i ON i.session_id = s.id AND i.presented_at IS NOT NULL
           JOIN second_opinion_case c ON c.id = i.case_id
          WHERE ${window})
       SELECT reason, timing, count(*)::int AS n, (SELECT count(DISTINCT case_id) FROM p)::int AS cases
         FROM p GROUP BY reason, timing`,
      [clinicId, year, zone],
    );
    const tally = tallyPresentations(groups);
    const byStatus = { prospective: tally.prospective, retrospective: tally.retrospective, unknown: tally.unknown };
    const byReason = Object.fromEntries([...PRESENTATION_REASONS, 'not_recorded'].map((r) => [r, 0])) as Record<
      PresentationReason | 'not_recorded',
      number
    >;
    for (const g of groups) byReason[g.reason ?? 'not_recorded'] += g.n;
    const sessions = totals?.sessions ?? 0;
    const presentations = tally.presentations;
    const distinctCases = groups[0]?.cases ?? 0;
    const known = byStatus.prospective + byStatus.retrospective;
    const targets = this.config.reportTargets;
    const prospectivePct = pct(byStatus.prospective, presentations);
    const volumePct = caseload === undefined || caseload === 0 ? null : pct(distinctCases, caseload);
    return {
      clinicId,
      year,
      sessions,
      requiredDisciplines: required,
      attendanceByDiscipline: Object.fromEntries(
        attendance.map((a) => [a.discipline, { sessions: a.sessions, pct: pct(a.sessions, sessions) }]),
      ),
      sessionsWithAllRequired: { n: totals?.complete ?? 0, pct: pct(totals?.complete ?? 0, sessions) },
      casesPresented: distinctCases,
      presentations: { total: presentations, ...byStatus, byReason },
      prospective: {
        n: byStatus.prospective,
        retrospective: byStatus.retrospective,
        unknown: byStatus.unknown,
        pct: prospectivePct,
        pctOfKnown: known === 0 ? null : pct(byStatus.prospective, known),
        comparedWithTarget: 'pct',
        targetPct: targets.prospectivePct,
        met: presentations > 0 && prospectivePct >= targets.prospectivePct,
      },
      caseVolume: {
        cases: distinctCases,
        caseload: caseload ?? null,
        pct: volumePct,
        targetPct: targets.caseVolumePct,
        met: volumePct === null ? null : volumePct >= targets.caseVolumePct,
      },
      followUp: await followUpFigures(this.tx, clinicId, year, zone),
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
