import { describe, expect, it } from '@jest/globals';
import { assessReadiness, readinessGaps } from './readiness.js';

describe(assessReadiness.name, () => {
  const base = {
    requiredRecordTypes: ['pathology_report', 'imaging_mri'] as const,
    rules: [
      { recordType: 'lab_result', maxAgeDays: 14 },
      { recordType: 'imaging_mri', maxAgeDays: 42 },
    ] as const,
    today: '2026-11-26',
  };

  it('should call items missing, stale or current', () => {
    const items = assessReadiness({
      requiredRecordTypes: [...base.requiredRecordTypes],
      rules: [...base.rules],
      today: base.today,
      records: [
        { type: 'pathology_report', date: '2026-10-01' },
        { type: 'imaging_mri', date: '2026-09-01' },
      ],
      waivers: [],
    });
    expect(items.map((i) => [i.item, i.status])).toEqual([
      ['pathology_report', 'current'],
      ['imaging_mri', 'stale'],
      ['lab_result', 'missing'],
    ]);
    expect(items[1]?.reason).toContain('86 days old');
  });

  it('should judge by the newest record of a type, at the limit inclusive', () => {
    const items = assessReadiness({
      requiredRecordTypes: [],
      rules: [{ recordType: 'lab_result', maxAgeDays: 14 }],
      today: '2026-11-26',
      records: [
        { type: 'lab_result', date: '2026-10-01' },
        { type: 'lab_result', date: '2026-11-12' },
      ],
      waivers: [],
    });
    expect(items[0]?.status).toBe('current');
  });

  it('should let a waiver lift a gap, but not mark it current', () => {
    const items = assessReadiness({
      requiredRecordTypes: ['genetic_test'],
      rules: [],
      today: '2026-11-26',
      records: [],
      waivers: [{ item: 'genetic_test', reason: 'patient declined testing', by: 'u1', at: '2026-11-26T10:00:00Z' }],
    });
    expect(items[0]?.status).toBe('missing');
    expect(items[0]?.waived?.reason).toBe('patient declined testing');
    expect(readinessGaps(items)).toEqual([]);
  });
});
