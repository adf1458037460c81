/**
 * Properties of the comparison over generated, valid diagnoses. A diagnosis is
 * generated as clinical facts (categories, results) and then written out in
 * one of the notations clinicians use, so that two writings of the same facts
 * can be compared (DOMAIN.md "Coding"; AJCC 8th ed. ch. 1 and 48; ASCO/CAP
 * 2018/2020/2023; Epstein 2016; Cheson 2014).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { BiomarkerInput } from './biomarkers.js';
import { compareDiagnoses, type Diagnosis, type Management, type ManagementImpact } from './comparison.js';
import type { PlanItem } from './management.js';
import { breastAnatomicGroup, parseTnm, type TnmStage } from './staging.js';
import { validateDiagnosis, type DiagnosisInput } from './validate.js';

/* ------------------------------------------------------------------------ */
/* Facts                                                                     */
/* ------------------------------------------------------------------------ */

type Her2 = 'zero' | 'low1' | 'low2' | 'pos3' | 'pos2';
type Germline = 'negative' | 'pathogenic' | 'vus';

interface Tnm {
  t: string;
  n: string;
  m: string;
}

interface BreastFacts {
  site: string;
  histology: string;
  laterality: 'left' | 'right';
  grade: 'G1' | 'G2' | 'G3' | null;
  clinical: Tnm | null;
  pathological: Tnm | null;
  postTherapy: { t: string; n: string } | null;
  er: number | null;
  pr: number | null;
  her2: Her2 | null;
  ki67: number | null;
  brca2: Germline | null;
}

const T = ['T1mi', 'T1a', 'T1b', 'T1c', 'T2', 'T3', 'T4a', 'T4b', 'T4d'];
const CLINICAL_N = ['N0', 'N1', 'N2a', 'N2b', 'N3a', 'N3b', 'N3c'];
const PATHOLOGICAL_N = ['N0', 'N1mi', 'N1a', 'N1b', 'N1c', 'N2a', 'N2b', 'N3a', 'N3b', 'N3c'];
const M = ['M0', 'M0', 'M0', 'M1'];

const tnm = (ns: string[]): fc.Arbitrary<Tnm> =>
  fc.record({ t: fc.constantFrom(...T), n: fc.constantFrom(...ns), m: fc.constantFrom(...M) });

const percent = fc.integer({ min: 0, max: 100 });

const breastFacts: fc.Arbitrary<BreastFacts> = fc.record({
  site: fc.constantFrom('C50.0', 'C50.1', 'C50.2', 'C50.3', 'C50.4', 'C50.5', 'C50.6', 'C50.8', 'C50.9'),
  histology: fc.constantFrom('8500/3', '8520/3', '8522/3'),
  laterality: fc.constantFrom('left' as const, 'right' as const),
  grade: fc.constantFrom('G1' as const, 'G2' as const, 'G3' as const, null),
  clinical: fc.option(tnm(CLINICAL_N), { nil: null }),
  pathological: fc.option(tnm(PATHOLOGICAL_N), { nil: null }),
  postTherapy: fc.option(
    fc.record({ t: fc.constantFrom('T0', ...T), n: fc.constantFrom('N0', 'N1mi', 'N1a', 'N2a') }),
    { nil: null },
  ),
  er: fc.option(percent, { nil: null }),
  pr: fc.option(percent, { nil: null }),
  her2: fc.option(fc.constantFrom<Her2>('zero', 'low1', 'low2', 'pos3', 'pos2'), { nil: null }),
  ki67: fc.option(percent, { nil: null }),
  brca2: fc.option(fc.constantFrom<Germline>('negative', 'pathogenic', 'vus'), { nil: null }),
});

/* ------------------------------------------------------------------------ */
/* Notation: how a clinician may write the same facts                        */
/* ------------------------------------------------------------------------ */

/** Independent choices of wording; each index is taken modulo the forms available. */
interface Notation {
  prefix: boolean[];
  suffix: number;
  sentinel: boolean;
  group: number;
  her2Name: number;
  her2Form: number;
  erName: number;
  erForm: number;
  prName: number;
  kiName: number;
  kiForm: number;
  germlineForm: number;
  germlineOrigin: number;
  order: number;
}

