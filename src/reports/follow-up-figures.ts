import type { SchemaObject } from '@nestjs/swagger';
import type { TransactionContext } from '../database/transaction-context.js';
import { RECOMMENDATION_OUTCOMES, type RecommendationOutcome } from '../follow-up/entities/follow-up.entity.js';
import { calendarDaysBetween, summarise } from '../follow-up/follow-up-math.js';

/** The conference report's follow-up block: what happened after the board, from what was recorded. */
export interface FollowUpFigures {
  /** Cases whose first presentation (at a held session of the clinic) falls in the year: the cohort below. */
  casesFirstPresented: number;
  /** Referral (case created) → first presentation, calendar days in the clinic's zone. */
  referralToBoardDays: { count: number; median: number | null };
  /** First presentation → first treatment start recorded on an action item; only where one is recorded. */
  boardToTreatmentDays: { count: number; median: number | null };
  /** Distinct cases moved from one of the year's sessions to a later one, and the moves. */
  postponedCases: number;
  postponements: number;
  /** The cohort's current outcome of the recommendation. */
  outcomes: Record<RecommendationOutcome | 'not_recorded', number>;
  /** The cohort's action items; overdue: open and past the due date in the clinic's zone. */
  actionItems: { open: number; overdue: number; done: number; cancelled: number };
}

export async function followUpFigures(
  tx: TransactionContext,
  clinicId: string,
  year: number,
  zone: string,
): Promise<FollowUpFigures> {
  const cohort = await tx.query<{
    case_id: string;
    first_at: Date;
    referred_at: Date;
    first_start: string | null;
    outcome: RecommendationOutcome | null;
  }>(
    `WITH firsts AS (
       SELECT i.case_id, min(i.presented_at) AS first_at
         FROM agenda_item i JOIN board_session s ON s.id = i.session_id
        WHERE s.clinic_id = $1 AND s.status IN ('in_progress', 'closed') AND i.presented_at IS NOT NULL
        GROUP BY i.case_id)
     SELECT f.case_id, f.first_at, c.created_at AS referred_at,
            (SELECT min(a.treatment_started_on)::text FROM action_item a
              WHERE a.case_id = f.case_id AND a.status <> 'cancelled') AS first_start,
            (SELECT o.outcome FROM recommendation_outcome o WHERE o.case_id = f.case_id
              ORDER BY o.recorded_at DESC, o.id DESC LIMIT 1) AS outcome
       FROM firsts f JOIN second_opinion_case c ON c.id = f.case_id
      WHERE f.first_at >= make_timestamptz($2, 1, 1, 0, 0, 0, $3) AND f.first_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, $3)`,
    [clinicId, year, zone],
  );
  const [moved] = await tx.query<{ cases: number; n: number }>(
    `SELECT count(DISTINCT p.case_id)::int AS cases, count(*)::int AS n
       FROM case_postponement p JOIN board_session s ON s.id = p.from_session_id
      WHERE s.clinic_id = $1
        AND s.starts_at >= make_timestamptz($2, 1, 1, 0, 0, 0, $3) AND s.starts_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, $3)`,
    [clinicId, year, zone],
  );
  const [items] = await tx.query<{ open: number; overdue: number; done: number; cancelled: number }>(
    `SELECT count(*) FILTER (WHERE status = 'open')::int AS open,
            count(*) FILTER (WHERE status = 'open' AND due_date < (now() AT TIME ZONE $2)::date)::int AS overdue,
            count(*) FILTER (WHERE status = 'done')::int AS done,
            count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
       FROM action_item WHERE case_id = ANY($1::uuid[])`,
    [cohort.map((c) => c.case_id), zone],
  );
  const outcomes = Object.fromEntries([...RECOMMENDATION_OUTCOMES, 'not_recorded'].map((k) => [k, 0])) as Record<
    RecommendationOutcome | 'not_recorded',
    number
  >;
  for (const c of cohort) outcomes[c.outcome ?? 'not_recorded'] += 1;
  return {
    casesFirstPresented: cohort.length,
    referralToBoardDays: summarise(cohort.map((c) => calendarDaysBetween(c.referred_at, c.first_at, zone))),
    boardToTreatmentDays: summarise(cohort.map((c) => calendarDaysBetween(c.first_at, c.first_start, zone))),
    postponedCases: moved?.cases ?? 0,
    postponements: moved?.n ?? 0,
    outcomes,
    actionItems: items ?? { open: 0, overdue: 0, done: 0, cancelled: 0 },
  };
}

const days = (description: string): SchemaObject => ({
  type: 'object',
  description,
  required: ['count', 'median'],
  properties: {
    count: { type: 'integer', description: 'cases with both dates recorded' },
    median: { type: 'number', nullable: true, description: 'median days; null when count is 0' },
  },
});

export const FOLLOW_UP_FIGURES_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'what happened after the board, for the cases first presented in the year (from recorded data only)',
  required: [
    'casesFirstPresented',
    'referralToBoardDays',
    'boardToTreatmentDays',
    'postponedCases',
    'postponements',
    'outcomes',
    'actionItems',
  ],
  properties: {
    casesFirstPresented: { type: 'integer' },
    referralToBoardDays: days('referral → first board presentation, calendar days in the clinic’s zone'),
    boardToTreatmentDays: days('first presentation → first treatment start recorded on an action item'),
    postponedCases: { type: 'integer', description: 'distinct cases moved from one of the year’s sessions' },
    postponements: { type: 'integer' },
    outcomes: {
      type: 'object',
      required: [...RECOMMENDATION_OUTCOMES, 'not_recorded'],
      properties: Object.fromEntries([...RECOMMENDATION_OUTCOMES, 'not_recorded'].map((k) => [k, { type: 'integer' }])),
    },
    actionItems: {
      type: 'object',
      required: ['open', 'overdue', 'done', 'cancelled'],
      properties: {
        open: { type: 'integer' },
        overdue: { type: 'integer', description: 'open and past the due date' },
        done: { type: 'integer' },
        cancelled: { type: 'integer' },
      },
    },
  },
};
