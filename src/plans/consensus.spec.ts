import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluateConsensus, VOTES, type CastVote, type ConsensusRule } from './consensus.js';

const DISCIPLINES = ['surgical_oncology', 'medical_oncology', 'radiation_oncology', 'pathology', 'radiology'];
const RULES: ConsensusRule[] = ['unanimous_required_disciplines', 'majority_without_required_dissent'];

const board = fc
  .record({
    required: fc.subarray(DISCIPLINES),
    people: fc.array(
      fc.record({
        discipline: fc.constantFrom(...DISCIPLINES),
        vote: fc.option(fc.constantFrom(...VOTES), { nil: null }),
      }),
      {
        maxLength: 8,
      },
    ),
  })
  .map(({ required, people }) => {
    const attendees = people.map((p, i) => ({ userId: `u${i}`, discipline: p.discipline }));
    const votes: CastVote[] = people.flatMap((p, i) =>
      p.vote === null ? [] : [{ userId: `u${i}`, discipline: p.discipline, vote: p.vote }],
    );
    return { required, attendees, votes };
  });

describe(evaluateConsensus.name, () => {
  const a = (discipline: string, vote: CastVote['vote'], userId = discipline): CastVote => ({
    userId,
    discipline,
    vote,
  });

  it.each([
    [
      'majority_without_required_dissent',
      ['pathology'],
      [a('pathology', 'agree'), a('radiology', 'disagree'), a('surgical_oncology', 'agree')],
      true,
    ],
    [
      'majority_without_required_dissent',
      ['pathology'],
      [a('pathology', 'disagree'), a('radiology', 'agree'), a('surgical_oncology', 'agree')],
      false,
    ],
    ['majority_without_required_dissent', ['pathology'], [a('radiology', 'agree')], false], // pathology has not voted
    ['majority_without_required_dissent', [], [a('radiology', 'agree'), a('pathology', 'disagree')], false], // a tie is no majority
    [
      'unanimous_required_disciplines',
      ['pathology'],
      [a('pathology', 'agree_with_reservations'), a('radiology', 'abstain')],
      true,
    ],
    ['unanimous_required_disciplines', ['pathology'], [a('pathology', 'agree'), a('radiology', 'disagree')], false],
    ['unanimous_required_disciplines', ['pathology'], [a('pathology', 'abstain')], false],
  ] as [ConsensusRule, string[], CastVote[], boolean][])('%s with %j: %j → met %s', (rule, required, votes, met) => {
    expect(evaluateConsensus(rule, required, votes, votes).met).toBe(met);
  });

  it('should list who is missing and who dissents', () => {
    const state = evaluateConsensus(
      'majority_without_required_dissent',
      ['pathology', 'radiology'],
      [
        { userId: 'p', discipline: 'pathology' },
        { userId: 'r', discipline: 'radiology' },
        { userId: 's', discipline: 'surgical_oncology' },
      ],
      [a('pathology', 'agree', 'p'), a('surgical_oncology', 'disagree', 's')],
    );
    expect(state).toMatchObject({
      met: false,
      missing: [{ userId: 'r', discipline: 'radiology' }],
      dissenters: [{ userId: 's', discipline: 'surgical_oncology' }],
      blocking: [{ discipline: 'radiology', reason: 'no_vote' }],
    });
  });

  it('should never be met with no votes, or with dissent from a required discipline', () => {
    fc.assert(
      fc.property(board, fc.constantFrom(...RULES), ({ required, attendees, votes }, rule) => {
        const state = evaluateConsensus(rule, required, attendees, votes);
        if (votes.length === 0) expect(state.met).toBe(false);
        if (votes.some((v) => v.vote === 'disagree' && required.includes(v.discipline))) expect(state.met).toBe(false);
        expect(state.missing.length + votes.length).toBe(attendees.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('should be met by the majority rule whenever the unanimous rule is met', () => {
    fc.assert(
      fc.property(board, ({ required, attendees, votes }) => {
        if (evaluateConsensus('unanimous_required_disciplines', required, attendees, votes).met)
          expect(evaluateConsensus('majority_without_required_dissent', required, attendees, votes).met).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('should stay met when a dissenter comes round to agreeing', () => {
    fc.assert(
      fc.property(board, fc.constantFrom(...RULES), fc.nat(), ({ required, attendees, votes }, rule, pick) => {
        const dissent = votes.filter((v) => v.vote === 'disagree');
        if (dissent.length === 0 || !evaluateConsensus(rule, required, attendees, votes).met) return;
        const who = dissent[pick % dissent.length].userId;
        const after = votes.map((v) => (v.userId === who ? { ...v, vote: 'agree' as const } : v));
        expect(evaluateConsensus(rule, required, attendees, after).met).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
