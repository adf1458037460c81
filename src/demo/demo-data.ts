import { hash } from '@node-rs/argon2';
import type { DataSource, EntityManager } from 'typeorm';
import type { Diagnosis } from '../diagnoses/comparison.js';
import { seedDemoReview } from './demo-review.js';

/** Demo logins, listed in the README. Synthetic data only. */
export const DEMO_PASSWORD = 'consilium-demo';
export const DEMO_USERS = [
  { email: 'admin@demo.consilium.dev', name: 'Demo Administrator', role: 'admin', discipline: null },
  { email: 'coordinator@demo.consilium.dev', name: 'Casey Coordinator (demo)', role: 'coordinator', discipline: null },
  {
    email: 'medonc@demo.consilium.dev',
    name: 'Dr. Morgan Medonc (demo)',
    role: 'clinician',
    discipline: 'medical_oncology',
  },
  {
    email: 'surgonc@demo.consilium.dev',
    name: 'Dr. Sam Surgonc (demo)',
    role: 'clinician',
    discipline: 'surgical_oncology',
  },
  {
    email: 'radonc@demo.consilium.dev',
    name: 'Dr. Riley Radonc (demo)',
    role: 'clinician',
    discipline: 'radiation_oncology',
  },
  {
    email: 'pathology@demo.consilium.dev',
    name: 'Dr. Pat Pathology (demo)',
    role: 'clinician',
    discipline: 'pathology',
  },
  {
    email: 'radiology@demo.consilium.dev',
    name: 'Dr. Ray Radiology (demo)',
    role: 'clinician',
    discipline: 'radiology',
  },
  {
    email: 'genetics@demo.consilium.dev',
    name: 'Gene Counselor (demo)',
    role: 'clinician',
    discipline: 'genetic_counseling',
  },
] as const;

export const DEMO_CLINIC = 'Breast Multidisciplinary Clinic (demo)';
export const DEMO_CASES = 70;

const FAMILY = [
  'Abbott',
  'Brennan',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fontaine',
  'Garcia',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
];
const GIVEN = [
  'Ada',
  'Beatriz',
  'Chloe',
  'Dana',
  'Elena',
  'Fatima',
  'Grace',
  'Hana',
  'Ines',
  'Julia',
  'Keiko',
  'Lena',
  'Maya',
  'Nora',
];
const SITES = ['C50.1', 'C50.2', 'C50.4', 'C50.4', 'C50.5', 'C50.8', 'C50.9'];
const HISTOLOGY = ['8500/3', '8500/3', '8500/3', '8520/3', '8500/2', '8522/3'];
const STAGES = [
  { t: 'T1c', n: 'N0', m: 'M0', stageGroup: 'IA' },
  { t: 'T2', n: 'N0', m: 'M0', stageGroup: 'IIA' },
  { t: 'T2', n: 'N1a', m: 'M0', stageGroup: 'IIB' },
  { t: 'T3', n: 'N1a', m: 'M0', stageGroup: 'IIIA' },
  { t: 'Tis', n: 'N0', m: 'M0', stageGroup: '0' },
];
const REASONS = ['patient_request', 'referral_expertise', 'insurance_required', 'patient_request', 'rare_cancer'];

export type Progress = (done: number, total: number) => void;

/** Whether the demo clinic exists already (the seed runs once). */
export async function demoSeeded(ds: DataSource): Promise<boolean> {
  const rows = await ds.query<unknown[]>('SELECT 1 FROM clinic WHERE name = $1', [DEMO_CLINIC]);
  return rows.length > 0;
}

/** Whether the database has no users and no clinics yet. */
export async function databaseEmpty(ds: DataSource): Promise<boolean> {
  const [row] = await ds.query<{ n: number }[]>(
    'SELECT (SELECT count(*) FROM app_user) + (SELECT count(*) FROM clinic) AS n',
  );
  return Number(row?.n ?? 0) === 0;
}

/**
 * A synthetic breast MDC: its disciplines and rules, rooms, specialists with
 * logins and weekly availability, and 70 referred cases (the size of the
 * Garcia et al. series). Every patient and case is marked synthetic.
 */
