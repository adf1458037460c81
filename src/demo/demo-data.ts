import { hash } from '@node-rs/argon2';
import type { DataSource, EntityManager } from 'typeorm';
import {
  BREAST_DEMO_CASES,
  breastDemoCase,
  PROSTATE_DEMO_CASES,
  prostateDemoCase,
  type DemoCase,
} from './demo-cases.js';
import { insertDemoAssessment, seedDemoReview } from './demo-review.js';
import { DEMO_PASSWORD } from './demo-policy.js';

/** Demo logins, listed in the README. Synthetic data only; never loaded in production (see demo-policy). */
export { DEMO_PASSWORD };
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
  // The prostate clinic's own specialists.
  {
    email: 'urology@demo.consilium.dev',
    name: 'Dr. Uma Urology (demo)',
    role: 'clinician',
    discipline: 'surgical_oncology',
  },
  {
    email: 'gu-medonc@demo.consilium.dev',
    name: 'Dr. Gus Medonc (demo)',
    role: 'clinician',
    discipline: 'medical_oncology',
  },
  {
    email: 'gu-radonc@demo.consilium.dev',
    name: 'Dr. Rae Radonc (demo)',
    role: 'clinician',
    discipline: 'radiation_oncology',
  },
  {
    email: 'gu-pathology@demo.consilium.dev',
    name: 'Dr. Paz Pathology (demo)',
    role: 'clinician',
    discipline: 'pathology',
  },
  {
    email: 'gu-radiology@demo.consilium.dev',
    name: 'Dr. Rio Radiology (demo)',
    role: 'clinician',
    discipline: 'radiology',
  },
] as const;

export const DEMO_CLINIC = 'Breast Multidisciplinary Clinic (demo)';
export const DEMO_PROSTATE_CLINIC = 'Prostate Multidisciplinary Clinic (demo)';

/** Each demo clinic: its configuration, its specialists (by email) and its cases. */
interface DemoClinicSpec {
  name: string;
  cancerTypes: string[];
  members: readonly string[];
  pathologist: string;
  chair: string;
  cases: number;
  demoCase: (i: number) => DemoCase;
  mrnPrefix: string;
  requiredDisciplines: { discipline: string; minutes: number; patientAttends: boolean }[];
}

const BREAST_MEMBERS = DEMO_USERS.filter((u) => !u.email.startsWith('gu-') && !u.email.startsWith('urology')).map(
  (u) => u.email,
);
const PROSTATE_MEMBERS = [
  'coordinator@demo.consilium.dev',
  'urology@demo.consilium.dev',
  'gu-medonc@demo.consilium.dev',
  'gu-radonc@demo.consilium.dev',
  'gu-pathology@demo.consilium.dev',
  'gu-radiology@demo.consilium.dev',
];

export const DEMO_CLINICS: readonly DemoClinicSpec[] = [
  {
    name: DEMO_CLINIC,
    cancerTypes: ['C50'],
    members: BREAST_MEMBERS,
    pathologist: 'pathology@demo.consilium.dev',
    chair: 'medonc@demo.consilium.dev',
    cases: BREAST_DEMO_CASES,
    demoCase: breastDemoCase,
    mrnPrefix: 'DEMO-',
    requiredDisciplines: [
      { discipline: 'radiology', minutes: 30, patientAttends: false },
      { discipline: 'pathology', minutes: 30, patientAttends: false },
      { discipline: 'surgical_oncology', minutes: 45, patientAttends: true },
      { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
      { discipline: 'radiation_oncology', minutes: 30, patientAttends: true },
      { discipline: 'genetic_counseling', minutes: 30, patientAttends: true },
    ],
  },
  {
    name: DEMO_PROSTATE_CLINIC,
    cancerTypes: ['C61'],
    members: PROSTATE_MEMBERS,
    pathologist: 'gu-pathology@demo.consilium.dev',
    chair: 'gu-medonc@demo.consilium.dev',
    cases: PROSTATE_DEMO_CASES,
    demoCase: prostateDemoCase,
    mrnPrefix: 'DEMO-P',
    requiredDisciplines: [
      { discipline: 'radiology', minutes: 30, patientAttends: false },
      { discipline: 'pathology', minutes: 30, patientAttends: false },
      { discipline: 'surgical_oncology', minutes: 45, patientAttends: true },
      { discipline: 'radiation_oncology', minutes: 45, patientAttends: true },
      { discipline: 'medical_oncology', minutes: 30, patientAttends: true },
    ],
  },
];

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
    const specialistIds = new Map<string, string>();
    for (const u of DEMO_USERS) {
      if (u.discipline === null) continue;
      const [sp] = await m.query<{ id: string }[]>(
        'INSERT INTO specialist (user_id, disciplines) VALUES ($1, $2) RETURNING id',
        [userIds.get(u.email)!, [u.discipline]],
      );
      specialistIds.set(u.email, sp.id);
    }
    const total = DEMO_CLINICS.reduce((n, c) => n + c.cases, 0);
    let done = 0;
    for (const spec of DEMO_CLINICS) {
      const clinicId = await seedClinic(m, spec, userIds, specialistIds);
      const coordinator = userIds.get('coordinator@demo.consilium.dev')!;
      const reviewers = { pathologist: userIds.get(spec.pathologist)!, chair: userIds.get(spec.chair)! };
      for (let i = 0; i < spec.cases; i++) {
        await seedCase(m, spec, i, clinicId, coordinator, reviewers);
        progress(++done, total);
      }
      await m.query(
        `INSERT INTO audit_event (action, entity_type, entity_id, outcome, reason) VALUES ('demo.seed', 'clinic', $1, 'success', 'synthetic demo data')`,
        [clinicId],
      );
    }
  });
}

