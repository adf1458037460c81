import { describe, expect, it } from '@jest/globals';
import { aHistory, aTreatment } from '../../../test/utils/history.factory.js';
import { changedSections } from './history.types.js';

describe(changedSections.name, () => {
  it('should name only the sections whose content differs', () => {
    const before = aHistory({ treatments: [aTreatment({ line: 1 })], patientGoals: 'keep working' });
    const after = aHistory({
      treatments: [aTreatment({ line: 2 })],
      patientGoals: 'keep working',
      menopausalStatus: 'unknown',
    });
    expect(changedSections(before, after)).toEqual(['treatments', 'menopausalStatus']);
  });

  it('should not see a change in the order keys come back from the database in', () => {
    const written = aHistory({ allergies: [{ substance: 'penicillin', reaction: 'hives', severity: 'mild' }] });
    const stored = JSON.parse(
      '{"allergies":[{"severity":"mild","reaction":"hives","substance":"penicillin"}]}',
    ) as Partial<typeof written>;
    expect(changedSections(written, { ...written, ...stored })).toEqual([]);
  });
});
