import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compareDiagnoses, stageRank, type Diagnosis, type Management } from './comparison.js';

/** A referral as a community oncologist writes it: left breast IDC, cT2 N0 M0, ER+/HER2 1+. */
const referral: Diagnosis = {
  primarySite: 'C50.4',
  histology: '8500/3',
  laterality: 'left',
  grade: 'G2',
  clinicalStage: { t: 'T2', n: 'N0', m: 'M0', stageGroup: 'IIA' },
  pathologicalStage: null,
  biomarkers: [
    { name: 'ER', value: 'positive (90%)', method: 'IHC' },
    { name: 'HER2', value: '1+', method: 'IHC' },
  ],
  additionalCancers: [],
  malignant: true,
};
const board = (changes: Partial<Diagnosis>): Diagnosis => ({ ...referral, ...changes });

describe(compareDiagnoses.name, () => {
  // Hand-made clinical cases: what the board found, and how the literature classifies it.
  const cases: {
    name: string;
    board: Diagnosis;
    management?: Management;
    types: string[];
    concordance: string;
    impact: string;
    pathology?: boolean;
    stage?: { element: string; direction: string; basis: string }[];
  }[] = [
    { name: 'same diagnosis', board: board({}), types: [], concordance: 'concordant', impact: 'none' },
    {
      name: 'same diagnosis, the chair says management changed anyway: still concordant',
      board: board({}),
      management: { chairImpact: 'changed' },
      types: [],
      concordance: 'concordant',
      impact: 'none',
    },
    {
      name: 'ER percentage differs but still positive: no change',
      board: board({ biomarkers: [{ name: 'er', value: 'Positive (70%)' }, referral.biomarkers[1]] }),
      types: [],
      concordance: 'concordant',
      impact: 'none',
    },
    {
      name: 'grade 2 read as grade 3, plan unchanged: minor pathology reinterpretation',
      board: board({ grade: 'G3' }),
      management: { signedPlanDiffers: false },
      types: ['grade'],
      concordance: 'minor',
      impact: 'none',
      pathology: true,
    },
    {
      name: 'ductal re-read as lobular, no plan yet: potential impact',
      board: board({ histology: '8520/3' }),
      types: ['histology'],
      concordance: 'minor',
      impact: 'potential',
      pathology: true,
    },
    {
      name: 'HER2 1+ re-tested 3+, signed plan adds anti-HER2 therapy: major',
      board: board({ biomarkers: [referral.biomarkers[0], { name: 'HER2', value: '3+', method: 'IHC' }] }),
      management: { signedPlanDiffers: true },
      types: ['biomarker'],
      concordance: 'major',
      impact: 'changed',
      pathology: true,
    },
    {
      name: 'new axillary node metastasis on imaging: cN0 → cN1, group IIA → IIB',
      board: board({ clinicalStage: { t: 'T2', n: 'N1', m: 'M0', stageGroup: 'IIB' } }),
      management: { chairImpact: 'changed' },
      types: ['stage'],
      concordance: 'major',
      impact: 'changed',
      pathology: false,
      stage: [
        { element: 'n', direction: 'up', basis: 'clinical' },
        { element: 'group', direction: 'up', basis: 'clinical' },
      ],
    },
    {
      name: 'tumour smaller on review MRI: T2 → T1c, IIA → IA',
      board: board({ clinicalStage: { t: 'T1c', n: 'N0', m: 'M0', stageGroup: 'IA' } }),
      types: ['stage'],
      concordance: 'minor',
      impact: 'potential',
      stage: [
        { element: 't', direction: 'down', basis: 'clinical' },
        { element: 'group', direction: 'down', basis: 'clinical' },
      ],
    },
    {
      name: 'only more detail (T2 stated, board says T2 with the same group): no change',
      board: board({ clinicalStage: { t: 'T2', n: 'N0', m: 'M0', stageGroup: 'II' } }),
      types: [],
      concordance: 'concordant',
      impact: 'none',
    },
    {
      name: 'isolated tumour cells in the sentinel node: pN0 → pN0(i+), pathological against clinical',
      board: board({ pathologicalStage: { t: 'T2', n: 'N0(i+)', m: 'M0' } }),
      types: ['stage'],
      concordance: 'minor',
      impact: 'potential',
      stage: [{ element: 'n', direction: 'up', basis: 'pathological' }],
    },
    {
      name: 'contralateral cancer found: additional cancer',
      board: board({ additionalCancers: [{ primarySite: 'C50.2', histology: '8500/3', description: 'right breast' }] }),
      management: { signedPlanDiffers: true },
      types: ['additional_cancer'],
      concordance: 'major',
      impact: 'changed',
      pathology: false,
    },
    {
      name: 'benign on review (fibroadenoma), laterality unknown on one side',
      board: board({ malignant: false, histology: '9010/0', laterality: 'unknown', grade: null }),
      management: { chairImpact: 'changed' },
      types: ['malignancy', 'histology'],
      concordance: 'major',
      impact: 'changed',
      pathology: true,
    },
    {
      name: 'germline BRCA2 variant found by genetic testing',
      board: board({
        biomarkers: [...referral.biomarkers, { name: 'BRCA2', value: 'pathogenic variant', method: 'germline NGS' }],
      }),
      types: ['germline_finding'],
      concordance: 'minor',
      impact: 'potential',
      pathology: false,
    },
    {
      name: 'wrong side on the referral, and the primary is colon not breast',
      board: board({ laterality: 'right', primarySite: 'C18.7' }),
      types: ['primary_site', 'laterality'],
      concordance: 'minor',
      impact: 'potential',
    },
  ];

  it.each(cases)('$name', (c) => {
    const result = compareDiagnoses(referral, c.board, c.management);
    expect(result.changeTypes).toEqual(c.types);
    expect(result.concordance).toBe(c.concordance);
    expect(result.managementImpact).toBe(c.impact);
    if (c.pathology !== undefined) expect(result.pathologyReinterpretation).toBe(c.pathology);
    if (c.stage !== undefined)
      expect(result.stageChanges.map(({ element, direction, basis }) => ({ element, direction, basis }))).toEqual(
        c.stage,
      );
  });

  it('should rank stages in clinical order', () => {
    const order = (element: 't' | 'n' | 'm' | 'group', values: string[]): void => {
      for (let i = 1; i < values.length; i++) {
        const a = stageRank(element, values[i - 1])!;
        const b = stageRank(element, values[i])!;
        expect(b.main > a.main || (b.main === a.main && b.sub > a.sub)).toBe(true);
      }
    };
    order('t', ['T0', 'Tis', 'T1mi', 'T1a', 'T1b', 'T1c', 'T2', 'T3', 'T4a', 'T4d']);
    order('n', ['N0', 'N0(i+)', 'N1mi', 'N1a', 'N2a', 'N3c']);
    order('m', ['M0', 'M1']);
    order('group', ['0', 'IA', 'IB', 'IIA', 'IIB', 'IIIA', 'IIIC', 'IV']);
    expect(stageRank('t', 'TX')).toBeUndefined();
  });

  const stage = fc.record({
    t: fc.option(fc.constantFrom('TX', 'T0', 'Tis', 'T1', 'T1c', 'T2', 'T3', 'T4b'), { nil: null }),
    n: fc.option(fc.constantFrom('NX', 'N0', 'N0(i+)', 'N1', 'N2a', 'N3'), { nil: null }),
    m: fc.option(fc.constantFrom('M0', 'M1'), { nil: null }),
    stageGroup: fc.option(fc.constantFrom('0', 'I', 'IA', 'IIA', 'IIB', 'IIIC', 'IV'), { nil: null }),
  });
  const diagnosis: fc.Arbitrary<Diagnosis> = fc.record({
    primarySite: fc.option(fc.constantFrom('C50.4', 'C50.2', 'C18.7'), { nil: null }),
    histology: fc.option(fc.constantFrom('8500/3', '8520/3', '8500/2', '9010/0'), { nil: null }),
    laterality: fc.option(fc.constantFrom('left', 'right', 'unknown'), { nil: null }),
    grade: fc.option(fc.constantFrom('G1', 'G2', 'G3', 'GX'), { nil: null }),
    clinicalStage: fc.option(stage, { nil: null }),
    pathologicalStage: fc.option(stage, { nil: null }),
    biomarkers: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('ER', 'PR', 'HER2', 'Ki-67', 'BRCA1'),
        value: fc.constantFrom('positive', 'negative', '3+', '1+', 'pathogenic variant'),
        method: fc.constantFrom('IHC', 'germline NGS'),
      }),
      { selector: (b) => b.name, maxLength: 4 },
    ),
    additionalCancers: fc.array(
      fc.record({ primarySite: fc.constantFrom('C50.2', 'C77.3'), histology: fc.constantFrom('8500/3', '8500/6') }),
      { maxLength: 2 },
    ),
    malignant: fc.boolean(),
  });
  const management: fc.Arbitrary<Management> = fc.record({
    chairImpact: fc.option(fc.constantFrom('none' as const, 'potential' as const, 'changed' as const), { nil: null }),
    signedPlanDiffers: fc.option(fc.boolean(), { nil: null }),
  });

  it('should find any assessment concordant with itself', () => {
    fc.assert(
      fc.property(diagnosis, management, (d, m) => {
        const r = compareDiagnoses(d, structuredClone(d), m);
        expect(r.concordance).toBe('concordant');
        expect(r.changeTypes).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('should never call a change concordant, and call it major exactly when management changed', () => {
    fc.assert(
      fc.property(diagnosis, diagnosis, management, (a, b, m) => {
        const r = compareDiagnoses(a, b, m);
        expect(r.changeTypes.length > 0).toBe(r.concordance !== 'concordant');
        expect(r.concordance === 'major').toBe(r.managementImpact === 'changed');
        expect(r.changeTypes.includes('stage')).toBe(r.stageChanges.length > 0);
        expect(r.changeTypes.includes('additional_cancer')).toBe(r.additionalCancers.length > 0);
        if (r.pathologyReinterpretation) expect(r.changeTypes.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('should see the same changes in the other direction, with stage directions reversed', () => {
    fc.assert(
      fc.property(diagnosis, diagnosis, (a, b) => {
        const ab = compareDiagnoses({ ...a, pathologicalStage: null }, { ...b, pathologicalStage: null });
        const ba = compareDiagnoses({ ...b, pathologicalStage: null }, { ...a, pathologicalStage: null });
        const symmetric = (types: string[]): string[] =>
          types.filter((t) => t !== 'additional_cancer' && t !== 'germline_finding' && t !== 'biomarker');
        expect(symmetric(ab.changeTypes)).toEqual(symmetric(ba.changeTypes));
        expect(ab.stageChanges.map((s) => `${s.element}:${s.direction}`)).toEqual(
          ba.stageChanges.map((s) => `${s.element}:${s.direction === 'up' ? 'down' : 'up'}`),
        );
      }),
      { numRuns: 500 },
    );
  });
});
