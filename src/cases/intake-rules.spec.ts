import { describe, expect, it } from '@jest/globals';
import {
  addDays,
  describeSite,
  firstTreatmentDateProblem,
  readinessItemsOf,
  siteOutsideClinic,
} from './intake-rules.js';

describe(siteOutsideClinic.name, () => {
  const breast = { name: 'Breast', cancerTypes: ['C50'] };

  it('should take a site among the clinic cancer types', () => {
    expect(siteOutsideClinic('C50.4', breast)).toBeNull();
    expect(siteOutsideClinic('C20.9', { name: 'GI MDC', cancerTypes: ['C50', 'C18-C21'] })).toBeNull();
  });

  it('should say in words why a lung primary is not a breast clinic case', () => {
    expect(siteOutsideClinic('C34.1', breast)).toBe(
      'C34.1 (Upper lobe, lung) is not a cancer type of the Breast clinic (it takes C50 (Breast))',
    );
    expect(siteOutsideClinic('C34.1', { name: 'Breast MDC', cancerTypes: ['C50'] })).toContain('of the Breast MDC (');
  });
});

describe(describeSite.name, () => {
  it('should name codes, sites and ranges', () => {
    expect(describeSite('C50.4')).toBe('C50.4 (Upper-outer quadrant of breast)');
    expect(describeSite('C61')).toBe('C61 (Prostate gland)');
    expect(describeSite('C18-C21')).toMatch(/^C18–C21 \(Colon to Anus/);
  });
});

describe(firstTreatmentDateProblem.name, () => {
  it('should allow a past date after birth and a planned one up to a year ahead', () => {
    expect(firstTreatmentDateProblem('2024-02-01', '1968-04-12', '2026-12-01')).toBeNull();
    expect(firstTreatmentDateProblem(addDays('2026-12-01', 366), '1968-04-12', '2026-12-01')).toBeNull();
  });

  it('should refuse a date before birth or more than a year ahead', () => {
    expect(firstTreatmentDateProblem('1960-01-01', '1968-04-12', '2026-12-01')).toMatch(/birth date \(1968-04-12\)/);
    expect(firstTreatmentDateProblem('2028-01-10', '1968-04-12', '2026-12-01')).toMatch(/a year ahead/);
  });
});

describe(readinessItemsOf.name, () => {
  it('should list required and age-limited record types once', () => {
    expect(
      readinessItemsOf({
        requiredRecordTypes: ['pathology_report', 'imaging_mri'],
        readinessRules: [{ recordType: 'lab_result' }, { recordType: 'imaging_mri' }],
      }),
    ).toEqual(['pathology_report', 'imaging_mri', 'lab_result']);
  });
});
