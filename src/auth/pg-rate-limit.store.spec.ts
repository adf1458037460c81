import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { applyAttempt, type CounterRow, type RateLimitRule } from './pg-rate-limit.store.js';

const rule: RateLimitRule = {
  limit: 3,
  windowMs: 86_400_000,
  sliding: true,
  blockMs: 30_000,
  growth: 2,
  maxBlockMs: 3_600_000,
};
const at = (s: number): Date => new Date(Date.UTC(2026, 0, 1) + s * 1000);

describe(applyAttempt.name, () => {
  it('should let the limit through, then block for what comes next, doubling, capped', () => {
    let row: CounterRow | undefined;
    const blocks: number[] = [];
    let t = 0;
    for (let i = 0; i < 12; i++) {
      const result = applyAttempt(row, rule, at(t));
      expect(result.state.blocked).toBe(false);
      row = result.row;
      blocks.push(row.blockedUntil === null ? 0 : (row.blockedUntil.getTime() - at(t).getTime()) / 1000);
      // An attempt during the block is refused and not counted.
      const during = applyAttempt(row, rule, at(t + 1));
      if (row.blockedUntil !== null) {
        expect(during.state).toMatchObject({ blocked: true, hits: row.hits });
        expect(during.row).toBe(row);
      }
      t += 4000;
    }
    expect(blocks).toEqual([0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it('should forget after a quiet window (sliding) and start again from one', () => {
    const first = applyAttempt(undefined, rule, at(0)).row;
    const later = applyAttempt(first, rule, at(86_401));
    expect(later.state.hits).toBe(1);
  });

  it('should keep a fixed window from its first attempt when not sliding', () => {
    const fixed = { ...rule, sliding: false };
    const first = applyAttempt(undefined, fixed, at(0)).row;
    const second = applyAttempt(first, fixed, at(100)).row;
    expect(second.windowEndsAt).toEqual(first.windowEndsAt);
  });

  it('should never block longer than the cap nor refuse an attempt that comes after the block', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 7200 }), { maxLength: 40 }), (gaps) => {
        let row: CounterRow | undefined;
        let t = 0;
        for (const gap of gaps) {
          t += gap;
          const now = at(t);
          const { row: next, state } = applyAttempt(row, rule, now);
          const wasBlocked = row?.blockedUntil != null && row.blockedUntil > now;
          expect(state.blocked).toBe(wasBlocked);
          if (next.blockedUntil !== null) {
            expect(next.blockedUntil.getTime() - now.getTime()).toBeLessThanOrEqual(rule.maxBlockMs);
          }
          row = next;
        }
      }),
    );
  });
});
