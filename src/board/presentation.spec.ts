import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PRESENTATION_REASONS } from './entities/board-session.entity.js';
import {
  presentationStatus,
  PROSPECTIVE_REASONS,
  tallyPresentations,
  treatmentTiming,
  type TreatmentTiming,
} from './presentation.js';

const TIMINGS: readonly TreatmentTiming[] = ['not_recorded', 'after_presentation', 'begun'];

describe(treatmentTiming.name, () => {
  it('should place the first treatment against the day of the presentation', () => {
    expect(treatmentTiming('2026-12-03', null)).toBe('not_recorded');
    expect(treatmentTiming('2026-12-03', '2027-01-10')).toBe('after_presentation');
    expect(treatmentTiming('2026-12-03', '2026-12-03')).toBe('begun');
    expect(treatmentTiming('2026-12-03', '2026-11-01')).toBe('begun');
  });
});

describe(presentationStatus.name, () => {
  it.each([
    ['no reason recorded', null, 'after_presentation', 'unknown'],
    ['information or teaching, before treatment', 'information_teaching', 'after_presentation', 'retrospective'],
    ['newly diagnosed, treatment after the board', 'newly_diagnosed_pretreatment', 'after_presentation', 'prospective'],
    ['newly diagnosed, treatment begun by the board', 'newly_diagnosed_pretreatment', 'begun', 'retrospective'],
    ['newly diagnosed, no treatment date', 'newly_diagnosed_pretreatment', 'not_recorded', 'unknown'],
    ['additional treatment, treatment dated', 'newly_diagnosed_additional_treatment', 'begun', 'prospective'],
    ['additional treatment, no treatment date', 'newly_diagnosed_additional_treatment', 'not_recorded', 'unknown'],
    ['recurrence, no treatment date', 'adjuvant_recurrence_progression', 'not_recorded', 'prospective'],
    ['palliative care, treated years ago', 'supportive_palliative', 'begun', 'prospective'],
  ] as const)('should call %s %s', (_what, reason, timing, expected) => {
    expect(presentationStatus(reason, timing)).toBe(expected);
  });

  it('should never call a newly diagnosed case without a treatment date compliant', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PRESENTATION_REASONS, null), (reason) => {
        const status = presentationStatus(reason, 'not_recorded');
        if (reason === null || reason.startsWith('newly_diagnosed')) expect(status).toBe('unknown');
        if (reason === 'information_teaching') expect(status).toBe('retrospective');
      }),
    );
  });

  it('should call only the four management reasons prospective', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PRESENTATION_REASONS, null), fc.constantFrom(...TIMINGS), (reason, timing) => {
        if (presentationStatus(reason, timing) === 'prospective') expect(PROSPECTIVE_REASONS).toContain(reason);
      }),
    );
  });
});

describe(tallyPresentations.name, () => {
  it('should count each presentation once by status', () => {
    expect(
      tallyPresentations([
        { reason: 'newly_diagnosed_pretreatment', timing: 'after_presentation', n: 3 },
        { reason: 'newly_diagnosed_pretreatment', timing: 'not_recorded', n: 1 },
        { reason: 'information_teaching', timing: 'not_recorded', n: 2 },
        { reason: null, timing: 'after_presentation', n: 1 },
      ]),
    ).toEqual({ presentations: 7, prospective: 3, retrospective: 2, unknown: 2 });
  });
});
