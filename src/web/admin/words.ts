/** Administration's codes in words (roles, record types, rules, audit actions). */
import type { Schemas } from '../api/client.js';
import { words } from '../ui/format.js';
import { DISCIPLINE_WORDS, labelOf } from '../ui/labels.js';

export type Discipline = Schemas['RequiredDisciplineDto']['discipline'];
export type RecordType = Schemas['ReadinessRuleDto']['recordType'];
export type Role = Schemas['UserResponseDto']['role'];
/** The roles an admin gives (a guest's account comes from an invitation, never from here). */
export type StaffRole = Schemas['CreateUserDto']['role'];
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'coordinator', 'clinician'];
export type ConsensusRule = Schemas['ClinicBodyDto']['consensusRule'];

export const ROLE_WORDS: Record<Role, string> = {
  admin: 'Administrator',
  coordinator: 'Coordinator',
  clinician: 'Clinician',
  guest: 'Guest (invited to one session)',
};

export const DISCIPLINES = Object.keys(DISCIPLINE_WORDS) as Discipline[];
export const disciplineWords = (d: string): string => labelOf(DISCIPLINE_WORDS, d);

export const RECORD_TYPE_WORDS: Record<RecordType, string> = {
  pathology_report: 'Pathology report',
  operative_report: 'Operative report',
  discharge_summary: 'Discharge summary',
  imaging_ct: 'CT imaging',
  imaging_mri: 'MRI imaging',
  imaging_xray: 'X-ray imaging',
  imaging_pet: 'PET imaging',
  imaging_other: 'Other imaging',
  medication_list: 'Medication list',
  prior_treatments: 'Prior treatments',
  lab_result: 'Lab result',
  genetic_test: 'Genetic test',
  other: 'Other record',
};
export const RECORD_TYPES = Object.keys(RECORD_TYPE_WORDS) as RecordType[];

export const CONSENSUS_WORDS: Record<ConsensusRule, string> = {
  unanimous_required_disciplines: 'Every required discipline agrees',
  majority_without_required_dissent: 'A majority, with no required discipline dissenting',
};

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** ISO weekday (1 = Monday) in words. */
export const weekdayWords = (n: number): string => WEEKDAYS[n - 1] ?? `Day ${n}`;

/** Audit actions as a privacy officer reads them. */
const ACTION_WORDS: Record<string, string> = {
  'auth.login': 'Signed in',
  'auth.logout': 'Signed out',
  'auth.refresh': 'Renewed the session',
  'auth.set_password': 'Set a password from a link',
  'auth.oidc.start': 'Started a hospital sign-in',
  'auth.oidc.callback': 'Signed in with the hospital',
  'user.provision': 'Account made at first hospital sign-in',
  'identity_provider.list': 'Read the hospital sign-ins',
  'identity_provider.read': 'Read a hospital sign-in',
  'identity_provider.create': 'Added a hospital sign-in',
  'identity_provider.update': 'Changed a hospital sign-in',
  'audit.list': 'Read the audit trail',
  'case.break_glass': 'Broke the glass to read a case',
  'case.create': 'Created a case',
  'case.list': 'Listed cases',
  'case.read': 'Read a case',
  'case.report': 'Read the second-opinion report',
  'case.fhir_export': 'Exported a case as FHIR',
  'case.fhir_import': 'Imported a FHIR referral',
  'case.transition': 'Moved a case in its workflow',
  'clinic.create': 'Created a clinic',
  'clinic.list': 'Listed clinics',
  'clinic.read': 'Read a clinic',
  'clinic.update': 'Edited a clinic',
  'clinic.members.add': 'Added a clinic member',
  'clinic.members.list': 'Listed clinic members',
  'clinic.members.remove': 'Removed a clinic member',
  'report.concordance': 'Read the concordance report',
  'report.conference': 'Read the conference report',
  'board_session.list': 'Listed board sessions',
  'board_session.read': 'Read a board session',
  'board_session.check_in': 'Checked in to a board session',
  'plan.read': 'Read a plan',
  'plan.sign': 'Signed a plan',
  'plan.vote': 'Voted on a plan',
  'diagnosis.record': 'Recorded a diagnosis',
  'itinerary.book': 'Booked an itinerary',
  'schedule.day.read': 'Read a clinic day',
  'record.create': 'Added a record',
  'record.download': 'Downloaded a record',
  'record.list': 'Listed records',
  'room.create': 'Added a room',
  'room.list': 'Listed rooms',
  'specialist.create': 'Made a user a specialist',
  'specialist.update': 'Edited a specialist',
  'specialist.list': 'Listed specialists',
  'specialist.read': 'Read a specialist',
  'specialist.availability.read': 'Read free time',
  'specialist.availability.set': 'Set weekly availability',
  'specialist.weekly.read': 'Read weekly availability',
  'specialist.exception.create': 'Added time away or extra hours',
  'specialist.exception.list': 'Listed time away and extra hours',
  'user.create': 'Created a user',
  'user.list': 'Listed users',
  'user.read': 'Read a user',
  'user.read_self': 'Read their own account',
  'user.update': 'Edited a user',
  'user.password_change': 'Changed their password',
  'user.set_password_link': 'Issued a set-password link',
  'user.totp.begin': 'Began second-factor set-up',
  'user.totp.confirm': 'Confirmed a second factor',
  'user.totp.reset': 'Reset a second factor',
};
export const AUDIT_ACTIONS = Object.keys(ACTION_WORDS);
export const actionWords = (action: string): string => ACTION_WORDS[action] ?? words(action.replace(/\./g, ' '));
