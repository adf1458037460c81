import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { aGeneticTest, aHistory, aTreatment } from '../../../test/utils/history.factory.js';
import { SEXES } from '../entities/patient.entity.js';
import { checkHistory } from './history-rules.js';
import { MENOPAUSAL_STATUSES, PREGNANCY_STATUSES } from './history.types.js';

describe(checkHistory.name, () => {
  it('should accept an empty history for every sex', () => {
    for (const sex of SEXES) expect(checkHistory(aHistory(), sex)).toEqual([]);
  });

  it('should refuse a treatment that ends before it starts, naming the field', () => {
    const history = aHistory({
      treatments: [
        aTreatment({ startDate: '2024-01-01', endDate: '2024-01-01' }),
        aTreatment({ startDate: '2024-03-01', endDate: '2024-02-28' }),
        aTreatment({ endDate: '2024-02-28' }),
      ],
    });
    expect(checkHistory(history, 'female')).toEqual([
      {
        field: 'treatments[1].endDate',
        messages: ['treatments[1].endDate must be on or after the start date (2024-03-01), not 2024-02-28'],
      },
    ]);
  });

  it('should prefix the field with where the history is in the request', () => {
    const history = aHistory({ treatments: [aTreatment({ startDate: '2024-03-01', endDate: '2024-02-01' })] });
    expect(checkHistory(history, 'female', 'history')[0]?.field).toBe('history.treatments[0].endDate');
  });

  it('should allow a male patient only not_applicable or unknown menopausal and pregnancy status', () => {
    for (const status of MENOPAUSAL_STATUSES) {
      const errors = checkHistory(aHistory({ menopausalStatus: status }), 'male');
      const allowed = status === 'not_applicable' || status === 'unknown';
      expect(errors.map((e) => e.field)).toEqual(allowed ? [] : ['menopausalStatus']);
    }
    for (const status of PREGNANCY_STATUSES) {
      const errors = checkHistory(aHistory({ pregnancyStatus: status }), 'male');
      const allowed = status === 'not_applicable' || status === 'unknown';
      expect(errors.map((e) => e.field)).toEqual(allowed ? [] : ['pregnancyStatus']);
    }
    expect(checkHistory(aHistory({ menopausalStatus: 'postmenopausal' }), 'male')[0]?.messages).toEqual([
      'menopausalStatus must be not_applicable or unknown for a male patient',
    ]);
  });

  it('should allow every menopausal and pregnancy status for female, other and unknown sex', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('female' as const, 'other' as const, 'unknown' as const),
        fc.constantFrom(...MENOPAUSAL_STATUSES),
        fc.constantFrom(...PREGNANCY_STATUSES),
        (sex, menopausalStatus, pregnancyStatus) => {
          expect(checkHistory(aHistory({ menopausalStatus, pregnancyStatus }), sex)).toEqual([]);
        },
      ),
    );
  });

  it('should take weeks of gestation only for a pregnant patient', () => {
    expect(checkHistory(aHistory({ pregnancyStatus: 'pregnant', pregnancyWeeks: 14 }), 'female')).toEqual([]);
    expect(checkHistory(aHistory({ pregnancyStatus: 'pregnant' }), 'female')).toEqual([]);
    for (const pregnancyStatus of [null, 'not_pregnant', 'unknown', 'not_applicable'] as const) {
      expect(checkHistory(aHistory({ pregnancyStatus, pregnancyWeeks: 14 }), 'female').map((e) => e.field)).toEqual([
        'pregnancyWeeks',
      ]);
    }
  });

  it('should need a gene for a result that found a variant, and no variant for a negative one', () => {
    const history = aHistory({
      geneticTests: [
        aGeneticTest({ gene: null, variant: null, result: 'negative' }),
        aGeneticTest({ gene: null, variant: null, result: 'not_detected' }),
        aGeneticTest({ gene: null, variant: null, result: 'vus' }),
        aGeneticTest({ gene: 'BRCA1', variant: 'c.68_69delAG', result: 'negative' }),
        aGeneticTest({ gene: 'BRCA1', variant: null, result: 'negative' }),
      ],
    });
    expect(checkHistory(history, 'female').map((e) => e.field)).toEqual([
      'geneticTests[2].gene',
      'geneticTests[3].variant',
    ]);
  });

  it('should refuse a first treatment date before 1900', () => {
    expect(checkHistory(aHistory({ firstTreatmentDate: '1899-12-31' }), 'female').map((e) => e.field)).toEqual([
      'firstTreatmentDate',
    ]);
    expect(checkHistory(aHistory({ firstTreatmentDate: '2031-01-01' }), 'female')).toEqual([]);
  });
});
