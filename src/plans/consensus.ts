/**
 * A clinic's consensus rule over the votes on a proposed plan. Pure.
 *
 * - `unanimous_required_disciplines`: someone agrees, nobody disagrees, and every required
 *   discipline has at least one agreeing vote.
 * - `majority_without_required_dissent`: more agree than disagree (abstentions
 *   aside), no specialist of a required discipline disagrees, and every
 *   required discipline has voted.
 * Either way an attendee who has not voted is listed as missing.
 */

export const VOTES = ['agree', 'agree_with_reservations', 'disagree', 'abstain'] as const;
export type Vote = (typeof VOTES)[number];
export type ConsensusRule = 'unanimous_required_disciplines' | 'majority_without_required_dissent';

export interface Voter {
  userId: string;
  discipline: string;
}

export interface CastVote extends Voter {
  vote: Vote;
}

export interface ConsensusState {
  met: boolean;
  agree: number;
  disagree: number;
  abstain: number;
  /** Attendees who have not voted. */
  missing: Voter[];
  dissenters: Voter[];
  /** Required disciplines that block the rule now, with why. */
  blocking: { discipline: string; reason: 'no_vote' | 'no_agreement' | 'dissent' }[];
}

const agrees = (v: Vote): boolean => v === 'agree' || v === 'agree_with_reservations';

export function evaluateConsensus(
  rule: ConsensusRule,
  required: readonly string[],
  attendees: readonly Voter[],
  votes: readonly CastVote[],
): ConsensusState {
  const agree = votes.filter((v) => agrees(v.vote)).length;
  const disagree = votes.filter((v) => v.vote === 'disagree').length;
  const abstain = votes.filter((v) => v.vote === 'abstain').length;
  const voted = new Set(votes.map((v) => v.userId));
  const missing = attendees.filter((a) => !voted.has(a.userId));
  const dissenters = votes
    .filter((v) => v.vote === 'disagree')
    .map(({ userId, discipline }) => ({ userId, discipline }));
  const blocking: ConsensusState['blocking'] = [];
  for (const discipline of required) {
    const mine = votes.filter((v) => v.discipline === discipline);
    if (mine.some((v) => v.vote === 'disagree')) blocking.push({ discipline, reason: 'dissent' });
    else if (mine.length === 0) blocking.push({ discipline, reason: 'no_vote' });
    else if (rule === 'unanimous_required_disciplines' && !mine.some((v) => agrees(v.vote)))
      blocking.push({ discipline, reason: 'no_agreement' });
  }
  const met =
    rule === 'unanimous_required_disciplines'
      ? agree > 0 && disagree === 0 && blocking.length === 0
      : agree > disagree && blocking.length === 0;
  return { met, agree, disagree, abstain, missing, dissenters, blocking };
}
