import { describe, expect, it } from '@jest/globals';
import { matchTrial, rankMatches, type Eligibility, type PatientFacts } from './trial-matching.js';

const patient: PatientFacts = {
  primarySite: 'C50.4',
  histology: '8500/3',
  stageGroup: 'IIB',
  biomarkers: [
    { name: 'ER', value: 'positive (90%)' },
    { name: 'HER2', value: '3+' },
  ],
  age: 58,
  ecog: 1,
};

describe(matchTrial.name, () => {
  const her2Trial: Eligibility = {
    sites: ['C50'],
    histologies: ['850'],
    stageMin: 'II',
    stageMax: 'III',
    requiredBiomarkers: [{ name: 'HER2', value: '3+' }],
    excludingBiomarkers: [{ name: 'BRCA1', value: 'pathogenic' }],
    ageMin: 18,
    ageMax: 75,
    ecogMax: 1,
  };

  it('should say per criterion met, failed or unknown', () => {
    const m = matchTrial(her2Trial, patient);
    expect(Object.fromEntries(m.criteria.map((c) => [c.criterion, c.result]))).toEqual({
      site: 'met',
      histology: 'met',
      stage: 'met', // IIB within II–III
      'biomarker HER2': 'met',
      'not BRCA1 pathogenic': 'unknown',
      age: 'met',
      ECOG: 'met',
    });
    expect(m).toMatchObject({ eligible: true, met: 6, unknown: 1, failed: 0 });
  });

  it('should fail what the case contradicts and leave unknown what it does not say', () => {
    expect(matchTrial({ stageMax: 'IIA' }, patient).criteria[0].result).toBe('failed');
    expect(matchTrial({ requiredBiomarkers: [{ name: 'HER2', value: '0' }] }, patient).eligible).toBe(false);
    expect(matchTrial({ ecogMax: 0 }, { ...patient, ecog: null }).criteria[0].result).toBe('unknown');
    expect(matchTrial({ sites: ['C18'] }, patient).failed).toBe(1);
  });

  it('should rank eligible trials first, then by criteria met', () => {
    const ranked = rankMatches([
      { id: 'failing', match: matchTrial({ sites: ['C18'] }, patient) },
      { id: 'vague', match: matchTrial({ sites: ['C50'] }, patient) },
      { id: 'close', match: matchTrial(her2Trial, patient) },
    ]);
    expect(ranked.map((r) => r.id)).toEqual(['close', 'vague', 'failing']);
  });
});
