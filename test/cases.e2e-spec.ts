import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import request from 'supertest';
import { listRouteAudits } from '../src/audit/audit-coverage.js';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import {
  auditRowsAfter,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  type TestApp,
  type TestUser,
  type Tokens,
} from './utils/test-app.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

async function countRows(t: TestApp, table: string): Promise<number> {
  const [row] = await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
  return row?.n ?? 0;
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

describe('Second-opinion cases', () => {
  let t: TestApp;
  let admin: Tokens;
  let coordinator: TestUser;
  let coord: Tokens;
  let clinician: Tokens;
  let outsiderClinician: Tokens;
  let outsiderCoordinator: Tokens;
  let clinicId: string;

  beforeAll(async () => {
    t = await createTestApp({ UPLOAD_MAX_BYTES: String(64 * 1024) });
    admin = await login(t, await createUser(t, 'admin'));
    coordinator = await createUser(t, 'coordinator');
    coord = await login(t, coordinator);
    const doctor = await createUser(t, 'clinician');
    clinician = await login(t, doctor);
    outsiderClinician = await login(t, await createUser(t, 'clinician'));
    clinicId = (await createClinic(t, admin)).id;
    await addMember(t, admin, clinicId, coordinator.id);
    await addMember(t, admin, clinicId, doctor.id);
    // The outsider belongs to another clinic.
    const other = await createClinic(t, admin, { ...breastClinicBody(), cancerTypes: ['C18-C21'] });
    const outsiderUser = await t.dataSource.query<{ id: string }[]>(
      `SELECT id FROM app_user WHERE role = 'clinician' ORDER BY created_at DESC LIMIT 1`,
    );
    await addMember(t, admin, other.id, outsiderUser[0].id);
    const otherCoordinator = await createUser(t, 'coordinator');
    await addMember(t, admin, other.id, otherCoordinator.id);
    outsiderCoordinator = await login(t, otherCoordinator);
  });
  afterAll(async () => {
    await t.close();
  });

  async function newCase(overrides: Record<string, unknown> = {}): Promise<{ id: string; patient: { id: string } }> {
    const res = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinicId, overrides));
    if (res.status !== 201) throw new Error(`case: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; patient: { id: string } };
  }

  function upload(
    caseId: string,
    type: string,
    content: Buffer,
    filename = 'report.pdf',
    extra: Record<string, string> = {},
  ) {
    let req = request(t.http).post(`/api/cases/${caseId}/records`).set(bearer(coord)).field('type', type);
    for (const [k, v] of Object.entries(extra)) req = req.field(k, v);
    return req.attach('file', content, filename);
  }

  it('should take a referral in one request and route it by primary site', async () => {
    const before = await lastAuditId(t);
    const res = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'referred',
      clinicId,
      referringDiagnosis: {
        source: 'referring',
        primarySite: 'C50.4',
        histology: '8500/3',
        clinicalStage: { t: 'T2' },
      },
      allowedTransitions: ['records_pending', 'ready', 'withdrawn'],
    });
    expect(res.body.referringRecommendation).toHaveLength(3);
    const [row] = await auditRowsAfter(t, before);
    expect(row).toMatchObject({ action: 'case.create', outcome: 'success', entity_id: res.body.id });
    const events = await t.dataSource.query<{ type: string }[]>('SELECT type FROM board_event WHERE case_id = $1', [
      res.body.id,
    ]);
    expect(events.map((e) => e.type)).toEqual(['case.referred']);
  });

  it('should match a returning patient by MRN, and refuse an MRN that names someone else', async () => {
    const first = referralBody(clinicId);
    const a = await request(t.http).post('/api/cases').set(bearer(coord)).send(first);
    const b = await request(t.http).post('/api/cases').set(bearer(coord)).send(first);
    expect(b.status).toBe(201);
    expect(b.body.patient.id).toBe(a.body.patient.id);
    const mixup = await request(t.http)
      .post('/api/cases')
      .set(bearer(coord))
      .send({ ...first, patient: { ...(first.patient as object), familyName: 'Someone-Else' } });
    expect(mixup.status).toBe(409);
  });

  it('should name the field and the expected form of a wrong code', async () => {
    const body = referralBody(clinicId);
    const diagnosis = body.referringDiagnosis as Record<string, unknown>;
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ primarySite: 'C99.9' }, 'referringDiagnosis.primarySite', /ICD-O-3 topography/],
      [{ histology: '8500/5' }, 'referringDiagnosis.histology', /NNNN\/B/],
      [{ clinicalStage: { t: 'T9' } }, 'referringDiagnosis.clinicalStage.t', /AJCC T category/],
      [{ ajccEdition: 3 }, 'referringDiagnosis.ajccEdition', /ajccEdition/],
      [{ ecog: 7 }, 'referringDiagnosis.ecog', /ecog/],
    ];
    for (const [patch, field, message] of cases) {
      const res = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .send({ ...body, referringDiagnosis: { ...diagnosis, ...patch } });
      expect(res.status).toBe(400);
      const error = (res.body.errors as { field: string; messages: string[] }[]).find((e) => e.field === field);
      expect(error?.messages.join(' ')).toMatch(message);
    }
    const trial = await request(t.http)
      .post('/api/cases')
      .set(bearer(coord))
      .send({
        ...body,
        referringRecommendation: {
          items: [{ modality: 'clinical_trial', intent: 'curative', sequence: 1, nctId: 'NCT123' }],
        },
      });
    expect(trial.status).toBe(400);
    expect(trial.body.errors[0].field).toBe('referringRecommendation.items[0].nctId');
  });

  it('should go from intake through record uploads and readiness to ready', async () => {
    const c = await newCase();
    const blocked = await request(t.http)
      .post(`/api/cases/${c.id}/transitions`)
      .set(bearer(coord))
      .send({ to: 'ready' });
    expect(blocked.status).toBe(409);
    expect((blocked.body.gaps as { item: string }[]).map((g) => g.item).sort()).toEqual(
      ['imaging_mri', 'lab_result', 'medication_list', 'pathology_report'].sort(),
    );
    expect(
      (await request(t.http).post(`/api/cases/${c.id}/transitions`).set(bearer(coord)).send({ to: 'records_pending' }))
        .status,
    ).toBe(200);

    const today = new Date().toISOString().slice(0, 10);
    const pathology = await upload(c.id, 'pathology_report', PDF, 'path.pdf', {
      documentDate: today,
      source: 'Community Hospital',
    });
    expect(pathology.status).toBe(201);
    expect(pathology.body).toMatchObject({
      type: 'pathology_report',
      kind: 'file',
      mediaType: 'application/pdf',
      sizeBytes: PDF.length,
    });
    expect(
      (await upload(c.id, 'medication_list', Buffer.from('tamoxifen 20 mg daily\nmetformin 500 mg\n'), 'meds.txt')).body
        .mediaType,
    ).toBe('text/plain');
    const mri = await request(t.http).post(`/api/cases/${c.id}/records/imaging-references`).set(bearer(coord)).send({
      type: 'imaging_mri',
      documentDate: today,
      studyUid: '1.2.840.113619.2.55.3',
      url: 'https://pacs.example.org/dicomweb/studies/1.2.840.113619.2.55.3',
    });
    expect(mri.status).toBe(201);

    const readiness = await request(t.http).get(`/api/cases/${c.id}/readiness`).set(bearer(clinician));
    expect(readiness.body.ready).toBe(false);
    expect(readiness.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ item: 'lab_result', status: 'missing' }),
        expect.objectContaining({ item: 'imaging_mri', status: 'current' }),
      ]),
    );

    const before = await lastAuditId(t);
    const waiver = await request(t.http)
      .post(`/api/cases/${c.id}/readiness/waivers`)
      .set(bearer(coord))
      .send({ item: 'lab_result', reason: 'Blood counts will be drawn on the clinic day' });
    expect(waiver.status).toBe(201);
    expect(waiver.body.ready).toBe(true);
    expect(await auditRowsAfter(t, before)).toEqual([
      expect.objectContaining({ action: 'case.readiness.waive', outcome: 'success', actor_id: coordinator.id }),
    ]);

    const ready = await request(t.http)
      .post(`/api/cases/${c.id}/transitions`)
      .set(bearer(coord))
      .send({ to: 'ready', reason: 'all in' });
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    const events = await t.dataSource.query<{ type: string; payload: { to?: string } }[]>(
      'SELECT type, payload FROM board_event WHERE case_id = $1 ORDER BY id',
      [c.id],
    );
    expect(events.map((e) => e.type)).toEqual([
      'case.referred',
      'case.transitioned',
      'record.added',
      'record.added',
      'record.added',
      'readiness.waived',
      'case.transitioned',
    ]);

    const download = await request(t.http)
      .get(`/api/cases/${c.id}/records/${pathology.body.id}/content`)
      .set(bearer(clinician))
      .buffer(true);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toContain('application/pdf');
    expect(Buffer.compare(download.body as Buffer, PDF)).toBe(0);
  });

  it('should answer an illegal transition with 409 naming the allowed ones', async () => {
    const c = await newCase();
    const res = await request(t.http).post(`/api/cases/${c.id}/transitions`).set(bearer(coord)).send({ to: 'closed' });
    expect(res.status).toBe(409);
    expect(res.body.allowed).toEqual(['records_pending', 'ready', 'withdrawn']);
    expect(res.body.detail).toContain('records_pending, ready, withdrawn');
    const owned = await request(t.http)
      .post(`/api/cases/${c.id}/transitions`)
      .set(bearer(coord))
      .send({ to: 'scheduled' });
    expect(owned.status).toBe(409);
  });

  it('should refuse files by their bytes: empty 400, wrong type 415, too large 413, leaving nothing behind', async () => {
    const c = await newCase();
    const rowsBefore = await countRows(t, 'case_record');
    const filesBefore = (await storedFiles(t)).length;
    expect((await upload(c.id, 'pathology_report', Buffer.alloc(0))).status).toBe(400);
    const exe = await upload(
      c.id,
      'pathology_report',
      Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]),
      'report.pdf',
    );
    expect(exe.status).toBe(415);
    const big = await upload(c.id, 'pathology_report', Buffer.concat([PDF, Buffer.alloc(80 * 1024, 0x20)]));
    expect(big.status).toBe(413);
    const badField = await upload(c.id, 'x-ray-of-the-soul', PDF);
    expect(badField.status).toBe(400);
    expect(badField.body.errors[0].field).toBe('type');
    expect(await countRows(t, 'case_record')).toBe(rowsBefore);
    expect(await storedFiles(t)).toHaveLength(filesBefore);
  });

  it('should leave no row and no file when the database refuses the record half-way', async () => {
    const c = await newCase();
    await t.dataSource.query(`
      CREATE FUNCTION test_fail_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await t.dataSource.query(
      'CREATE TRIGGER test_fail_record BEFORE INSERT ON case_record FOR EACH ROW EXECUTE FUNCTION test_fail_record()',
    );
    try {
      const unique = Buffer.concat([PDF, Buffer.from(`% ${Date.now()}\n`)]);
      const res = await upload(c.id, 'pathology_report', unique);
      expect(res.status).toBe(500);
      const rows = await t.dataSource.query<unknown[]>('SELECT 1 FROM case_record WHERE case_id = $1', [c.id]);
      expect(rows).toHaveLength(0);
      const { createHash } = await import('node:crypto');
      const sha = createHash('sha256').update(unique).digest('hex');
      expect(await storedFiles(t)).not.toContain(sha);
      expect((await storedFiles(t)).filter((f) => f.endsWith('.part'))).toEqual([]);
    } finally {
      await t.dataSource.query('DROP TRIGGER test_fail_record ON case_record');
      await t.dataSource.query('DROP FUNCTION test_fail_record()');
    }
  });

  it('should keep records immutable: a correction supersedes, once', async () => {
    const c = await newCase();
    const first = await upload(c.id, 'pathology_report', Buffer.concat([PDF, Buffer.from('%a\n')]));
    const fix = await upload(c.id, 'pathology_report', Buffer.concat([PDF, Buffer.from('%b\n')]), 'fixed.pdf', {
      supersedesId: first.body.id as string,
    });
    expect(fix.status).toBe(201);
    const again = await upload(c.id, 'pathology_report', Buffer.concat([PDF, Buffer.from('%c\n')]), 'again.pdf', {
      supersedesId: first.body.id as string,
    });
    expect(again.status).toBe(409);
    const list = await request(t.http).get(`/api/cases/${c.id}/records`).set(bearer(coord));
    expect(list.body).toEqual([
      expect.objectContaining({ id: first.body.id, supersededBy: fix.body.id }),
      expect.objectContaining({ id: fix.body.id, supersedesId: first.body.id, supersededBy: null }),
    ]);
    await expect(
      t.dataSource.query(`UPDATE case_record SET type = 'other' WHERE id = $1`, [first.body.id]),
    ).rejects.toThrow(/immutable/);
    await expect(
      t.dataSource.query(`UPDATE diagnosis_assessment SET histology = '8520/3' WHERE case_id = $1`, [c.id]),
    ).rejects.toThrow(/immutable/);
  });

  it('should hide every case route from clinicians and coordinators of another clinic (404, audited denied), and let members through', async () => {
    const c = await newCase();
    const first = await upload(c.id, 'pathology_report', Buffer.concat([PDF, Buffer.from('%matrix\n')]));
    const plan = { items: [{ modality: 'surgery', intent: 'curative', sequence: 1 }] };
    const samples: Record<
      string,
      { send?: object; attach?: boolean; coordinatorOnly?: boolean; clinicianOnly?: boolean }
    > = {
      'GET /cases/:id/plans': {},
      'GET /cases/:id/trial-matches': {},
      'GET /cases/:id/fhir': {},
      'GET /cases/:id/standing-diagnosis': {},
      'GET /cases/:id/report': {},
      'POST /cases/:id/plans': { send: plan, clinicianOnly: true },
      'GET /cases/:id/plans/:planId': {},
      'PATCH /cases/:id/plans/:planId': { send: plan, clinicianOnly: true },
      'POST /cases/:id/plans/:planId/proposal': { clinicianOnly: true },
      'PUT /cases/:id/plans/:planId/votes/me': { send: { vote: 'agree' }, clinicianOnly: true },
      'POST /cases/:id/plans/:planId/signature': { clinicianOnly: true },
      'POST /cases/:id/third-opinion': {
        send: { reviewer: 'Dr. Third', institution: 'Elsewhere', reason: 'no consensus' },
      },
      'GET /cases/:id': {},
      'POST /cases/:id/transitions': { send: { to: 'withdrawn' } },
      'POST /cases/:id/records': { attach: true },
      'POST /cases/:id/records/imaging-references': {
        send: { type: 'imaging_ct', studyUid: '1.2.3', url: 'https://pacs.example.org/x' },
      },
      'GET /cases/:id/records': {},
      'GET /cases/:id/records/:recordId/content': {},
      'GET /cases/:id/records/:recordId/dzi': {},
      'GET /cases/:id/records/:recordId/tiles/:level/:tile': {},
      'GET /cases/:id/readiness': {},
      'GET /cases/:id/history': {},
      'GET /cases/:id/history/versions': {},
      'PUT /cases/:id/history': { send: { treatments: [] } },
      'PUT /cases/:id/first-treatment-date': { send: { firstTreatmentDate: '2026-01-15' } },
      'POST /cases/:id/itinerary': { send: { date: '2026-12-03' }, coordinatorOnly: true },
      'GET /cases/:id/itinerary': {},
      'GET /cases/:id/itinerary.ics': {},
      'DELETE /cases/:id/itinerary': { coordinatorOnly: true },
      'GET /cases/:id/diagnoses': {},
      'POST /cases/:id/diagnoses': {
        send: { source: 'board', primarySite: 'C50.4', histology: '8520/3', malignant: true },
      },
      'GET /cases/:id/diagnosis-changes': {},
      'POST /cases/:id/diagnosis-changes/:changeId/verification': { send: { outcome: 'board_correct' } },
      'GET /cases/:id/annotations': {},
      'POST /cases/:id/annotations': {
        send: {
          recordId: '00000000-0000-4000-8000-000000000001',
          anchor: { kind: 'page', page: 1 },
          findingType: 'grade',
          values: { grade: 'G3' },
          text: 'Grade 3 on review',
        },
      },
      'POST /cases/:id/annotations/:annotationId/amendments': {
        send: {
          anchor: { kind: 'page', page: 1 },
          findingType: 'grade',
          values: { grade: 'G2' },
          text: 'Grade 2 after all',
        },
      },
      'POST /cases/:id/readiness/waivers': {
        send: { item: 'lab_result', reason: 'not needed for this review' },
        coordinatorOnly: true,
      },
      'GET /cases/:id/follow-up': {},
      'GET /cases/:id/action-items': {},
      'POST /cases/:id/action-items': {
        send: {
          planId: '00000000-0000-4000-8000-000000000004',
          description: 'Book the operation',
          responsibleClinicianId: '00000000-0000-4000-8000-000000000005',
          dueDate: '2026-12-20',
        },
      },
      'GET /cases/:id/recommendation-outcome': {},
      'PUT /cases/:id/recommendation-outcome': { send: { outcome: 'carried_out' } },
    };
    // Every registered route of a case is in the matrix (admin-only break-glass is tested on its own).
    const caseRoutes = listRouteAudits(t.app.get(DiscoveryService), t.app.get(MetadataScanner), t.app.get(Reflector))
      .map((r) => r.route)
      .filter((r) => r.includes('/cases/:id') && !r.endsWith('/break-glass'));
    expect(caseRoutes.sort()).toEqual(Object.keys(samples).sort());
    const routes = Object.entries(samples).map(([route, sample]) => {
      const [method, pattern] = route.split(' ') as [string, string];
      return {
        method: method.toLowerCase() as 'get' | 'post' | 'delete' | 'put' | 'patch',
        path: `/api${pattern
          .replace(':id', c.id)
          .replace(':recordId', first.body.id as string)
          .replace(':level', '0')
          .replace(':tile', '0_0')
          .replace(':changeId', '00000000-0000-4000-8000-000000000002')
          .replace(':annotationId', '00000000-0000-4000-8000-000000000003')
          .replace(':planId', '00000000-0000-4000-8000-000000000004')}`,
        ...sample,
      };
    });
    const outsiders = [outsiderClinician, outsiderCoordinator];
    for (const [route, outsider] of routes.flatMap((r) =>
      outsiders
        .filter((o) => (o === outsiderCoordinator ? r.clinicianOnly !== true : r.coordinatorOnly !== true))
        .map((o) => [r, o] as const),
    )) {
      const before = await lastAuditId(t);
      let req = request(t.http)[route.method](route.path).set(bearer(outsider));
      req =
        route.attach === true
          ? req.field('type', 'pathology_report').attach('file', PDF, 'x.pdf')
          : req.send(route.send);
      const res = await req;
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('Testpatient');
      const rows = await auditRowsAfter(t, before);
      expect(rows).toEqual([expect.objectContaining({ outcome: 'denied', status_code: 404 })]);
      const [audit] = await t.dataSource.query<{ case_id: string; patient_id: string }[]>(
        'SELECT case_id, patient_id FROM audit_event WHERE id = $1',
        [rows[0].id],
      );
      expect(audit).toEqual({ case_id: c.id, patient_id: c.patient.id });
    }
    const list = await request(t.http).get('/api/cases').set(bearer(outsiderClinician));
    expect((list.body.items as { id: string }[]).map((i) => i.id)).not.toContain(c.id);

    expect((await request(t.http).get(`/api/cases/${c.id}`).set(bearer(clinician))).status).toBe(200);
    expect((await request(t.http).get(`/api/cases/${c.id}/readiness`).set(bearer(coord))).status).toBe(200);
    // Admins manage users and clinics; without break-glass a case is hidden from them too.
    expect((await request(t.http).get(`/api/cases/${c.id}`).set(bearer(admin))).status).toBe(404);
  });

  it('should let an admin read a case only under break-glass: reason, time limit, high-severity audit', async () => {
    const c = await newCase();
    expect((await request(t.http).get(`/api/cases/${c.id}`).set(bearer(admin))).status).toBe(404);
    const short = await request(t.http)
      .post(`/api/cases/${c.id}/break-glass`)
      .set(bearer(admin))
      .send({ reason: 'why', minutes: 500 });
    expect(short.status).toBe(400);
    expect((short.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['minutes', 'reason']);
    expect(
      (
        await request(t.http)
          .post(`/api/cases/${c.id}/break-glass`)
          .set(bearer(coord))
          .send({ reason: 'I would like to look', minutes: 30 })
      ).status,
    ).toBe(403);

    const before = await lastAuditId(t);
    const grant = await request(t.http)
      .post(`/api/cases/${c.id}/break-glass`)
      .set(bearer(admin))
      .send({ reason: 'Emergency admission; treating team unreachable at night', minutes: 30 });
    expect(grant.status).toBe(201);
    const read = await request(t.http).get(`/api/cases/${c.id}`).set(bearer(admin));
    expect(read.status).toBe(200);
    const rows = await t.dataSource.query<{ action: string; severity: string; reason: string; patient_id: string }[]>(
      'SELECT action, severity, reason, patient_id FROM audit_event WHERE id > $1 ORDER BY id',
      [before],
    );
    expect(rows).toEqual([
      { action: 'case.break_glass', severity: 'high', reason: 'break_glass', patient_id: c.patient.id },
      { action: 'case.read', severity: 'high', reason: 'break_glass', patient_id: c.patient.id },
    ]);
    // Read only: no changes under break-glass.
    expect(
      (await request(t.http).post(`/api/cases/${c.id}/transitions`).set(bearer(admin)).send({ to: 'withdrawn' }))
        .status,
    ).toBe(403);
    // Expired grants open nothing.
    await t.dataSource.query(`UPDATE break_glass_grant SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      grant.body.grantId,
    ]);
    expect((await request(t.http).get(`/api/cases/${c.id}`).set(bearer(admin))).status).toBe(404);
    const review = await request(t.http)
      .get('/api/audit-events')
      .query({ severity: 'high', caseId: c.id })
      .set(bearer(admin));
    expect(review.body.items).toHaveLength(2);
  });

  it('should list cases newest first with filters, keyset pages and a coordinator-only name search', async () => {
    const mine = [];
    for (let i = 0; i < 5; i++) {
      const body = referralBody(clinicId);
      (body.patient as Record<string, string>).familyName = `Listsearch${i}`;
      mine.push(
        (
          (
            await request(t.http)
              .post('/api/cases')
              .set(bearer(coord))
              .send({ ...body, urgency: i % 2 === 0 ? 'urgent' : 'routine' })
          ).body as { id: string }
        ).id,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.http)
        .get('/api/cases')
        .query({ limit: 2, q: 'listsearch', ...(cursor === null ? {} : { cursor }) })
        .set(bearer(coord));
      expect(res.status).toBe(200);
      seen.push(...(res.body.items as { id: string }[]).map((i) => i.id));
      cursor = res.body.nextCursor as string | null;
    } while (cursor !== null);
    expect(seen).toEqual([...mine].reverse());

    const urgent = await request(t.http)
      .get('/api/cases')
      .query({ q: 'LISTSEARCH', urgency: 'urgent' })
      .set(bearer(coord));
    expect(urgent.body.items).toHaveLength(3);
    // Every patient a list shows is in its audit row, and "who saw patient X" finds it.
    const [row] = await t.dataSource.query<{ id: string; disclosed: string[] }[]>(
      `SELECT id::text, disclosed_patient_ids::text[] AS disclosed FROM audit_event WHERE request_id = $1 AND action = 'case.list'`,
      [urgent.headers['x-request-id']],
    );
    const shown = (urgent.body.items as { patient: { id: string } }[]).map((i) => i.patient.id);
    expect([...(row?.disclosed ?? [])].sort()).toEqual([...shown].sort());
    const adminView = await request(t.http)
      .get('/api/audit-events')
      .query({ patientId: shown[0], action: 'case.list' })
      .set(bearer(admin));
    expect((adminView.body.items as { id: string }[]).map((e) => e.id)).toContain(row?.id);
    const clinicianSearch = await request(t.http).get('/api/cases').query({ q: 'listsearch' }).set(bearer(clinician));
    expect(clinicianSearch.status).toBe(403);
    const bad = await request(t.http).get('/api/cases').query({ q: 'x%' }).set(bearer(coord));
    expect(bad.status).toBe(400);
  });

  it('should show in each list row the sex, the diagnosis that stands, the readiness gaps and the next visit', async () => {
    const body = referralBody(clinicId);
    (body.patient as Record<string, string>).familyName = 'Rowfields';
    const id = ((await request(t.http).post('/api/cases').set(bearer(coord)).send(body)).body as { id: string }).id;
    type Row = {
      id: string;
      patient: { sex: string };
      diagnosis: { source: string; primarySite: string | null; histology: string | null } | null;
      readinessGaps: string[];
      nextVisitAt: string | null;
      nextBoardAt: string | null;
    };
    const row = async (): Promise<Row | undefined> =>
      (
        (await request(t.http).get('/api/cases').query({ q: 'rowfields' }).set(bearer(coord))).body as {
          items: Row[];
        }
      ).items.find((i) => i.id === id);
    // Only the referral so far: its diagnosis, every required record missing, nothing booked.
    expect(await row()).toMatchObject({
      patient: { sex: 'female' },
      diagnosis: { source: 'referring', primarySite: 'C50.4', histology: '8500/3' },
      // The clinic's rules also ask for a lab result of the last 14 days.
      readinessGaps: ['pathology_report', 'imaging_mri', 'medication_list', 'lab_result'],
      nextVisitAt: null,
      nextBoardAt: null,
    });
    // The board's diagnosis outranks the referral; a waiver and a record close two gaps.
    const board = await request(t.http)
      .post(`/api/cases/${id}/diagnoses`)
      .set(bearer(coord))
      .send({
        source: 'board',
        primarySite: 'C50.4',
        histology: '8520/3',
        laterality: 'left',
        malignant: true,
        evidenceSources: ['slide_review'],
        drivingDiscipline: 'pathology',
        managementImpact: 'none',
      });
    expect(board.status).toBe(201);
    const waiver = await request(t.http)
      .post(`/api/cases/${id}/readiness/waivers`)
      .set(bearer(coord))
      .send({ item: 'medication_list', reason: 'No current medications, confirmed by phone' });
    expect(waiver.status).toBe(201);
    const upload = await request(t.http)
      .post(`/api/cases/${id}/records`)
      .set(bearer(coord))
      .field('type', 'pathology_report')
      .attach('file', PDF, { filename: 'path.pdf', contentType: 'application/pdf' });
    expect(upload.status).toBe(201);
    expect(await row()).toMatchObject({
      diagnosis: { source: 'board', histology: '8520/3' },
      readinessGaps: ['imaging_mri', 'lab_result'],
    });
  });

  it('should answer random malformed referrals with 400, never 500, and write nothing', async () => {
    const before = {
      cases: await countRows(t, 'second_opinion_case'),
      patients: await countRows(t, 'patient'),
      dx: await countRows(t, 'diagnosis_assessment'),
    };
    const valid = referralBody(clinicId);
    const existingMrns = new Set(
      (await t.dataSource.query<{ mrn: string }[]>('SELECT mrn FROM patient')).map((r) => r.mrn),
    );
    let accepted = 0;
    const acceptedMrns = new Set<string>();
    const mutation = fc.oneof(
      fc.record({
        path: fc.constantFrom(
          'patient',
          'referringDiagnosis',
          'referringRecommendation',
          'reason',
          'urgency',
          'clinicId',
          'patient.mrn',
          'patient.birthDate',
          'referringDiagnosis.primarySite',
          'referringDiagnosis.histology',
          'referringDiagnosis.clinicalStage',
          'referringDiagnosis.malignant',
        ),
        value: fc.oneof(
          fc.string(),
          fc.integer(),
          fc.constant(null),
          fc.boolean(),
          fc.array(fc.string(), { maxLength: 2 }),
          fc.object({ maxDepth: 1 }),
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const body = structuredClone(valid);
        (body.patient as Record<string, unknown>).mrn = `FC${Math.random().toString(36).slice(2, 10)}`.toUpperCase();
        for (const { path: p, value } of mutations) {
          const keys = p.split('.');
          let target = body;
          for (const k of keys.slice(0, -1)) {
            if (typeof target[k] !== 'object' || target[k] === null) target[k] = {};
            target = target[k] as Record<string, unknown>;
          }
          target[keys.at(-1)!] = value;
        }
        const res = await request(t.http).post('/api/cases').set(bearer(coord)).send(body);
        expect(res.status).not.toBe(500);
        // A mutation may by chance keep the referral valid; anything else is a 400.
        if (res.status === 201) {
          accepted += 1;
          acceptedMrns.add((res.body as { patient: { mrn: string } }).patient.mrn);
        } else {
          expect(res.status).toBe(400);
        }
        return true;
      }),
      { numRuns: 120 },
    );
    const after = {
      cases: await countRows(t, 'second_opinion_case'),
      patients: await countRows(t, 'patient'),
      dx: await countRows(t, 'diagnosis_assessment'),
    };
    // Exactly what was accepted was written: a case and a referring diagnosis each, and a patient per new MRN.
    const newPatients = [...acceptedMrns].filter((m) => !existingMrns.has(m)).length;
    expect(after).toEqual({
      cases: before.cases + accepted,
      patients: before.patients + newPatients,
      dx: before.dx + accepted,
    });
  });

  describe('intake as clinicians expect it', () => {
    const lung = { primarySite: 'C34.1', histology: '8140/3', laterality: 'left', malignant: true };
    const fieldsOf = (body: { errors?: { field: string }[] }): string[] => (body.errors ?? []).map((e) => e.field);
    const messageOf = (body: { errors?: { field: string; messages: string[] }[] }, field: string): string =>
      (body.errors ?? []).find((e) => e.field === field)?.messages.join(' ') ?? '';

    it('should refuse a lung primary in the breast clinic, naming referringDiagnosis.primarySite in words', async () => {
      const before = await countRows(t, 'second_opinion_case');
      const res = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .send(referralBody(clinicId, { referringDiagnosis: lung }));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(fieldsOf(res.body)).toEqual(['referringDiagnosis.primarySite']);
      const message = messageOf(res.body, 'referringDiagnosis.primarySite');
      expect(message).toMatch(/^C34\.1 \(Upper lobe, lung\) is not a cancer type of the Breast MDC /);
      expect(message).toContain('C50 (Breast)');
      expect(message).toContain('siteOverride');
      expect(await countRows(t, 'second_opinion_case')).toBe(before);
    });

    it('should take a lung primary into the breast clinic with an explicit override, storing and auditing its reason', async () => {
      const reason = 'Synchronous left breast and lung primaries; the breast board leads the work-up';
      const tooShort = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .send(referralBody(clinicId, { referringDiagnosis: lung, siteOverride: { reason: 'ok' } }));
      expect(tooShort.status).toBe(400);
      expect(fieldsOf(tooShort.body)).toEqual(['siteOverride.reason']);
      // An override where none is needed is a mistake worth saying.
      const needless = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .send(referralBody(clinicId, { siteOverride: { reason } }));
      expect(needless.status).toBe(400);
      expect(fieldsOf(needless.body)).toEqual(['siteOverride']);

      const before = await lastAuditId(t);
      const res = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .send(referralBody(clinicId, { referringDiagnosis: lung, siteOverride: { reason: `  ${reason} ` } }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        clinicId,
        siteOverride: { reason },
        referringDiagnosis: { primarySite: 'C34.1' },
      });
      expect(await auditRowsAfter(t, before)).toEqual([
        expect.objectContaining({
          action: 'case.create',
          outcome: 'success',
          entity_id: res.body.id,
          reason: 'site_override',
        }),
      ]);
      const [stored] = await t.dataSource.query<{ site_override_reason: string }[]>(
        'SELECT site_override_reason FROM second_opinion_case WHERE id = $1',
        [res.body.id],
      );
      expect(stored?.site_override_reason).toBe(reason);
      expect((await request(t.http).get(`/api/cases/${res.body.id}`).set(bearer(clinician))).body.siteOverride).toEqual(
        {
          reason,
        },
      );
      const [event] = await t.dataSource.query<{ payload: Record<string, unknown> }[]>(
        `SELECT payload FROM board_event WHERE case_id = $1 AND type = 'case.referred'`,
        [res.body.id],
      );
      expect(event?.payload).toMatchObject({ siteOverride: true });
      // A case inside the clinic's cancer types carries none.
      expect(
        (
          await request(t.http)
            .get(`/api/cases/${(await newCase()).id}`)
            .set(bearer(coord))
        ).body.siteOverride,
      ).toBeNull();
    });

    it('should refuse a readiness waiver for an item the clinic does not require, naming the field', async () => {
      const c = await newCase();
      const before = await countRows(t, 'readiness_waiver');
      const res = await request(t.http)
        .post(`/api/cases/${c.id}/readiness/waivers`)
        .set(bearer(coord))
        .send({ item: 'genetic_test', reason: 'Patient declined germline testing' });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['item']);
      expect(messageOf(res.body, 'item')).toMatch(
        /genetic_test is not a record .* requires.*waivable: .*pathology_report/,
      );
      expect(await countRows(t, 'readiness_waiver')).toBe(before);
      // A required one is still waivable.
      const required = await request(t.http)
        .post(`/api/cases/${c.id}/readiness/waivers`)
        .set(bearer(coord))
        .send({ item: 'imaging_mri', reason: 'Outside MRI judged sufficient by radiology' });
      expect(required.status).toBe(201);
    });

    it('should match the same MRN and name typed in another Unicode form (NFD) as the same patient', async () => {
      const nfc = 'M\u00fcller';
      const nfd = 'Mu\u0308ller';
      expect(nfd).not.toBe(nfc);
      const first = referralBody(clinicId);
      const patient = first.patient as Record<string, unknown>;
      const a = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .send({ ...first, patient: { ...patient, familyName: nfd, givenName: 'Jo\u0308rg' } });
      expect(a.status).toBe(201);
      // Stored composed, whatever form it came in.
      expect(a.body.patient).toMatchObject({ familyName: nfc, givenName: 'J\u00f6rg' });
      for (const familyName of [nfc, ` ${nfd} `, 'MU\u0308LLER']) {
        const b = await request(t.http)
          .post('/api/cases')
          .set(bearer(coord))
          .send({ ...first, patient: { ...patient, familyName } });
        expect(b.status).toBe(201);
        expect(b.body.patient.id).toBe(a.body.patient.id);
      }
      // A different name is still a mix-up.
      const mixup = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .send({ ...first, patient: { ...patient, familyName: 'Moller' } });
      expect(mixup.status).toBe(409);
      // And the name is found whichever form the search is typed in.
      const found = await request(t.http).get('/api/cases').query({ q: 'mu\u0308ll' }).set(bearer(coord));
      expect(found.status).toBe(200);
      expect((found.body.items as { patient: { id: string } }[]).map((i) => i.patient.id)).toContain(a.body.patient.id);
    });

    it('should find a one-character family name such as 王, through the family-name index', async () => {
      const body = referralBody(clinicId);
      Object.assign(body.patient as Record<string, unknown>, { familyName: '王', givenName: '小明' });
      const created = await request(t.http).post('/api/cases').set(bearer(coord)).send(body);
      expect(created.status).toBe(201);
      const res = await request(t.http).get('/api/cases').query({ q: '王' }).set(bearer(coord));
      expect(res.status).toBe(200);
      expect(
        (res.body.items as { id: string; patient: { familyName: string } }[]).map((i) => [i.id, i.patient.familyName]),
      ).toEqual([[created.body.id, '王']]);
      // One character is an exact family name, so it stays selective and uses the index.
      const plan = await t.dataSource.transaction(async (m) => {
        await m.query('SET LOCAL enable_seqscan = off');
        return m.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN SELECT id FROM patient p WHERE lower(p.family_name) = $1`, [
          '王',
        ]);
      });
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('IDX_patient_family_name');
      const empty = await request(t.http).get('/api/cases').query({ q: ' ' }).set(bearer(coord));
      expect(empty.status).toBe(400);
      expect(fieldsOf(empty.body)).toEqual(['q']);
    });
  });
});