const notation: fc.Arbitrary<Notation> = fc.record({
  prefix: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  suffix: fc.nat(),
  sentinel: fc.boolean(),
  group: fc.nat(),
  her2Name: fc.nat(),
  her2Form: fc.nat(),
  erName: fc.nat(),
  erForm: fc.nat(),
  prName: fc.nat(),
  kiName: fc.nat(),
  kiForm: fc.nat(),
  germlineForm: fc.nat(),
  germlineOrigin: fc.nat(),
  order: fc.nat(),
});

const pick = <T>(forms: readonly T[], i: number): T => forms[i % forms.length];

const HER2_NAMES = ['HER2', 'HER2/neu', 'ERBB2', 'HER-2', 'c-erbB-2'];
const HER2_FORMS: Record<Her2, Partial<BiomarkerInput>[]> = {
  zero: [{ value: '0' }, { value: 'IHC 0' }, { ihcScore: '0' }, { value: 'negative (IHC 0)' }],
  low1: [{ value: '1+' }, { value: 'HER2-low (IHC 1+)' }, { ihcScore: '1+' }, { value: 'IHC 1+' }],
  low2: [
    { value: '2+, ISH not amplified' },
    { ihcScore: '2+', ishResult: 'not_amplified' },
    { value: 'IHC 2+, FISH not amplified' },
    { ihcScore: '2+', ishRatio: 1.3, copyNumber: 2.6 },
  ],
  pos3: [{ value: '3+' }, { value: 'positive (IHC 3+)' }, { ihcScore: '3+' }, { value: 'IHC 3+' }],
  pos2: [
    { value: '2+, ISH amplified' },
    { ihcScore: '2+', ishResult: 'amplified' },
    { value: 'IHC 2+, FISH amplified (ratio 2.6)' },
    { ihcScore: '2+', ishRatio: 2.4, copyNumber: 5.1 },
  ],
};
const receptorForms = (p: number): Partial<BiomarkerInput>[] => [
  { percent: p },
  { value: `${p}%` },
  { value: `${p < 1 ? 'negative' : 'positive'} (${p}%)` },
  { value: `${p}% of nuclei`, percent: p },
];
const GERMLINE_FORMS: Record<Germline, string[]> = {
  negative: ['negative', 'no pathogenic variant detected', 'negative (no pathogenic variant)', 'not detected'],
  pathogenic: ['pathogenic variant', 'pathogenic', 'likely pathogenic variant', 'deleterious mutation detected'],
  vus: ['VUS', 'variant of uncertain significance'],
};

/** T, N and M written with or without their basis prefix and with suffixes that are not stage. */
function writeTnm(
  facts: { t: string; n: string; m?: string },
  basis: 'clinical' | 'pathological' | 'post_therapy_pathological',
  w: Notation,
  offset: number,
): TnmStage {
  const prefix = basis === 'clinical' ? 'c' : basis === 'pathological' ? 'p' : 'yp';
  const p = (i: number, s: string): string => (w.prefix[(offset + i) % w.prefix.length] ? s : '');
  const t = `${p(0, prefix)}${facts.t}`;
  let n = `${p(1, prefix)}${facts.n}`;
  if (basis !== 'clinical') {
    // N0(i+), N0(mol+) and (sn) do not change N (AJCC 8th ed. ch. 48).
    if (facts.n === 'N0') n += pick(['', '(i+)', '(i-)', '(mol+)', '(mol-)'], w.suffix);
    if (w.sentinel && ['N0', 'N1mi', 'N1a'].includes(facts.n)) n += '(sn)';
  }
  const m = facts.m === undefined ? 'cM0' : facts.m === 'M0' ? `${p(2, 'c')}M0` : `${pick(['', 'c', 'p'], w.suffix)}M1`;
  const stage: TnmStage = { t, n, m };
  const pt = parseTnm('t', t);
  const pn = parseTnm('n', n);
  const pm = parseTnm('m', m);
  const group =
    basis === 'post_therapy_pathological' || pt === undefined || pn === undefined || pm === undefined
      ? undefined
      : breastAnatomicGroup(pt, pn, pm);
  const g = w.group % 3;
  if (group !== undefined && g > 0) {
    stage.stageGroup = group;
    if (g === 2) stage.groupType = 'anatomic';
  }
  return stage;
}

