import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  CASE_STATUSES,
  OWNED_ELSEWHERE,
  allowedTransitions,
  canTransition,
  isTerminal,
  manualTransitions,
} from './case-workflow.js';

describe('case workflow', () => {
  it('should follow the main path of DESIGN.md', () => {
    const path = [
      'referred',
      'records_pending',
      'ready',
      'scheduled',
      'evaluated',
      'in_review',
      'consensus',
      'closed',
    ] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
  });

  it('should end in closed or withdrawn, and nowhere else', () => {
    expect(CASE_STATUSES.filter(isTerminal)).toEqual(['closed', 'withdrawn']);
  });

  it('should allow withdrawal from every open state before consensus', () => {
    for (const s of [
      'referred',
      'records_pending',
      'ready',
      'scheduled',
      'evaluated',
      'in_review',
      'third_opinion_requested',
    ] as const) {
      expect(canTransition(s, 'withdrawn')).toBe(true);
    }
  });

  it('should never allow a move to the same state, or out of a terminal one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASE_STATUSES), fc.constantFrom(...CASE_STATUSES), (from, to) => {
        if (from === to || isTerminal(from)) expect(canTransition(from, to)).toBe(false);
      }),
    );
  });

  it('should keep moves owned by other actions out of the manual list', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASE_STATUSES), (from) => {
        for (const to of manualTransitions(from)) {
          expect(OWNED_ELSEWHERE[to]).toBeUndefined();
          expect(allowedTransitions(from)).toContain(to);
        }
      }),
    );
  });

  it('should reach every state from referred', () => {
    const seen = new Set<string>(['referred']);
    const queue = ['referred' as const] as (typeof CASE_STATUSES)[number][];
    while (queue.length > 0) {
      for (const next of allowedTransitions(queue.shift()!)) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...CASE_STATUSES].sort());
  });
});
