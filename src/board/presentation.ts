import type { PresentationReason } from './entities/board-session.entity.js';

/**
 * Whether a presentation at a conference was prospective, as CoC Standard 2.5
 * (2020) defines it (DOMAIN.md): management decisions still to be made. Pure;
 * the board room's agenda and the conference report both use it.
 */
export type PresentationStatus = 'prospective' | 'retrospective' | 'unknown';

/** The four reasons that are management discussions; information or teaching is not. */
export const PROSPECTIVE_REASONS: readonly PresentationReason[] = [
  'newly_diagnosed_pretreatment',
  'newly_diagnosed_additional_treatment',
  'adjuvant_recurrence_progression',
  'supportive_palliative',
];

/**
 * The first cancer-directed treatment (done or planned) against the day of
 * the presentation: not recorded, after it, or begun by then (the same day
 * counts as begun: the board did not precede it).
 */
export type TreatmentTiming = 'not_recorded' | 'after_presentation' | 'begun';

/** Both dates YYYY-MM-DD, the presentation's in the clinic's time zone. */
export function treatmentTiming(presentedOn: string, firstTreatmentDate: string | null): TreatmentTiming {
  if (firstTreatmentDate === null) return 'not_recorded';
  return presentedOn < firstTreatmentDate ? 'after_presentation' : 'begun';
}

/** `treatmentTiming` in SQL, for reports that count in the database: both arguments `date` expressions. */
export function treatmentTimingSql(presentedOn: string, firstTreatmentDate: string): string {
  return `CASE WHEN ${firstTreatmentDate} IS NULL THEN 'not_recorded'
               WHEN ${presentedOn} < ${firstTreatmentDate} THEN 'after_presentation' ELSE 'begun' END`;
}

/**
 * - No reason recorded: unknown (the reason must be recorded).
 * - Information or teaching: retrospective.
 * - Newly diagnosed, before treatment: prospective only when the first
 *   treatment is dated after the presentation; treatment already begun is
 *   retrospective; no date recorded is unknown, never compliant.
 * - Newly diagnosed, treatment started, additional treatment to discuss:
 *   prospective once the first treatment date is recorded; unknown without.
 * - Adjuvant treatment, recurrence or progression; supportive or palliative
 *   care: prospective (previously diagnosed: the first treatment date says
 *   nothing about the decision at hand).
 */
export function presentationStatus(reason: PresentationReason | null, timing: TreatmentTiming): PresentationStatus {
  switch (reason) {
    case null:
      return 'unknown';
    case 'information_teaching':
      return 'retrospective';
    case 'newly_diagnosed_pretreatment':
      if (timing === 'not_recorded') return 'unknown';
      return timing === 'after_presentation' ? 'prospective' : 'retrospective';
    case 'newly_diagnosed_additional_treatment':
      return timing === 'not_recorded' ? 'unknown' : 'prospective';
    case 'adjuvant_recurrence_progression':
    case 'supportive_palliative':
      return 'prospective';
  }
}

export interface PresentationGroup {
  reason: PresentationReason | null;
  timing: TreatmentTiming;
  /** Presentations with this reason and timing. */
  n: number;
}

export interface PresentationTally {
  presentations: number;
  prospective: number;
  retrospective: number;
  unknown: number;
}

/** Counts presentations by status. */
export function tallyPresentations(groups: readonly PresentationGroup[]): PresentationTally {
  const tally: PresentationTally = { presentations: 0, prospective: 0, retrospective: 0, unknown: 0 };
  for (const g of groups) {
    tally.presentations += g.n;
    tally[presentationStatus(g.reason, g.timing)] += g.n;
  }
  return tally;
}