async function seedClinic(
  m: EntityManager,
  spec: DemoClinicSpec,
  userIds: Map<string, string>,
  specialistIds: Map<string, string>,
): Promise<string> {
  const [clinic] = await m.query<{ id: string }[]>(
    `INSERT INTO clinic (name, time_zone, day_start, day_end, cancer_types, required_disciplines, precedence,
                         required_record_types, readiness_rules, quorum_disciplines, consensus_rule, version)
     VALUES ($1, 'America/Denver', '08:00', '17:00', $2, $3, $4, $5, $6, $7, 'majority_without_required_dissent', 1)
     RETURNING id`,
    [
      spec.name,
      spec.cancerTypes,
      JSON.stringify(spec.requiredDisciplines),
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
  for (const email of spec.members) {
    await m.query('INSERT INTO clinic_member (clinic_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      clinicId,
      userIds.get(email)!,
    ]);
    const sp = specialistIds.get(email);
    if (sp === undefined) continue;
    await m.query('INSERT INTO specialist_clinic (specialist_id, clinic_id) VALUES ($1, $2)', [sp, clinicId]);
    // Clinic days Tuesday and Thursday, 08:00-12:00 and 13:00-17:00.
    for (const weekday of [2, 4]) {
      for (const [start, end] of [
        ['08:00', '12:00'],
        ['13:00', '17:00'],
      ] as const) {
        await m.query(
          'INSERT INTO specialist_availability (specialist_id, clinic_id, weekday, start_time, end_time) VALUES ($1, $2, $3, $4, $5)',
          [sp, clinicId, weekday, start, end],
        );
      }
    }
  }
  return clinicId;
}

async function seedCase(
  m: EntityManager,
  spec: DemoClinicSpec,
  i: number,
  clinicId: string,
  coordinator: string,
  reviewers: { pathologist: string; chair: string },
): Promise<void> {
  const demo = spec.demoCase(i);
  const [patient] = await m.query<{ id: string }[]>(
    `INSERT INTO patient (clinic_id, mrn, family_name, given_name, birth_date, sex, consent_to_record, synthetic, version)
     VALUES ($7, $1, $2, $3, $4, $5, $6, true, 1) RETURNING id`,
    [
      `${spec.mrnPrefix}${String(i + 1).padStart(4, '0')}`,
      `${FAMILY[i % FAMILY.length]}-Synthetic`,
      demo.sex === 'female' ? GIVEN[i % GIVEN.length] : GIVEN_MALE[i % GIVEN_MALE.length],
      `19${40 + (i % 45)}-0${1 + (i % 9)}-1${i % 10}`,
      demo.sex,
      i % 7 !== 0,
      clinicId,
    ],
  );
  const initiator = i % 3 === 0 ? 'physician' : 'patient';
  const [c] = await m.query<{ id: string }[]>(
    `INSERT INTO second_opinion_case (patient_id, clinic_id, status, reason, initiator, urgency, referring_clinician, referring_institution,
                                      referring_recommendation, synthetic, created_by, created_at, version)
     VALUES ($1, $2, 'referred', $3, $4, $5, 'Dr. Demo Referrer', 'Synthetic Community Hospital', $6, true, $7, now() - make_interval(hours => $8), 1)
     RETURNING id`,
    [
      patient.id,
      clinicId,
      REASONS[i % REASONS.length],
      initiator,
      i % 6 === 0 ? 'urgent' : 'routine',
      JSON.stringify(demo.recommendation),
      coordinator,
      i * 7,
    ],
  );
  const referringId = await insertDemoAssessment(m, c.id, 'referring', demo.referring, coordinator);
  await seedDemoReview(m, demo, { id: c.id, clinicId, initiator, referringId }, reviewers);
  await m.query(`INSERT INTO board_event (case_id, type, payload, actor_id) VALUES ($1, 'case.referred', $2, $3)`, [
    c.id,
    JSON.stringify({ clinicId, synthetic: true }),
    coordinator,
  ]);
}

const GIVEN_MALE = ['Adam', 'Bruno', 'Carlos', 'Daniel', 'Emil', 'Farid', 'Goran', 'Hiro', 'Ivan', 'Jonas', 'Kofi'];

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
