/**
 * Issue 15, the attacks on shared records, each reproduced and refused:
 * 1. cross-clinic patient disclosure through intake (patients belong to a clinic);
 * 6. trials planted in another clinic's letters, never edited or withdrawn, NCT ids claimed first;
 * 7. a coordinator making themselves a pathologist.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import {
  bearer,
  createTestApp,
  createUser,
  login,
  type TestApp,
  type TestUser,
  type Tokens,
} from './utils/test-app.js';

describe('Security: records that belong to a clinic', () => {
  let t: TestApp;
  let admin: Tokens;
  let clinicA: string;
  let clinicB: string;
  let coordA: Tokens;
  let coordB: Tokens;
  let coordBUser: TestUser;
  let doctorA: Tokens;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t, await createUser(t, 'admin'));
    clinicA = (await createClinic(t, admin, breastClinicBody(`Clinic A ${Date.now()}`))).id;
    clinicB = (await createClinic(t, admin, breastClinicBody(`Clinic B ${Date.now()}`))).id;
    const a = await createUser(t, 'coordinator');
    coordBUser = await createUser(t, 'coordinator');
    const d = await createUser(t, 'clinician');
    await addMember(t, admin, clinicA, a.id);
    await addMember(t, admin, clinicA, d.id);
    await addMember(t, admin, clinicB, coordBUser.id);
    [coordA, coordB, doctorA] = await Promise.all([login(t, a), login(t, coordBUser), login(t, d)]);
  });
  afterAll(async () => {
    await t.close();
  });

  const intake = (tokens: Tokens, body: Record<string, unknown>) =>
    request(t.http).post('/api/cases').set(bearer(tokens)).send(body);

  it("should not let another clinic's coordinator probe or attach to a patient by MRN (item 1)", async () => {
    const own = referralBody(clinicA);
    const patientA = {
      ...(own.patient as { mrn: string; familyName: string; birthDate: string }),
      phone: '+1 303 555 0101',
      email: 'a.patient@example.org',
      consentToRecord: true,
    };
    const inA = await intake(coordA, { ...own, patient: patientA });
    expect(inA.status).toBe(201);

    // The attack: B sends A's MRN with a wrong name, expecting 409 to confirm the MRN exists...
    const probe = await intake(coordB, {
      ...referralBody(clinicB),
      patient: {
        ...patientA,
        familyName: 'Guess',
        givenName: 'X',
        phone: undefined,
        email: undefined,
        consentToRecord: false,
      },
    });
    expect(probe.status).toBe(201); // a new record of B's: nothing about A's patient is confirmed
    expect(JSON.stringify(probe.body)).not.toMatch(/different family name|555 0101|a\.patient@/);

    // ...then with the right name and birth date, expecting A's record (given name, phone, e-mail) back.
    const again = await intake(coordB, {
      ...referralBody(clinicB),
      patient: {
        mrn: patientA.mrn,
        familyName: patientA.familyName,
        givenName: 'Other',
        birthDate: patientA.birthDate,
        sex: 'female',
        consentToRecord: false,
      },
    });
    // B's own record of that MRN has the name "Guess": B's mix-up is refused within B, never matched to A.
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).not.toMatch(/Synthetic|555 0101|a\.patient@/);

    const rows = await t.dataSource.query<
      {
        clinic_id: string;
        family_name: string;
        phone: string | null;
        email: string | null;
        consent_to_record: boolean;
      }[]
    >(
      `SELECT p.clinic_id, p.family_name, p.phone, p.email, p.consent_to_record FROM patient p WHERE p.mrn = upper($1) ORDER BY p.clinic_id = $2 DESC`,
      [patientA.mrn, clinicA],
    );
    expect(rows).toEqual([
      {
        clinic_id: clinicA,
        family_name: patientA.familyName,
        phone: '+1 303 555 0101',
        email: 'a.patient@example.org',
        consent_to_record: true,
      },
      { clinic_id: clinicB, family_name: 'Guess', phone: null, email: null, consent_to_record: false }, // B's consent is B's
    ]);
    // B's case is on B's record; A's patient has only A's case.
    const [{ n }] = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM second_opinion_case c JOIN patient p ON p.id = c.patient_id WHERE p.clinic_id <> c.clinic_id`,
    );
    expect(n).toBe(0);
    const read = await request(t.http)
      .get(`/api/cases/${String(probe.body.id)}`)
      .set(bearer(coordB));
    expect(read.body.patient).toMatchObject({ familyName: 'Guess' });
    expect(JSON.stringify(read.body)).not.toMatch(/555 0101|a\.patient@/);
  });

  it("should keep trials to the clinic that lists them: not in another clinic's letters, edited and withdrawn by its coordinators (item 6)", async () => {
    const nctId = 'NCT09990001';
    const eligibility = { sites: ['C50'] };
    // B plants a "trial" with a phone number; it must never reach A's patients.
    const planted = await request(t.http).post('/api/trials').set(bearer(coordB)).send({
      nctId,
      title: 'Planted by clinic B: call +1-900-555-0199',
      phase: '3',
      status: 'recruiting',
      eligibility,
    });
    expect(planted.status).toBe(201);
    expect(planted.body.clinicId).toBe(clinicB);
    // Claiming an NCT id first does not stop A from listing the real trial.
    const real = await request(t.http)
      .post('/api/trials')
      .set(bearer(coordA))
      .send({ nctId, title: 'The real trial', phase: '3', status: 'recruiting', eligibility });
    expect(real.status).toBe(201);
    expect(
      (
        await request(t.http)
          .post('/api/trials')
          .set(bearer(coordA))
          .send({ nctId, title: 'x', phase: '3', status: 'recruiting', eligibility })
      ).status,
    ).toBe(409);
    // B cannot list into A's clinic (which it is not told exists), nor see, edit or withdraw A's trial.
    expect(
      (
        await request(t.http)
          .post('/api/trials')
          .set(bearer(coordB))
          .send({ clinicId: clinicA, nctId: 'NCT09990002', title: 'x', phase: '3', status: 'recruiting', eligibility })
      ).status,
    ).toBe(404);
    expect(
      (
        await request(t.http)
          .get(`/api/trials/${String(real.body.id)}`)
          .set(bearer(coordB))
      ).status,
    ).toBe(404);
    expect(
      (
        await request(t.http)
          .patch(`/api/trials/${String(real.body.id)}`)
          .set(bearer(coordB))
          .set('If-Match', '"1"')
          .send({ title: 'Hijacked' })
      ).status,
    ).toBe(404);
    expect(
      (
        await request(t.http)
          .post(`/api/trials/${String(real.body.id)}/withdrawal`)
          .set(bearer(coordB))
          .send({ reason: 'sabotage' })
      ).status,
    ).toBe(404);
    const listedToB = (await request(t.http).get('/api/trials').set(bearer(coordB))).body as { title: string }[];
    expect(listedToB.map((x) => x.title)).toEqual(['Planted by clinic B: call +1-900-555-0199']);

    // A's patient is offered A's trial only, and A's letter does not carry B's text.
    const c = await intake(coordA, referralBody(clinicA));
    const matches = (
      await request(t.http)
        .get(`/api/cases/${String(c.body.id)}/trial-matches`)
        .set(bearer(doctorA))
    ).body as { title: string }[];
    expect(matches.map((m) => m.title)).toEqual(['The real trial']);
    const letter = await request(t.http)
      .get(`/api/cases/${String(c.body.id)}/report`)
      .set(bearer(doctorA));
    expect(letter.text).not.toContain('+1-900-555-0199');

    // A's coordinator edits (with If-Match) and withdraws it; a withdrawn trial is kept and no longer offered.
    const stale = await request(t.http)
      .patch(`/api/trials/${String(real.body.id)}`)
      .set(bearer(coordA))
      .set('If-Match', '"9"')
      .send({ title: 'x' });
    expect(stale.status).toBe(412);
    const edited = await request(t.http)
      .patch(`/api/trials/${String(real.body.id)}`)
      .set(bearer(coordA))
      .set('If-Match', `"${String(real.body.version)}"`)
      .send({ title: 'The real trial (amended)' });
    expect(edited.status).toBe(200);
    expect(edited.body.title).toBe('The real trial (amended)');
    const withdrawn = await request(t.http)
      .post(`/api/trials/${String(real.body.id)}/withdrawal`)
      .set(bearer(coordA))
      .send({ reason: 'Closed to accrual at our site' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ withdrawnReason: 'Closed to accrual at our site' });
    expect(
      (
        (
          await request(t.http)
            .get(`/api/cases/${String(c.body.id)}/trial-matches`)
            .set(bearer(doctorA))
        ).body as unknown[]
      ).length,
    ).toBe(0);
    // The audit trail names who edited and withdrew it.
    const actions = await t.dataSource.query<{ action: string }[]>(
      `SELECT action FROM audit_event WHERE entity_id = $1 ORDER BY id`,
      [real.body.id],
    );
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['trial.create', 'trial.update', 'trial.withdraw']),
    );
  });

  it('should not let a coordinator make themselves (or anyone) a pathologist; only an admin assigns disciplines, never to themselves (item 7)', async () => {
    const self = await request(t.http)
      .post('/api/specialists')
      .set(bearer(coordB))
      .send({ userId: coordBUser.id, disciplines: ['pathology'], clinicIds: [clinicB] });
    expect(self.status).toBe(403);
    const doctor = await createUser(t, 'clinician');
    expect(
      (
        await request(t.http)
          .post('/api/specialists')
          .set(bearer(coordB))
          .send({ userId: doctor.id, disciplines: ['pathology'], clinicIds: [clinicB] })
      ).status,
    ).toBe(403);
    const [{ n }] = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM specialist WHERE user_id IN ($1, $2)`,
      [coordBUser.id, doctor.id],
    );
    expect(n).toBe(0);
    expect(
      (
        await request(t.http)
          .post('/api/specialists')
          .set(bearer(admin))
          .send({ userId: doctor.id, disciplines: ['pathology'], clinicIds: [clinicB] })
      ).status,
    ).toBe(201);
    // The assignment, and both refusals, are on the record; the assignment at high severity.
    const rows = await t.dataSource.query<{ outcome: string; severity: string }[]>(
      `SELECT outcome, severity FROM audit_event WHERE action = 'specialist.create' ORDER BY id`,
    );
    expect(rows).toEqual([
      expect.objectContaining({ outcome: 'denied' }),
      expect.objectContaining({ outcome: 'denied' }),
      { outcome: 'success', severity: 'high' },
    ]);
  });
});
