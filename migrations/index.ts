import { Foundation1764165600000 } from './1764165600000-foundation.js';
import { ClinicsAndSpecialists1795708029661 } from './1795708029661-clinics-and-specialists.js';
import { CasesAndRecords1795708430032 } from './1795708430032-cases-and-records.js';
import { BreakGlass1795709243749 } from './1795709243749-break-glass.js';
import { Itineraries1795710352607 } from './1795710352607-itineraries.js';
import { AuditDisclosures1795712417239 } from './1795712417239-audit-disclosures.js';
import { BoardSessions1795715550642 } from './1795715550642-board-sessions.js';
import { DiagnosisChanges1795718484314 } from './1795718484314-diagnosis-changes.js';
import { Plans1795719345210 } from './1795719345210-plans.js';
import { Trials1795719730004 } from './1795719730004-trials.js';
import { ClinicalModel1795722000000 } from './1795722000000-clinical-model.js';
import { PatientHistory1795721000000 } from './1795721000000-patient-history.js';
import { IntakeAndCoc1795720000000 } from './1795720000000-intake-and-coc.js';
import { FhirReferral1795723000000 } from './1795723000000-fhir-referral.js';
import { PatientsPerClinic1795726000000 } from './1795726000000-patients-per-clinic.js';
import { TrialsPerClinic1795726100000 } from './1795726100000-trials-per-clinic.js';
import { AuditRefusals1795725000000 } from './1795725000000-audit-refusals.js';
import { AccountSecurity1795724000000 } from './1795724000000-account-security.js';
import { RecordBlobs1795726240000 } from './1795726240000-record-blobs.js';
import { CaseListNextVisit1795727000000 } from './1795727000000-case-list-next-visit.js';
import { RecordTiles1795728000000 } from './1795728000000-record-tiles.js';
import { AnnotationSelectors1795729000000 } from './1795729000000-annotation-selectors.js';
import { AssessmentEvidence1795730000000 } from './1795730000000-assessment-evidence.js';
import { IdentityProviders1795731000000 } from './1795731000000-identity-providers.js';
import { AttendanceCme1795732000000 } from './1795732000000-attendance-cme.js';
import { NotificationsOutbox1795733000000 } from './1795733000000-notifications-outbox.js';
import { FollowUp1795734000000 } from './1795734000000-follow-up.js';
import { GuestInvitations1795735000000 } from './1795735000000-guest-invitations.js';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS = [
  Foundation1764165600000,
  ClinicsAndSpecialists1795708029661,
  CasesAndRecords1795708430032,
  BreakGlass1795709243749,
  Itineraries1795710352607,
  AuditDisclosures1795712417239,
  BoardSessions1795715550642,
  DiagnosisChanges1795718484314,
  Plans1795719345210,
  Trials1795719730004,
  ClinicalModel1795722000000,
  PatientHistory1795721000000,
  IntakeAndCoc1795720000000,
  FhirReferral1795723000000,
  PatientsPerClinic1795726000000,
  TrialsPerClinic1795726100000,
  AuditRefusals1795725000000,
  AccountSecurity1795724000000,
  RecordBlobs1795726240000,
  CaseListNextVisit1795727000000,
  RecordTiles1795728000000,
  AnnotationSelectors1795729000000,
  AssessmentEvidence1795730000000,
  IdentityProviders1795731000000,
  AttendanceCme1795732000000,
  NotificationsOutbox1795733000000,
  FollowUp1795734000000,
  GuestInvitations1795735000000,
];
