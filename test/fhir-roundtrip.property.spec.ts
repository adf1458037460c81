/**
 * Export → import gives back the same clinical content, over generated
 * diagnoses and histories (issue 14 item 4). The Bundle Consilium writes is
 * read by the same parser another hospital's Bundle goes through; the
 * standing diagnosis that went out must be the referring diagnosis that
 * comes in: site, side, histology, grade and Gleason pattern, every stage by
 * basis (AJCC 8, Lugano, FIGO), markers by their ASCO/CAP category and
 * structured result, ECOG, further cancers, and the history.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { BiomarkerInput } from '../src/cases/clinical/biomarkers.js';
import type { AdditionalCancer } from '../src/cases/clinical/comparison.js';
import type { SourcedDiagnosis } from '../src/cases/clinical/merge.js';
import type { TnmStage } from '../src/cases/clinical/staging.js';
import { validateDiagnosis, type DiagnosisInput } from '../src/cases/clinical/validate.js';
import { emptyHistory, type PatientHistory } from '../src/cases/history/history.types.js';
import { caseBundle, type FhirInput } from '../src/fhir/fhir-bundle.js';
import { clinicalContent as content, historyContent } from './utils/fhir-content.js';
import { parseReferralBundle } from '../src/fhir/referral-bundle.js';

const stage = (
  t: string | null,
  n: string | null,
  m: string | null,
  stageGroup: string | null,
  groupType?: 'anatomic' | 'prognostic',
): TnmStage => ({
  ...(t === null ? {} : { t }),
  ...(n === null ? {} : { n }),
  ...(m === null ? {} : { m }),
  ...(stageGroup === null ? {} : { stageGroup }),
  ...(groupType === undefined ? {} : { groupType }),
});

const breastMarkers: fc.Arbitrary<BiomarkerInput[]> = fc
  .record({
    er: fc.constantFrom(0, 5, 60, 95),
    pr: fc.constantFrom(0, 1, 40),
    her2: fc.constantFrom<BiomarkerInput>(
      { name: 'HER2', ihcScore: '0', value: 'IHC 0', method: 'IHC' },
      { name: 'HER2/neu', ihcScore: '1+', value: 'IHC 1+' },
      { name: 'ERBB2', ihcScore: '2+', ishResult: 'not_amplified', ishRatio: 1.4, value: 'IHC 2+, ISH not amplified' },
      {
        name: 'HER2',
        ihcScore: '2+',
        ishResult: 'amplified',
        ishRatio: 2.6,
        copyNumber: 6.2,
        value: 'IHC 2+, ISH amplified',
      },
      { name: 'HER2', ihcScore: '3+', value: 'positive (IHC 3+)' },
    ),
    ki67: fc.option(fc.constantFrom(5, 20, 40), { nil: null }),
    germline: fc.option(
      fc.constantFrom<BiomarkerInput>({
        name: 'BRCA2',
        variant: 'c.5946del',
        origin: 'germline',
        result: 'pathogenic',
      }),
      {
        nil: null,
      },
    ),
  })
  .map(({ er, pr, her2, ki67, germline }) => [
    { name: 'ER', percent: er, value: `${er}%`, method: 'IHC' },
    { name: 'progesterone receptor', percent: pr },
    her2,
    ...(ki67 === null ? [] : [{ name: 'Ki67', percent: ki67 }]),
    ...(germline === null ? [] : [germline]),
  ]);

const breast: fc.Arbitrary<DiagnosisInput> = fc
  .record({
    site: fc.constantFrom('C50.1', 'C50.4', 'C50.8', 'C50.9'),
    histology: fc.constantFrom('8500/3', '8520/3'),
    laterality: fc.constantFrom('left' as const, 'right' as const),
    grade: fc.option(fc.constantFrom('G1' as const, 'G2' as const, 'G3' as const), { nil: undefined }),
    clinical: fc.constantFrom(
      stage('cT2', 'cN1', 'cM0', 'IIB', 'anatomic'),
      stage('cT1c', 'cN0', 'cM0', 'IA'),
      stage('cT3', 'cN2a', 'cM0', 'IIIA', 'anatomic'),
    ),
    pathological: fc.option(
      fc.constantFrom(stage('pT1c', 'pN1mi(sn)', 'cM0', 'IB', 'prognostic'), stage('pT2', 'pN0(i+)', null, 'IIA')),
      { nil: undefined },
    ),
    postTherapy: fc.option(fc.constantFrom(stage('ypT1a', 'ypN0', null, null), stage('ypT0', 'ypN0', null, null)), {
      nil: undefined,
    }),
    markers: breastMarkers,
    ecog: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    contralateral: fc.boolean(),
    metastasis: fc.boolean(),
  })
  .map((f) => {
    const additional: AdditionalCancer[] = [
      ...(f.contralateral
        ? [
            {
              primarySite: 'C50.2',
              histology: '8500/3',
              laterality: f.laterality === 'left' ? 'right' : 'left',
              status: 'confirmed' as const,
            },
          ]
        : []),
      ...(f.metastasis ? [{ primarySite: 'C77.3', histology: '8500/6', status: 'confirmed' as const }] : []),
    ];
    return {
      primarySite: f.site,
      histology: f.histology,
      laterality: f.laterality,
      ...(f.grade === undefined ? {} : { grade: f.grade }),
      clinicalStage: f.clinical,
      ...(f.pathological === undefined ? {} : { pathologicalStage: f.pathological }),
      ...(f.postTherapy === undefined ? {} : { postTherapyPathologicalStage: f.postTherapy }),
      ajccEdition: 8,
      biomarkers: f.markers,
      ...(f.ecog === undefined ? {} : { ecog: f.ecog }),
      additionalCancers: additional,
      malignant: true,
    } as DiagnosisInput;
  });

const prostate: fc.Arbitrary<DiagnosisInput> = fc
  .record({
    gleason: fc.constantFrom([3, 4, 'GG2'], [4, 3, 'GG3'], [4, 4, 'GG4'], [4, 5, 'GG5']),
    t: fc.constantFrom('cT1c', 'cT2a', 'cT3a'),
    psa: fc.constantFrom('4.1', '12', '38.5'),
  })
  .map(({ gleason: [primary, secondary, gg], t, psa }) => ({
    primarySite: 'C61.9',
    histology: '8140/3',
    grade: gg,
    gleason: { primary, secondary },
    clinicalStage: stage(t, 'cN0', 'cM0', null),
    ajccEdition: 8,
    biomarkers: [{ name: 'PSA', value: psa }],
    malignant: true,
  }));

const lymphoma: fc.Arbitrary<DiagnosisInput> = fc
  .record({
    histology: fc.constantFrom('9680/3', '9663/3', '9690/3'),
    stage: fc.constantFrom('I', 'IIE', 'II bulky', 'IIIB', 'IVA'),
  })
  .map(({ histology, stage: s }) => ({
    primarySite: 'C77.1',
    histology,
    otherStages: [{ system: 'lugano', stage: s }],
    biomarkers: [{ name: 'CD20', value: 'positive' }],
    malignant: true,
  }));

const cervix: fc.Arbitrary<DiagnosisInput> = fc.constantFrom('IB1', 'IIIC1', 'IVA').map((s) => ({
  primarySite: 'C53.9',
  histology: '8070/3',
  otherStages: [{ system: 'figo', stage: s }],
  biomarkers: [{ name: 'PD-L1', cps: 5 }],
  malignant: true,
}));

const benign: fc.Arbitrary<DiagnosisInput> = fc.constant({
  primarySite: 'C50.4',
  histology: '9010/0',
  laterality: 'left',
  malignant: false,
});

const history: fc.Arbitrary<PatientHistory> = fc
  .record({
    meds: fc.boolean(),
    allergy: fc.boolean(),
    family: fc.boolean(),
    genetic: fc.constantFrom('none', 'pathogenic', 'negative'),
    treatment: fc.boolean(),
    question: fc.boolean(),
  })
  .map((f) => ({
    ...emptyHistory(),
    medications: f.meds
      ? [{ name: 'metformin', dose: '500 mg', route: 'oral', frequency: 'twice daily', startDate: '2020-01-15' }]
      : [],
    comorbidities: f.meds ? [{ description: 'Type 2 diabetes mellitus', icd10cm: 'E11.9' }] : [],
    allergies: f.allergy ? [{ substance: 'penicillin', reaction: 'hives', severity: 'life_threatening' }] : [],
    familyHistory: f.family ? [{ relative: 'maternal_aunt', condition: 'ovarian cancer', ageAtDiagnosis: 48 }] : [],
    geneticTests:
      f.genetic === 'none'
        ? []
        : f.genetic === 'pathogenic'
          ? [
              {
                testName: 'Hereditary cancer panel',
                origin: 'germline',
                gene: 'BRCA1',
                variant: 'c.68_69del',
                result: 'pathogenic',
                date: '2026-08-01',
                lab: 'Lab A',
              },
            ]
          : [
              {
                testName: 'Hereditary cancer panel',
                origin: 'germline',
                gene: null,
                variant: null,
                result: 'negative',
                date: null,
                lab: null,
              },
            ],
    treatments: f.treatment
      ? [
          {
            modality: 'systemic_therapy',
            drugs: ['docetaxel', 'cyclophosphamide'],
            regimen: 'TC',
            startDate: '2019-02-01',
            endDate: '2019-05-01',
            line: 1,
            setting: 'adjuvant',
            bestResponse: 'complete_response',
            institution: 'General Hospital',
            notes: null,
          },
        ]
      : [],
    referringQuestion: f.question ? 'Is adjuvant therapy needed?' : null,
  }));

const asSourced = (d: DiagnosisInput): SourcedDiagnosis => ({
  ...d,
  histology: d.histology ?? null,
  laterality: d.laterality ?? null,
  grade: d.grade ?? null,
  clinicalStage: d.clinicalStage ?? null,
  pathologicalStage: d.pathologicalStage ?? null,
  biomarkers: d.biomarkers ?? [],
  additionalCancers: d.additionalCancers ?? [],
});

const CASE = '0b5c7d1e-2f3a-4b5c-8d6e-7f8091a2b3c4';
function input(referral: DiagnosisInput, board: DiagnosisInput | null, h: PatientHistory): FhirInput {
  return {
    case: {
      id: CASE,
      createdAt: new Date('2026-10-01T09:00:00Z'),
      urgency: 'routine',
      referringClinician: 'Dr. R. Referrer',
      referringInstitution: 'Community Hospital',
      recommendation: [
        {
          modality: 'systemic_therapy',
          intent: 'curative',
          sequence: 1,
          regimen: 'AC-T',
          drugs: ['doxorubicin', 'cyclophosphamide', 'paclitaxel'],
        },
      ],
    },
    clinic: { id: 'c0ffee00-0000-4000-8000-000000000001', name: 'Breast Clinic' },
    patient: {
      id: 'p',
      mrn: 'MRN-0012345',
      familyName: 'Testpatient',
      givenName: 'Synthetic',
      birthDate: '1968-04-12',
      sex: 'female',
    },
    referral: { id: 'r', recordedAt: new Date('2026-10-01T09:00:00Z'), diagnosis: asSourced(referral), icd10cm: null },
    board:
      board === null
        ? null
        : {
            id: 'b',
            recordedAt: new Date('2026-10-20T15:00:00Z'),
            diagnosis: asSourced(board),
            icd10cm: null,
            chair: 'Dr. C. Chair',
          },
    standingWithoutBoard: board === null ? asSourced(referral) : null,
    history: h,
    plan: null,
    review: board === null ? null : { performedAt: new Date('2026-10-20T15:00:00Z') },
    appointments: [],
    letter: null,
  };
}

describe('FHIR export → import round trip', () => {
  const diagnosis = fc.oneof(breast, prostate, lymphoma, cervix);

  it('generated diagnoses are valid (the intake would take them)', () => {
    fc.assert(
      fc.property(fc.oneof(diagnosis, benign), (d) => {
        expect(validateDiagnosis(d, 'dx')).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the standing diagnosis and the history: what went out comes back in', () => {
    fc.assert(
      fc.property(diagnosis, fc.option(fc.oneof(diagnosis, benign), { nil: null }), history, (referral, board, h) => {
        const bundle = caseBundle(input(referral, board, h));
        const parsed = parseReferralBundle(bundle);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
        const body = parsed.referral.body as {
          referringDiagnosis: Record<string, unknown>;
          history?: Partial<PatientHistory>;
        };
        const standing = board ?? referral;
        expect(content(body.referringDiagnosis)).toEqual(content(standing as unknown as Record<string, unknown>));
        expect(historyContent(body.history)).toEqual(historyContent(h));
        expect(validateDiagnosis(body.referringDiagnosis as unknown as DiagnosisInput, 'dx')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('names the referral by its case, so importing it twice is the same referral', () => {
    const a = parseReferralBundle(
      caseBundle(input({ primarySite: 'C61.9', histology: '8140/3', malignant: true }, null, emptyHistory())),
    );
    expect(a.ok && a.referral.identifier).toEqual({ system: 'https://consilium.health/fhir/sid/case', value: CASE });
  });
});