function writeBreast(f: BreastFacts, w: Notation): Diagnosis {
  const biomarkers: BiomarkerInput[] = [];
  if (f.er !== null)
    biomarkers.push({
      name: pick(['ER', 'estrogen receptor', 'oestrogen receptor'], w.erName),
      method: 'IHC',
      ...pick(receptorForms(f.er), w.erForm),
    });
  if (f.pr !== null)
    biomarkers.push({
      name: pick(['PR', 'PgR', 'progesterone receptor'], w.prName),
      method: 'IHC',
      ...pick(receptorForms(f.pr), w.erForm + 1),
    });
  if (f.her2 !== null)
    biomarkers.push({ name: pick(HER2_NAMES, w.her2Name), method: 'IHC', ...pick(HER2_FORMS[f.her2], w.her2Form) });
  if (f.ki67 !== null)
    biomarkers.push({
      name: pick(['Ki-67', 'Ki67', 'MIB-1'], w.kiName),
      method: 'IHC',
      ...pick([{ percent: f.ki67 }, { value: `${f.ki67}%` }], w.kiForm),
    });
  if (f.brca2 !== null) {
    const value = pick(GERMLINE_FORMS[f.brca2], w.germlineForm);
    biomarkers.push(
      pick<BiomarkerInput>(
        [
          { name: 'BRCA2', value, origin: 'germline' },
          { name: 'BRCA2', value, method: 'germline NGS panel' },
          { name: 'germline BRCA2', value },
        ],
        w.germlineOrigin,
      ),
    );
  }
  // The order results are listed in is not a fact.
  const rotate = w.order % (biomarkers.length + 1);
  return {
    primarySite: f.site,
    histology: f.histology,
    laterality: f.laterality,
    grade: f.grade,
    clinicalStage: f.clinical === null ? null : writeTnm(f.clinical, 'clinical', w, 0),
    pathologicalStage: f.pathological === null ? null : writeTnm(f.pathological, 'pathological', w, 3),
    postTherapyPathologicalStage:
      f.postTherapy === null ? null : writeTnm(f.postTherapy, 'post_therapy_pathological', w, 6),
    biomarkers: [...biomarkers.slice(rotate), ...biomarkers.slice(0, rotate)],
    additionalCancers: [],
    malignant: true,
  };
}

const breast: fc.Arbitrary<Diagnosis> = fc.tuple(breastFacts, notation).map(([f, w]) => writeBreast(f, w));

/** Prostate: the grade written as the ISUP grade group, the Gleason pattern, or both (Epstein 2016). */
const prostateFacts = fc.record({
  gleason: fc.constantFrom([3, 3], [3, 4], [4, 3], [4, 4], [3, 5], [5, 3], [4, 5], [5, 4], [5, 5]),
  t: fc.constantFrom('T1c', 'T2a', 'T2b', 'T2c', 'T3a', 'T3b', 'T4'),
  psa: fc.constantFrom('4.1 ng/mL', '12 ng/mL'),
});
const GG: Record<string, string> = {
  '3+3': 'GG1',
  '3+4': 'GG2',
  '4+3': 'GG3',
  '4+4': 'GG4',
  '3+5': 'GG4',
  '5+3': 'GG4',
  '4+5': 'GG5',
  '5+4': 'GG5',
  '5+5': 'GG5',
};
const writeProstate = (
  f: { gleason: readonly number[]; t: string; psa: string },
  form: number,
  prefixed: boolean,
): Diagnosis => {
  const [primary, secondary] = f.gleason as [number, number];
  const gg = GG[`${primary}+${secondary}`];
  const shape = form % 3;
  return {
    primarySite: 'C61.9',
    histology: '8140/3',
    laterality: null,
    grade: shape === 1 ? null : gg,
    gleason: shape === 0 ? null : { primary, secondary },
    clinicalStage: { t: `${prefixed ? 'c' : ''}${f.t}`, n: prefixed ? 'cN0' : 'N0', m: prefixed ? 'cM0' : 'M0' },
    pathologicalStage: null,
    biomarkers: [{ name: pick(['PSA', 'prostate-specific antigen'], form), value: f.psa, method: 'serum' }],
    additionalCancers: [],
    malignant: true,
  };
};

