/** The second-opinion case workflow (DESIGN.md). Pure. */

export const CASE_STATUSES = [
  'referred',
  'records_pending',
  'ready',
  'scheduled',
  'evaluated',
  'in_review',
  'consensus',
  'closed',
  'third_opinion_requested',
  'withdrawn',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

const NEXT: Record<CaseStatus, readonly CaseStatus[]> = {
  referred: ['records_pending', 'ready', 'withdrawn'],
  records_pending: ['ready', 'withdrawn'],
  ready: ['records_pending', 'scheduled', 'withdrawn'],
  scheduled: ['ready', 'evaluated', 'withdrawn'],
  evaluated: ['in_review', 'withdrawn'],
  in_review: ['consensus', 'third_opinion_requested', 'withdrawn'],
  consensus: ['closed', 'in_review'],
  third_opinion_requested: ['in_review', 'closed', 'withdrawn'],
  closed: [],
  withdrawn: [],
};

/**
 * Moves that other actions own: booking an itinerary schedules a case,
 * signing a plan records consensus, a third-opinion request records itself.
 * The generic transition endpoint refuses them.
 */
export const OWNED_ELSEWHERE: Readonly<Partial<Record<CaseStatus, string>>> = {
  scheduled: 'POST /api/cases/:id/itinerary',
  consensus: 'signing a treatment plan',
  third_opinion_requested: 'POST /api/cases/:id/third-opinion',
};

export function allowedTransitions(from: CaseStatus): readonly CaseStatus[] {
  return NEXT[from];
}

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return NEXT[from].includes(to);
}

/** Moves a user may ask for directly from `from`. */
export function manualTransitions(from: CaseStatus): CaseStatus[] {
  return NEXT[from].filter((to) => OWNED_ELSEWHERE[to] === undefined);
}

export function isTerminal(status: CaseStatus): boolean {
  return NEXT[status].length === 0;
}
