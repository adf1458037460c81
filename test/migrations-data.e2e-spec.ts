/**
 * Migrations carry existing data forward: a database in the shape before
 * "patients per clinic" and "trials per clinic" (one patient record shared by
 * two clinics, trials listed for everyone) keeps every case, patient and
 * trial after them, each clinic with its own records.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { createTestDatabase, revertMigrations } from './utils/test-database.js';

const clinic = (name: string) =>
  `INSERT INTO clinic (name, time_zone, day_start, day_end, cancer_types, required_disciplines, precedence,
                       required_record_types, readiness_rules, quorum_disciplines, consensus_rule, version, created_at)
   VALUES ('${name}', 'America/Denver', '08:00', '17:00', ARRAY['C50'], '[]', '[]', '{}', '[]', ARRAY['pathology'],
           'majority_without_required_dissent', 1, now() - interval '${name === 'A' ? 2 : 1} day') RETURNING id`;

describe('Migrations carry data forward (patients and trials per clinic)', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    ds = new DataSource(dataSourceOptions(db.url, 2));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await drop();
  });

  it('should give each clinic its own copy of a shared patient and of each trial, losing nothing', async () => {
    await revertMigrations(ds, 'PatientsPerClinic1795726000000', 'TrialsPerClinic1795726100000');

    const [a] = await ds.query<{ id: string }[]>(clinic('A'));
    const [b] = await ds.query<{ id: string }[]>(clinic('B'));
    const [shared] = await ds.query<{ id: string }[]>(
      `INSERT INTO patient (mrn, family_name, given_name, birth_date, sex, phone, consent_to_record, version)
       VALUES ('MRN-1', 'Shared', 'Pat', '1960-01-01', 'female', '+1 555 0100', true, 1) RETURNING id`,
    );
    await ds.query(
      `INSERT INTO patient (mrn, family_name, given_name, birth_date, sex, version) VALUES ('MRN-2', 'Nocase', 'Al', '1970-01-01', 'male', 1)`,
    );
    const newCase = (clinicId: string, at: string) =>
      ds.query<{ id: string }[]>(
        `INSERT INTO second_opinion_case (patient_id, clinic_id, status, reason, initiator, urgency, referring_clinician,
                                          referring_institution, referring_recommendation, created_at, version)
         VALUES ($1, $2, 'referred', 'patient_request', 'patient', 'routine', 'Dr. R', 'Hospital', '[]', $3, 1) RETURNING id`,
        [shared.id, clinicId, at],
      );
    const [inA] = await newCase(a.id, '2026-01-01T10:00:00Z');
    const [inB] = await newCase(b.id, '2026-02-01T10:00:00Z');
    await ds.query(
      `INSERT INTO trial (nct_id, title, phase, status, eligibility, version) VALUES ('NCT01234567', 'A trial', '3', 'recruiting', '{}', 1)`,
    );

    await ds.runMigrations({ transaction: 'each' });

    const patients = await ds.query<
      {
        id: string;
        clinic_id: string;
        mrn: string;
        family_name: string;
        phone: string | null;
        consent_to_record: boolean;
      }[]
    >(
      `SELECT id, clinic_id, mrn, family_name, phone, consent_to_record FROM patient ORDER BY mrn, clinic_id = $1 DESC`,
      [a.id],
    );
    // The shared record stays with A (its first case); B gets a copy; the patient without a case goes to A.
    expect(patients.map((p) => [p.mrn, p.clinic_id])).toEqual([
      ['MRN-1', a.id],
      ['MRN-1', b.id],
      ['MRN-2', a.id],
    ]);
    expect(patients[0].id).toBe(shared.id);
    expect(patients[1]).toMatchObject({ family_name: 'Shared', phone: '+1 555 0100', consent_to_record: true });
    const cases = await ds.query<{ id: string; patient_id: string }[]>(
      `SELECT id, patient_id FROM second_opinion_case`,
    );
    expect(Object.fromEntries(cases.map((c) => [c.id, c.patient_id]))).toEqual({
      [inA.id]: shared.id,
      [inB.id]: patients[1].id,
    });
    const trials = await ds.query<{ clinic_id: string; nct_id: string }[]>(
      `SELECT clinic_id, nct_id FROM trial ORDER BY clinic_id = $1 DESC`,
      [a.id],
    );
    expect(trials).toEqual([
      { clinic_id: a.id, nct_id: 'NCT01234567' },
      { clinic_id: b.id, nct_id: 'NCT01234567' },
    ]);
    // And the database now refuses a case whose patient belongs to another clinic.
    await expect(
      ds.query(`UPDATE second_opinion_case SET patient_id = $1 WHERE id = $2`, [shared.id, inB.id]),
    ).rejects.toThrow(/another clinic/);
  });

  it('should give existing annotations the W3C selector their anchor describes, changing nothing they say', async () => {
    await revertMigrations(ds, 'AnnotationSelectors1795729000000');
    const [c] = await ds.query<{ id: string }[]>(`SELECT id FROM second_opinion_case LIMIT 1`);
    const [rec] = await ds.query<{ id: string }[]>(
      `INSERT INTO case_record (case_id, type, kind, study_uid, dicomweb_url)
       VALUES ($1, 'imaging_ct', 'dicomweb', '1.2.3', 'https://pacs.example.org/1') RETURNING id`,
      [c.id],
    );
    const annotate = async (anchor: object) =>
      (
        await ds.query<{ id: string }[]>(
          `INSERT INTO annotation (case_id, record_id, anchor, finding_type, values, text, version, author_discipline)
           VALUES ($1, $2, $3, 'other', '{}', 'as written', 1, 'pathology') RETURNING id`,
          [c.id, rec.id, JSON.stringify(anchor)],
        )
      )[0].id;
    const onPage = await annotate({ kind: 'page', page: 2, region: { x: 10, y: 20.5, width: 100, height: 50 } });
    const wholePage = await annotate({ kind: 'page', page: 4 });
    const point = await annotate({ kind: 'slide', x: 1200, y: 800 });
    const wholeSlide = await annotate({ kind: 'slide', slide: 'A1' });

    await ds.runMigrations({ transaction: 'each' });

    const rows = await ds.query<{ id: string; selector: unknown; text: string; anchor: unknown }[]>(
      `SELECT id, selector, text, anchor FROM annotation`,
    );
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(by[onPage]?.selector).toEqual({
      type: 'FragmentSelector',
      conformsTo: 'http://tools.ietf.org/rfc/rfc3778',
      value: 'page=2',
      refinedBy: {
        type: 'FragmentSelector',
        conformsTo: 'http://www.w3.org/TR/media-frags/',
        value: 'xywh=pixel:10,20.5,100,50',
      },
    });
    expect(by[wholePage]?.selector).toEqual({
      type: 'FragmentSelector',
      conformsTo: 'http://tools.ietf.org/rfc/rfc3778',
      value: 'page=4',
    });
    expect(by[point]?.selector).toEqual({
      type: 'SvgSelector',
      value: '<svg><circle cx="1200" cy="800" r="6"></circle></svg>',
    });
    expect(by[wholeSlide]?.selector).toBeNull();
    expect(rows.every((r) => r.text === 'as written')).toBe(true);
    expect(by[point]?.anchor).toEqual({ kind: 'slide', x: 1200, y: 800 });
    // Still immutable afterwards.
    await expect(ds.query(`UPDATE annotation SET text = 'changed' WHERE id = $1`, [point])).rejects.toThrow();
  });
});