export async function seedDemo(ds: DataSource, progress: Progress = () => undefined): Promise<void> {
  const passwordHash = await hash(DEMO_PASSWORD, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
  await ds.transaction(async (m) => {
    const userIds = new Map<string, string>();
    for (const u of DEMO_USERS) {
      const [row] = await m.query<{ id: string }[]>(
        `INSERT INTO app_user (email, display_name, role, password_hash, active, version) VALUES ($1, $2, $3, $4, true, 1)
         ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id`,
        [u.email, u.name, u.role, passwordHash],
      );
      userIds.set(u.email, row.id);
    }
    const [clinic] = await m.query<{ id: string }[]>(
      `INSERT INTO clinic (name, time_zone, day_start, day_end, cancer_types, required_disciplines, precedence,
                           required_record_types, readiness_rules, quorum_disciplines, consensus_rule, version)
       VALUES ($1, 'America/Denver', '08:00', '17:00', ARRAY['C50'], $2, $3, $4, $5, $6, 'majority_without_required_dissent', 1)
       RETURNING id`,
      [
        DEMO_CLINIC,
        JSON.stringify([
          { discipline: 'radiology', minutes: 30, patientAttends: false },
          { discipline: 'pathology', minutes: 30, patientAttends: false },
          { discipline: 'surgical_oncology', minutes: 45, patientAttends: true },
          { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
          { discipline: 'radiation_oncology', minutes: 30, patientAttends: true },
          { discipline: 'genetic_counseling', minutes: 30, patientAttends: true },
        ]),
        JSON.stringify([
          { before: 'radiology', after: 'surgical_oncology' },
          { before: 'pathology', after: 'surgical_oncology' },
        ]),
        ['pathology_report', 'imaging_mri', 'medication_list'],
        JSON.stringify([
          { recordType: 'lab_result', maxAgeDays: 14 },
          { recordType: 'imaging_ct', maxAgeDays: 56 },
          { recordType: 'imaging_mri', maxAgeDays: 42 },
        ]),
        ['surgical_oncology', 'medical_oncology', 'radiation_oncology', 'pathology', 'radiology'],
      ],
    );
    const clinicId = clinic.id;
    for (const room of ['Exam 1', 'Exam 2', 'Exam 3', 'Consult room', 'Tumor board room']) {
      await m.query('INSERT INTO room (clinic_id, name) VALUES ($1, $2)', [clinicId, room]);
    }
    for (const u of DEMO_USERS) {
      const userId = userIds.get(u.email)!;
      if (u.role !== 'admin')
        await m.query('INSERT INTO clinic_member (clinic_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          clinicId,
          userId,
        ]);
      if (u.discipline === null) continue;
      const [sp] = await m.query<{ id: string }[]>(
        'INSERT INTO specialist (user_id, disciplines) VALUES ($1, $2) RETURNING id',
        [userId, [u.discipline]],
      );
      await m.query('INSERT INTO specialist_clinic (specialist_id, clinic_id) VALUES ($1, $2)', [sp.id, clinicId]);
      // Clinic days Tuesday and Thursday, 08:00-12:00 and 13:00-17:00.
      for (const weekday of [2, 4]) {
        for (const [start, end] of [
          ['08:00', '12:00'],
          ['13:00', '17:00'],
        ] as const) {
          await m.query(
            'INSERT INTO specialist_availability (specialist_id, clinic_id, weekday, start_time, end_time) VALUES ($1, $2, $3, $4, $5)',
            [sp.id, clinicId, weekday, start, end],
          );
        }
      }
    }
    const coordinator = userIds.get('coordinator@demo.consilium.dev')!;
    const reviewers = {
      pathologist: userIds.get('pathology@demo.consilium.dev')!,
      chair: userIds.get('medonc@demo.consilium.dev')!,
    };
    for (let i = 0; i < DEMO_CASES; i++) {
      await seedCase(m, i, clinicId, coordinator, reviewers);
      progress(i + 1, DEMO_CASES);
    }
    await m.query(
      `INSERT INTO audit_event (action, entity_type, entity_id, outcome, reason) VALUES ('demo.seed', 'clinic', $1, 'success', 'synthetic demo data')`,
      [clinicId],
    );
  });
}

async function seedCase(
  m: EntityManager,
  i: number,
  clinicId: string,
  coordinator: string,
  reviewers: { pathologist: string; chair: string },
): Promise<void> {
  const [patient] = await m.query<{ id: string }[]>(
    `INSERT INTO patient (mrn, family_name, given_name, birth_date, sex, consent_to_record, synthetic, version)
     VALUES ($1, $2, $3, $4, 'female', $5, true, 1) RETURNING id`,
    [
      `DEMO-${String(i + 1).padStart(4, '0')}`,
      `${FAMILY[i % FAMILY.length]}-Synthetic`,
      GIVEN[i % GIVEN.length],
      `19${40 + (i % 45)}-0${1 + (i % 9)}-1${i % 10}`,
      i % 7 !== 0,
    ],
  );
  const [c] = await m.query<{ id: string }[]>(
    `INSERT INTO second_opinion_case (patient_id, clinic_id, status, reason, initiator, urgency, referring_clinician, referring_institution,
                                      referring_recommendation, synthetic, created_by, created_at, version)
     VALUES ($1, $2, 'referred', $3, $4, $5, 'Dr. Demo Referrer', 'Synthetic Community Hospital', $6, true, $7, now() - make_interval(hours => $8), 1)
     RETURNING id`,
    [
      patient.id,
      clinicId,
      REASONS[i % REASONS.length],
      i % 3 === 0 ? 'physician' : 'patient',
      i % 6 === 0 ? 'urgent' : 'routine',
      JSON.stringify([
        {
          modality: 'surgery',
          intent: 'curative',
          sequence: 1,
          description: i % 2 === 0 ? 'lumpectomy and sentinel node biopsy' : 'mastectomy',
        },
        { modality: 'systemic_therapy', intent: 'curative', sequence: 2 },
      ]),
      coordinator,
      i * 7,
    ],
  );
  const referring: Diagnosis = {
    primarySite: SITES[i % SITES.length],
    histology: HISTOLOGY[i % HISTOLOGY.length],
    laterality: i % 2 === 0 ? 'left' : 'right',
    grade: ['G1', 'G2', 'G3'][i % 3],
    clinicalStage: STAGES[i % STAGES.length],
    pathologicalStage: null,
    biomarkers: [
      { name: 'ER', value: i % 4 === 0 ? 'negative' : 'positive', method: 'IHC' },
      { name: 'HER2', value: i % 5 === 0 ? '3+' : '1+', method: 'IHC' },
    ],
    additionalCancers: [],
    malignant: HISTOLOGY[i % HISTOLOGY.length].endsWith('/3'),
  };
  const [ref] = await m.query<{ id: string }[]>(
    `INSERT INTO diagnosis_assessment (case_id, source, primary_site, histology, laterality, grade, clinical_stage, ajcc_edition,
                                       biomarkers, additional_cancers, malignant, author_id)
     VALUES ($1, 'referring', $2, $3, $4, $5, $6, 8, $7, '[]', $8, $9) RETURNING id`,
    [
      c.id,
      referring.primarySite,
      referring.histology,
      referring.laterality,
      referring.grade,
      JSON.stringify(referring.clinicalStage),
      JSON.stringify(referring.biomarkers),
      referring.malignant,
      coordinator,
    ],
  );
  const initiator = i % 3 === 0 ? 'physician' : 'patient';
  await seedDemoReview(m, i, { id: c.id, clinicId, initiator, referringId: ref.id }, referring, reviewers);
  await m.query(`INSERT INTO board_event (case_id, type, payload, actor_id) VALUES ($1, 'case.referred', $2, $3)`, [
    c.id,
    JSON.stringify({ clinicId, synthetic: true }),
    coordinator,
  ]);
}

/** A terminal progress bar, or plain lines when not on a terminal. */
export function progressBar(write: (s: string) => void, isTty: boolean): Progress {
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} synthetic cases`;
    if (isTty) write(`\r${bar}${done === total ? '\n' : ''}`);
    else if (done === total || done % 10 === 0) write(`${bar}\n`);
  };
}
