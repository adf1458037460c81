/**
 * GET /api/cases/:id/fhir against the mCODE 4.0.0 StructureDefinitions
 * (hl7.fhir.us.mcode 4.0.0, profile-aware: test/utils/mcode-validator.ts) and
 * the `fhir` package (base R4): 0 errors for every Bundle a case produces — a
 * board-reviewed breast case, benign on review, clinical and post-therapy
 * stages, a lymphoma with its Lugano stage — and a broken resource fails.
 * Then the round trip: export → import into another clinic → export gives
 * the same clinical content, over generated diagnoses (fast-check).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { parseReferralBundle } from '../src/fhir/referral-bundle.js';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import { clinicalContent, historyContent } from './utils/fhir-content.js';
import { errorsOf, validateBaseR4, validateMcodeBundle } from './utils/mcode-validator.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

type Json = Record<string, unknown>;
type Bundle = { resourceType: 'Bundle'; entry: { fullUrl: string; resource: Json & { resourceType: string } }[] };

const CANCER_TYPES = ['C50', 'C77', 'C53'];
const HISTORY = {
  medications: [{ name: 'letrozole', dose: '2.5 mg', route: 'oral', frequency: 'once daily' }],
  comorbidities: [{ description: 'Type 2 diabetes mellitus', icd10cm: 'E11.9' }],
  allergies: [{ substance: 'penicillin', reaction: 'hives', severity: 'moderate' }],
  familyHistory: [{ relative: 'mother', condition: 'breast cancer', ageAtDiagnosis: 52 }],
  geneticTests: [
    {
      testName: 'Hereditary cancer panel',
      origin: 'germline',
      gene: 'BRCA2',
      variant: 'c.5946del',
      result: 'pathogenic',
    },
  ],
  referringQuestion: 'Is breast conservation possible?',
};

describe('FHIR export (mCODE 4.0.0) and the round trip', () => {
  let t: TestApp;
  let coordA: Tokens;
  let doctorA: Tokens;
  let coordB: Tokens;
  let doctorB: Tokens;
  let clinicA: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await login(t, await createUser(t, 'admin'));
    clinicA = (
      await createClinic(t, admin, { ...breastClinicBody(`Clinic A ${Date.now()}`), cancerTypes: CANCER_TYPES })
    ).id;
    const clinicB = (
      await createClinic(t, admin, { ...breastClinicBody(`Clinic B ${Date.now()}`), cancerTypes: CANCER_TYPES })
    ).id;
    const users = await Promise.all(
      ['coordinator', 'clinician', 'coordinator', 'clinician'].map((r) => createUser(t, r as 'coordinator')),
    );
    await addMember(t, admin, clinicA, users[0].id);
    await addMember(t, admin, clinicA, users[1].id);
    await addMember(t, admin, clinicB, users[2].id);
    await addMember(t, admin, clinicB, users[3].id);
    [coordA, doctorA, coordB, doctorB] = await Promise.all(users.map((u) => login(t, u)));
  });
  afterAll(async () => {
    await t.close();
  });

  async function referral(overrides: Json): Promise<string> {
    const res = await request(t.http).post('/api/cases').set(bearer(coordA)).send(referralBody(clinicA, overrides));
    if (res.status !== 201) throw new Error(`case: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }
  async function board(caseId: string, diagnosis: Json): Promise<void> {
    const res = await request(t.http)
      .post(`/api/cases/${caseId}/diagnoses`)
      .set(bearer(coordA))
      .send({ source: 'board', ...diagnosis });
    if (res.status !== 201) throw new Error(`board: ${res.status} ${JSON.stringify(res.body)}`);
  }
  async function exported(caseId: string, tokens = doctorA): Promise<Bundle> {
    const res = await request(t.http).get(`/api/cases/${caseId}/fhir`).set(bearer(tokens));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    return res.body as Bundle;
  }
  async function expectValid(bundle: Bundle): Promise<void> {
    const mcode = errorsOf(await validateMcodeBundle(bundle as never, { strict: true }));
    expect(mcode).toEqual([]);
    expect(errorsOf(validateBaseR4(bundle as never))).toEqual([]);
  }
  const resources = (b: Bundle, profile: string) =>
    b.entry.map((e) => e.resource).filter((r) => JSON.stringify(r.meta ?? {}).includes(`/${profile}"`));
  const codes = (r: Json) =>
    JSON.stringify(r.code)
      .match(/"code":"[^"]+"/g)
      ?.map((c) => c.slice(8, -1)) ?? [];

  it('should export a board-reviewed breast case as valid mCODE: one standing cancer, the referral told apart, T/N/M and stage groups per basis with method, markers, grade, ECOG, laterality, the letter', async () => {
    const caseId = await referral({ history: HISTORY });
    await board(caseId, {
      primarySite: 'C50.4',
      histology: '8500/3',
      laterality: 'left',
      grade: 'G3',
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB', groupType: 'anatomic' },
      pathologicalStage: { t: 'pT2', n: 'pN1a', m: 'cM0', stageGroup: 'IIB', groupType: 'anatomic' },
      ajccEdition: 8,
      biomarkers: [
        { name: 'ER', percent: 90, value: 'positive (90%)', method: 'IHC' },
        { name: 'HER2', ihcScore: '3+', value: 'positive (IHC 3+)', method: 'IHC' },
        { name: 'Ki-67', percent: 30 },
      ],
      ecog: 1,
      malignant: true,
    });
    const bundle = await exported(caseId);
    await expectValid(bundle);

    const primaries = resources(bundle, 'mcode-primary-cancer-condition');
    expect(primaries).toHaveLength(1); // the referral's diagnosis is not a second cancer
    const [primary] = primaries;
    expect(primary.verificationStatus).toMatchObject({ coding: [{ code: 'confirmed' }] });
    expect(JSON.stringify(primary.bodySite)).toContain('"code":"C50.4"');
    expect(JSON.stringify(primary.bodySite)).toContain('"code":"7771000"'); // left
    expect(codes(primary)).toContain('C50.412'); // ICD-10-CM, female left upper-outer quadrant
    const referred = bundle.entry
      .map((e) => e.resource)
      .find((r) => r.resourceType === 'Condition' && JSON.stringify(r.code).includes('referring diagnosis'))!;
    expect(referred.asserter).toBeDefined();
    const provenance = bundle.entry.map((e) => e.resource).find((r) => r.resourceType === 'Provenance')!;
    expect(JSON.stringify(provenance.entity)).toContain('"role":"revision"');

    // DOMAIN.md / mCODE 4.0.0: clinical 21908-9 (T 21905-5, N 21906-3, M 21907-1), pathological 21902-2 (21899-0 / 21900-6 / 21901-4).
    const groups = resources(bundle, 'mcode-tnm-stage-group');
    expect(groups.map(codes)).toEqual(
      expect.arrayContaining([expect.arrayContaining(['21908-9']), expect.arrayContaining(['21902-2'])]),
    );
    for (const g of groups) expect(JSON.stringify(g.method)).toContain('897275008'); // AJCC 8th edition
    expect(resources(bundle, 'mcode-tnm-primary-tumor-category').flatMap(codes)).toEqual(
      expect.arrayContaining(['21905-5', '21899-0']),
    );
    expect(resources(bundle, 'mcode-tnm-regional-nodes-category').flatMap(codes)).toEqual(
      expect.arrayContaining(['21906-3', '21900-6']),
    );
    expect(resources(bundle, 'mcode-tnm-distant-metastases-category').flatMap(codes)).toEqual(
      expect.arrayContaining(['21907-1', '21901-4']),
    );
    expect(resources(bundle, 'mcode-tumor-marker-test')).toHaveLength(3);
    expect(resources(bundle, 'mcode-ecog-performance-status')[0]).toMatchObject({ valueInteger: 1 });
    expect(JSON.stringify(resources(bundle, 'mcode-histologic-grade')[0].valueCodeableConcept)).toContain('1155707008'); // high grade
    const letter = bundle.entry.map((e) => e.resource).find((r) => r.resourceType === 'DocumentReference')!;
    const pdf = Buffer.from((letter.content as { attachment: { data: string } }[])[0].attachment.data, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const types = bundle.entry.map((e) => e.resource.resourceType);
    expect(types).toEqual(
      expect.arrayContaining(['MedicationStatement', 'AllergyIntolerance', 'FamilyMemberHistory', 'ServiceRequest']),
    );

    // The check can fail: a stage group without its method, and a Patient with a gender R4 does not have.
    const broken = structuredClone(bundle);
    delete broken.entry.find((e) => JSON.stringify(e.resource.meta ?? {}).includes('mcode-tnm-stage-group'))!.resource
      .method;
    expect(errorsOf(await validateMcodeBundle(broken as never, { strict: true })).map((i) => i.expression)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Observation\.method$/)]),
    );
    const badGender = structuredClone(bundle);
    badGender.entry[0].resource.gender = 'femalex';
    expect(errorsOf(validateBaseR4(badGender as never)).length).toBeGreaterThan(0);
    expect(errorsOf(await validateMcodeBundle(badGender as never)).length).toBeGreaterThan(0);
  });

  it('should export benign on review as a refuted referral condition and a benign finding, never a cancer profile', async () => {
    const caseId = await referral({});
    await board(caseId, { primarySite: 'C50.4', histology: '9010/0', laterality: 'left', malignant: false });
    const bundle = await exported(caseId);
    await expectValid(bundle);
    expect(resources(bundle, 'mcode-primary-cancer-condition')).toEqual([]);
    expect(resources(bundle, 'mcode-tnm-stage-group')).toEqual([]);
    const conditions = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Condition');
    expect(conditions.some((c) => JSON.stringify(c.verificationStatus).includes('"refuted"'))).toBe(true);
    expect(conditions.some((c) => JSON.stringify(c.extension ?? []).includes('9010/0'))).toBe(true);
  });

  it('should export clinical and post-therapy stages as separate Observations (post-therapy with the "other" LOINC codes)', async () => {
    const caseId = await referral({});
    await board(caseId, {
      primarySite: 'C50.4',
      histology: '8500/3',
      laterality: 'left',
      clinicalStage: { t: 'cT3', n: 'cN1', m: 'cM0', stageGroup: 'IIIA' },
      postTherapyPathologicalStage: { t: 'ypT1a', n: 'ypN0' },
      ajccEdition: 8,
      malignant: true,
    });
    const bundle = await exported(caseId);
    await expectValid(bundle);
    const t = resources(bundle, 'mcode-tnm-primary-tumor-category');
    expect(t.map((o) => (o.valueCodeableConcept as { text: string }).text).sort()).toEqual(['cT3', 'ypT1a']);
    expect(t.find((o) => JSON.stringify(o).includes('ypT1a'))!.code).toMatchObject({
      coding: expect.arrayContaining([expect.objectContaining({ code: '21911-3' })]),
    });
  });

  it('should export a lymphoma with its Lugano stage as an mCODE CancerStage (NCIt Lugano codes) and lymph nodes as its site', async () => {
    const caseId = await referral({
      referringDiagnosis: {
        primarySite: 'C77.1',
        histology: '9680/3',
        otherStages: [{ system: 'lugano', stage: 'IIE' }],
        biomarkers: [{ name: 'CD20', value: 'positive' }],
        malignant: true,
      },
    });
    const bundle = await exported(caseId);
    await expectValid(bundle);
    const [lugano] = resources(bundle, 'mcode-cancer-stage');
    expect(codes(lugano)).toContain('C141147');
    expect(JSON.stringify(lugano.method)).toContain('C141158'); // adult non-Hodgkin lymphoma
    expect(lugano.valueCodeableConcept).toMatchObject({ text: 'IIE' });
  });

  // Referral diagnoses another clinic may send, and the board's reading of them.
  const diagnosis = fc.oneof(
    fc
      .record({
        site: fc.constantFrom('C50.1', 'C50.4', 'C50.9'),
        side: fc.constantFrom('left', 'right'),
        grade: fc.constantFrom('G1', 'G2', 'G3'),
        stage: fc.constantFrom(
          { t: 'cT1c', n: 'cN0', m: 'cM0', stageGroup: 'IA' },
          { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB' },
        ),
        er: fc.constantFrom(0, 5, 80),
        her2: fc.constantFrom('0', '1+', '3+'),
        ecog: fc.integer({ min: 0, max: 2 }),
      })
      .map((f) => ({
        primarySite: f.site,
        histology: '8500/3',
        laterality: f.side,
        grade: f.grade,
        clinicalStage: f.stage,
        ajccEdition: 8,
        biomarkers: [
          { name: 'ER', percent: f.er },
          { name: 'HER2', ihcScore: f.her2 },
        ],
        ecog: f.ecog,
        malignant: true,
      })),
    fc.constantFrom('I', 'IIE', 'IIIB', 'IV').map((stage) => ({
      primarySite: 'C77.1',
      histology: '9680/3',
      otherStages: [{ system: 'lugano', stage }],
      malignant: true,
    })),
    fc.constantFrom('IB1', 'IIIC1').map((stage) => ({
      primarySite: 'C53.9',
      histology: '8070/3',
      otherStages: [{ system: 'figo', stage }],
      malignant: true,
    })),
  );

  it('should give the same clinical content after export → import into another clinic → export (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        diagnosis,
        fc.option(diagnosis, { nil: null }),
        fc.boolean(),
        async (referred, reviewed, withHistory) => {
          const caseId = await referral({ referringDiagnosis: referred, ...(withHistory ? { history: HISTORY } : {}) });
          if (reviewed !== null) await board(caseId, reviewed);
          const first = await exported(caseId);
          await expectValid(first);

          const imported = await request(t.http)
            .post('/api/fhir/referrals')
            .set(bearer(coordB))
            .set('Content-Type', 'application/fhir+json')
            .send(JSON.stringify(first));
          if (imported.status !== 201) throw new Error(`import: ${imported.status} ${JSON.stringify(imported.body)}`);
          const copy = (imported.body.issue as { diagnostics: string }[])[0].diagnostics;
          const second = await exported(copy, doctorB);
          await expectValid(second);

          const read = (b: Bundle) => {
            const parsed = parseReferralBundle(b);
            if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
            const body = parsed.referral.body as { referringDiagnosis: Json; history?: Json };
            return { diagnosis: clinicalContent(body.referringDiagnosis), history: historyContent(body.history) };
          };
          expect(read(second)).toEqual(read(first));
          // And both say what stands in the clinic that reviewed the case (the board's facts with what it inherits).
          const standing = await request(t.http).get(`/api/cases/${caseId}/standing-diagnosis`).set(bearer(doctorA));
          expect(read(first).diagnosis).toEqual(clinicalContent(standing.body as Json));
          const again = await request(t.http).get(`/api/cases/${copy}/standing-diagnosis`).set(bearer(doctorB));
          expect(clinicalContent(again.body as Json)).toEqual(clinicalContent(standing.body as Json));
        },
      ),
      { numRuns: 8 },
    );
  });
});