/** Lymphoma with a Lugano stage, written in upper or lower case, bulky as "bulky" or the older X. */
const luganoFacts = fc.record({
  main: fc.constantFrom('I', 'II', 'III', 'IV'),
  extranodal: fc.boolean(),
  symptoms: fc.constantFrom('A', 'B', ''),
  bulky: fc.boolean(),
  hodgkin: fc.boolean(),
});
type LuganoFacts = typeof luganoFacts extends fc.Arbitrary<infer F> ? F : never;
const writeLymphoma = (f: LuganoFacts, form: number): Diagnosis => {
  const e = f.extranodal && (f.main === 'I' || f.main === 'II') ? 'E' : '';
  const bulky = f.bulky ? pick([' bulky', ' Bulky', 'X', '  bulky'], form) : '';
  const core = `${f.main}${e}${f.symptoms}`;
  return {
    primarySite: 'C77.1',
    histology: f.hodgkin ? '9650/3' : '9680/3',
    laterality: null,
    grade: null,
    clinicalStage: null,
    pathologicalStage: null,
    otherStages: [{ system: 'lugano', stage: `${form % 2 === 0 ? core : core.toLowerCase()}${bulky}` }],
    biomarkers: [],
    additionalCancers: [],
    malignant: true,
  };
};

/** Pancreas resectability, written with underscores, spaces, dashes or capitals (NCCN Pancreatic v2.2025). */
const RESECTABILITY = {
  resectable: ['resectable', 'Resectable', 'RESECTABLE'],
  borderline_resectable: ['borderline_resectable', 'borderline resectable', 'Borderline-resectable'],
  locally_advanced: ['locally_advanced', 'locally advanced', 'Locally-Advanced'],
  metastatic: ['metastatic', 'Metastatic'],
};
const writePancreas = (r: keyof typeof RESECTABILITY, form: number): Diagnosis => ({
  primarySite: 'C25.0',
  histology: '8500/3',
  laterality: null,
  grade: null,
  clinicalStage: null,
  pathologicalStage: null,
  resectability: pick(RESECTABILITY[r], form),
  biomarkers: [],
  additionalCancers: [],
  malignant: true,
});

/* ------------------------------------------------------------------------ */
/* Plans                                                                     */
/* ------------------------------------------------------------------------ */

const planItem: fc.Arbitrary<PlanItem> = fc.oneof(
  fc.record({
    modality: fc.constant('surgery'),
    intent: fc.constant('curative'),
    sequence: fc.integer({ min: 1, max: 4 }),
    description: fc.constantFrom(
      'lumpectomy + SLNB',
      'mastectomy + ALND',
      'mastectomy + sentinel lymph node biopsy',
      'lumpectomy',
    ),
  }),
  fc.record({
    modality: fc.constant('systemic_therapy'),
    intent: fc.constantFrom('curative', 'palliative'),
    sequence: fc.integer({ min: 1, max: 4 }),
    description: fc.constantFrom('TCHP', 'AC-T', 'letrozole', 'tamoxifen', 'T-DXd', 'capecitabine'),
  }),
  fc.record({
    modality: fc.constant('radiation'),
    intent: fc.constant('curative'),
    sequence: fc.integer({ min: 1, max: 4 }),
    description: fc.constantFrom('whole-breast radiation', 'post-mastectomy radiation'),
  }),
  fc.record({
    modality: fc.constant('clinical_trial'),
    intent: fc.constant('curative'),
    sequence: fc.integer({ min: 1, max: 4 }),
    nctId: fc.constantFrom('NCT03155997', 'NCT04457596'),
  }),
);
const plan = fc.array(planItem, { minLength: 1, maxLength: 4 });
const impact = fc.constantFrom<ManagementImpact>('none', 'potential', 'changed');
const management: fc.Arbitrary<Management> = fc.record({
  chairImpact: fc.option(impact, { nil: null }),
  recommendation: fc.option(fc.oneof(plan, fc.constant([])), { nil: null }),
  signedPlan: fc.option(plan, { nil: null }),
});

