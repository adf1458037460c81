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
      'biomarker HER2 3+': 'met',
      'not BRCA1 pathogenic': 'unknown',
      age: 'met',
      ECOG: 'met',
    });
    // A criterion the case does not answer leaves the trial possibly eligible, never eligible.
    expect(m).toMatchObject({ status: 'possibly_eligible', eligible: false, met: 6, unknown: 1, failed: 0 });
  });

  it('should fail what the case contradicts and leave unknown what it does not say', () => {
    expect(matchTrial({ stageMax: 'IIA' }, patient).criteria[0].result).toBe('failed');
    expect(matchTrial({ requiredBiomarkers: [{ name: 'HER2', value: '0' }] }, patient).eligible).toBe(false);
    expect(matchTrial({ ecogMax: 0 }, { ...patient, ecog: null }).criteria[0].result).toBe('unknown');
    expect(matchTrial({ sites: ['C18'] }, patient).failed).toBe(1);
  });

  it('should rank eligible trials first, then possibly eligible ones, then the rest', () => {
    const ranked = rankMatches([
      { id: 'failing', match: matchTrial({ sites: ['C18'] }, patient) },
      { id: 'possibly', match: matchTrial(her2Trial, patient) },
      { id: 'eligible', match: matchTrial({ sites: ['C50'] }, patient) },
    ]);
    expect(ranked.map((r) => r.id)).toEqual(['eligible', 'possibly', 'failing']);
  });

  // ASCO/CAP HER2 2018/2023 (Wolff et al.): IHC 3+ is HER2-positive; 0, 1+ and 2+/ISH− are HER2-negative.
  it('should match biomarkers by category, not wording', () => {
    const hrPositiveHer2Negative: Eligibility = {
      requiredBiomarkers: [
        { name: 'ER', value: 'positive' },
        { name: 'HER2', value: 'negative' },
      ],
    };
    expect(matchTrial(hrPositiveHer2Negative, patient).status).toBe('not_eligible');
    const her2Low = {
      ...patient,
      biomarkers: [
        { name: 'ER', value: '90%' },
        { name: 'HER2/neu', value: 'IHC 1+' },
      ],
    };
    expect(matchTrial(hrPositiveHer2Negative, her2Low).status).toBe('eligible');
    expect(matchTrial({ requiredBiomarkers: [{ name: 'ERBB2', value: 'positive' }] }, patient).status).toBe('eligible');
    expect(matchTrial({ requiredBiomarkers: [{ name: 'HER2', value: 'low' }] }, her2Low).status).toBe('eligible');
    expect(matchTrial({ requiredBiomarkers: [{ name: 'HER2', value: 'low' }] }, patient).status).toBe('not_eligible');
  });

  it('should read variants, sex, menopausal status, prior lines and CNS metastases', () => {
    const brafPatient = { ...patient, biomarkers: [{ name: 'BRAF', value: 'p.V600E detected', method: 'NGS' }] };
    expect(matchTrial({ requiredBiomarkers: [{ name: 'BRAF', variant: 'p.V600E' }] }, brafPatient).status).toBe(
      'eligible',
    );
    expect(matchTrial({ requiredBiomarkers: [{ name: 'BRAF', variant: 'p.V600K' }] }, brafPatient).status).toBe(
      'not_eligible',
    );
    expect(matchTrial({ sex: 'female' }, { ...patient, sex: 'male' }).status).toBe('not_eligible');
    expect(matchTrial({ menopausalStatus: ['postmenopausal'] }, patient).status).toBe('possibly_eligible');
    expect(matchTrial({ priorLinesMax: 1 }, { ...patient, priorLines: 2 }).status).toBe('not_eligible');
    expect(
      matchTrial({ excludedPriorDrugs: ['palbociclib'] }, { ...patient, priorDrugs: ['Palbociclib'] }).status,
    ).toBe('not_eligible');
    expect(matchTrial({ cnsMetastases: 'excluded' }, { ...patient, cnsMetastases: true }).status).toBe('not_eligible');
    expect(matchTrial({ sites: ['C50'] }, { ...patient, malignant: false }).status).toBe('not_eligible');
  });
});