const anyDiagnosis: fc.Arbitrary<Diagnosis> = fc.oneof(
  { weight: 4, arbitrary: breast },
  fc.tuple(prostateFacts, fc.nat(), fc.boolean()).map(([f, i, p]) => writeProstate(f, i, p)),
  fc.tuple(luganoFacts, fc.nat()).map(([f, i]) => writeLymphoma(f, i)),
  fc
    .tuple(fc.constantFrom(...(Object.keys(RESECTABILITY) as (keyof typeof RESECTABILITY)[])), fc.nat())
    .map(([r, i]) => writePancreas(r, i)),
);

const toInput = (d: Diagnosis): DiagnosisInput => ({
  ...d,
  primarySite: d.primarySite ?? '',
  biomarkers: [...d.biomarkers],
  additionalCancers: [...d.additionalCancers],
  otherStages: d.otherStages == null ? null : [...d.otherStages],
});

const NO_CHANGE = {
  changeTypes: [],
  stageChanges: [],
  biomarkerChanges: [],
  concordance: 'concordant',
  managementImpact: 'none',
};

/* ------------------------------------------------------------------------ */
/* Properties                                                                */
/* ------------------------------------------------------------------------ */

describe(compareDiagnoses.name, () => {
  it('should generate only diagnoses that validateDiagnosis accepts', () => {
    fc.assert(
      fc.property(anyDiagnosis, (d) => {
        expect(validateDiagnosis(toInput(d))).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('should find no change between two writings of the same breast facts (synonyms, prefixes, suffixes, forms)', () => {
    fc.assert(
      fc.property(breastFacts, notation, notation, (f, w1, w2) => {
        const r = compareDiagnoses(writeBreast(f, w1), writeBreast(f, w2));
        expect(r).toMatchObject(NO_CHANGE);
        expect(r.details).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('should find no change between a Gleason pattern and its ISUP grade group, with or without prefixes', () => {
    fc.assert(
      fc.property(prostateFacts, fc.nat(), fc.nat(), fc.boolean(), fc.boolean(), (f, a, b, pa, pb) => {
        expect(compareDiagnoses(writeProstate(f, a, pa), writeProstate(f, b, pb))).toMatchObject(NO_CHANGE);
      }),
      { numRuns: 500 },
    );
  });

  it('should find no change between two writings of one Lugano stage or one resectability', () => {
    fc.assert(
      fc.property(luganoFacts, fc.nat(), fc.nat(), (f, a, b) => {
        expect(compareDiagnoses(writeLymphoma(f, a), writeLymphoma(f, b))).toMatchObject(NO_CHANGE);
      }),
      { numRuns: 500 },
    );
    for (const r of Object.keys(RESECTABILITY) as (keyof typeof RESECTABILITY)[])
      for (let i = 0; i < RESECTABILITY[r].length; i++)
        expect(compareDiagnoses(writePancreas(r, 0), writePancreas(r, i))).toMatchObject(NO_CHANGE);
  });

  it('should see a change of HER2, ER or PR category as a biomarker change (the properties above can fail)', () => {
    const category = (p: number): string => (p < 1 ? 'neg' : p <= 10 ? 'low' : 'pos');
    fc.assert(
      fc.property(breastFacts, breastFacts, notation, notation, (a, b, w1, w2) => {
        const changed =
          (a.her2 !== null &&
            b.her2 !== null &&
            (a.her2 === 'pos3' || a.her2 === 'pos2' ? 'pos' : a.her2.slice(0, 3)) !==
              (b.her2 === 'pos3' || b.her2 === 'pos2' ? 'pos' : b.her2.slice(0, 3))) ||
          (a.er !== null && b.er !== null && category(a.er) !== category(b.er));
        const r = compareDiagnoses(
          writeBreast(a, w1),
          writeBreast({ ...a, her2: b.her2 ?? a.her2, er: b.er ?? a.er }, w2),
        );
        if (changed) expect(r.changeTypes).toContain('biomarker');
      }),
      { numRuns: 1000 },
    );
  });

  it('should never compare a pathological or post-therapy stage with a clinical one', () => {
    fc.assert(
      fc.property(breastFacts, breastFacts, notation, notation, fc.boolean(), (a, b, w1, w2, flip) => {
        // The referral only has a clinical stage; the board only pathological and post-therapy stages.
        const clinicalOnly = { ...writeBreast(a, w1), pathologicalStage: null, postTherapyPathologicalStage: null };
        const otherOnly = { ...writeBreast(b, w2), clinicalStage: null };
        const r = flip ? compareDiagnoses(otherOnly, clinicalOnly) : compareDiagnoses(clinicalOnly, otherOnly);
        expect(r.stageChanges).toEqual([]);
        expect(r.changeTypes).not.toContain('stage');
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(breastFacts, breastFacts, notation, notation, (a, b, w1, w2) => {
        const pathologicalOnly = { ...writeBreast(a, w1), clinicalStage: null, postTherapyPathologicalStage: null };
        const postTherapyOnly = { ...writeBreast(b, w2), clinicalStage: null, pathologicalStage: null };
        expect(compareDiagnoses(pathologicalOnly, postTherapyOnly).stageChanges).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('should find any assessment concordant with itself, with impact none', () => {
    fc.assert(
      fc.property(anyDiagnosis, fc.option(plan, { nil: null }), (d, p) => {
        const r = compareDiagnoses(
          d,
          structuredClone(d),
          p === null ? {} : { recommendation: p, signedPlan: structuredClone(p) },
        );
        expect(r).toMatchObject(NO_CHANGE);
        expect(r.treatmentChanges).toEqual([]);
        expect(r.additionalCancers).toEqual([]);
        expect(r.removedCancers).toEqual([]);
        expect(r.pathologyReinterpretation).toBe(false);
        expect(r.details).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('should call a case major exactly when management changed, and never call a change concordant', () => {
    fc.assert(
      fc.property(anyDiagnosis, anyDiagnosis, management, (a, b, m) => {
        const r = compareDiagnoses(a, b, m);
        expect(r.concordance === 'major').toBe(r.managementImpact === 'changed');
        if (r.changeTypes.length > 0) expect(r.concordance).not.toBe('concordant');
        if (r.concordance === 'minor') expect(r.changeTypes.length).toBeGreaterThan(0);
        expect(r.changeTypes.includes('stage')).toBe(r.stageChanges.length > 0);
        expect(r.changeTypes.includes('biomarker')).toBe(r.biomarkerChanges.length > 0);
        expect(r.changeTypes.includes('additional_cancer')).toBe(r.additionalCancers.length > 0);
        if (r.pathologyReinterpretation) expect(r.changeTypes.length).toBeGreaterThan(0);
        const comparable = m.signedPlan != null && (m.recommendation ?? []).length > 0;
        if (m.chairImpact == null && comparable)
          expect(r.managementImpact).toBe(r.treatmentChanges.length > 0 ? 'changed' : 'none');
        if (m.chairImpact == null && !comparable) {
          expect(r.managementImpact).toBe(r.changeTypes.length > 0 ? 'potential' : 'none');
          expect(r.treatmentChanges).toEqual([]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("should let the chair's explicit call stand whatever the diagnoses and plans say", () => {
    fc.assert(
      fc.property(anyDiagnosis, anyDiagnosis, management, impact, (a, b, m, chair) => {
        const r = compareDiagnoses(a, b, { ...m, chairImpact: chair });
        expect(r.managementImpact).toBe(chair);
        expect(r.concordance === 'major').toBe(chair === 'changed');
      }),
      { numRuns: 1000 },
    );
  });

  it('should see the same differences in the other direction, with stage directions reversed', () => {
    fc.assert(
      fc.property(anyDiagnosis, anyDiagnosis, (a, b) => {
        const ab = compareDiagnoses(a, b);
        const ba = compareDiagnoses(b, a);
        // A result or a lesion only one side states is new information in one direction only.
        const symmetric = (types: string[]): string[] =>
          types.filter((t) => t !== 'additional_cancer' && t !== 'germline_finding' && t !== 'biomarker');
        expect(symmetric(ab.changeTypes)).toEqual(symmetric(ba.changeTypes));
        const flip = { up: 'down', down: 'up' } as const;
        expect(ab.stageChanges.map((s) => `${s.basis} ${s.element} ${s.system ?? ''} ${s.direction}`)).toEqual(
          ba.stageChanges.map((s) => `${s.basis} ${s.element} ${s.system ?? ''} ${flip[s.direction]}`),
        );
      }),
      { numRuns: 1000 },
    );
  });
});
