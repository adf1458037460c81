import { AuditEventEntity } from '../audit/entities/audit-event.entity.js';
import { AuditRefusalAggregateEntity } from '../audit/entities/audit-refusal-aggregate.entity.js';
import { AuthSessionEntity } from '../auth/entities/auth-session.entity.js';
import { RateLimitEntity } from '../auth/entities/rate-limit.entity.js';
import { RefreshTokenEntity } from '../auth/entities/refresh-token.entity.js';
import { SetPasswordTokenEntity } from '../auth/entities/set-password-token.entity.js';
import { UserEntity } from '../auth/entities/user.entity.js';
import { IdentityProviderEntity, OidcLoginStateEntity } from '../auth/oidc/entities/identity-provider.entity.js';
import { BoardEventEntity } from '../events/entities/board-event.entity.js';
import { AgendaItemEntity, AttendanceEntity, BoardSessionEntity } from '../board/entities/board-session.entity.js';
import { CasePostponementEntity } from '../board/entities/case-postponement.entity.js';
import { ActionItemEntity, RecommendationOutcomeEntity } from '../follow-up/entities/follow-up.entity.js';
import { BreakGlassGrantEntity } from '../cases/entities/break-glass.entity.js';
import { CaseEntity } from '../cases/entities/case.entity.js';
import { CaseHistoryEntity } from '../cases/history/entities/case-history.entity.js';
import { PatientEntity } from '../cases/entities/patient.entity.js';
import { RecordBlobChunkEntity, RecordBlobEntity } from '../cases/entities/record-blob.entity.js';
import { RecordTileEntity, RecordTilePyramidEntity } from '../cases/entities/record-tile.entity.js';
import { ReadinessWaiverEntity, RecordEntity } from '../cases/entities/record.entity.js';
import { DiagnosisAssessmentEntity } from '../diagnoses/entities/diagnosis-assessment.entity.js';
import {
  AnnotationEntity,
  DiagnosisChangeEntity,
  DiagnosisChangeVerificationEntity,
} from '../diagnoses/entities/diagnosis-change.entity.js';
import { FhirReferralEntity } from '../fhir/entities/fhir-referral.entity.js';
import { ClinicMemberEntity } from '../clinics/entities/clinic-member.entity.js';
import { ClinicEntity } from '../clinics/entities/clinic.entity.js';
import { RoomEntity } from '../clinics/entities/room.entity.js';
import { PlanVersionEntity, PlanVoteEntity, ThirdOpinionRequestEntity } from '../plans/entities/plan.entity.js';
import { LetterLinkEntity } from '../plans/entities/letter-link.entity.js';
import { NotificationPreferenceEntity, OutboxMessageEntity } from '../notifications/entities/outbox-message.entity.js';
import { GuestInvitationEntity } from '../board/entities/guest-invitation.entity.js';
import { TrialEntity } from '../trials/entities/trial.entity.js';
import { AppointmentEntity, ItineraryEntity } from '../scheduling/entities/appointment.entity.js';
import { AvailabilityEntity, AvailabilityExceptionEntity } from '../specialists/entities/availability.entity.js';
import { SpecialistClinicEntity } from '../specialists/entities/specialist-clinic.entity.js';
import { SpecialistEntity } from '../specialists/entities/specialist.entity.js';

/** Every entity of every module; the data source and the CLI need them all. */
export const ENTITIES = [
  UserEntity,
  AuthSessionEntity,
  RefreshTokenEntity,
  SetPasswordTokenEntity,
  RateLimitEntity,
  AuditEventEntity,
  AuditRefusalAggregateEntity,
  ClinicEntity,
  ClinicMemberEntity,
  RoomEntity,
  SpecialistEntity,
  SpecialistClinicEntity,
  AvailabilityEntity,
  AvailabilityExceptionEntity,
  PatientEntity,
  CaseEntity,
  CaseHistoryEntity,
  DiagnosisAssessmentEntity,
  DiagnosisChangeEntity,
  DiagnosisChangeVerificationEntity,
  AnnotationEntity,
  PlanVersionEntity,
  PlanVoteEntity,
  ThirdOpinionRequestEntity,
  TrialEntity,
  GuestInvitationEntity,
  OutboxMessageEntity,
  NotificationPreferenceEntity,
  LetterLinkEntity,
  BoardEventEntity,
  BoardSessionEntity,
  AgendaItemEntity,
  AttendanceEntity,
  CasePostponementEntity,
  ActionItemEntity,
  RecommendationOutcomeEntity,
  RecordEntity,
  RecordBlobEntity,
  RecordBlobChunkEntity,
  RecordTilePyramidEntity,
  RecordTileEntity,
  ReadinessWaiverEntity,
  BreakGlassGrantEntity,
  ItineraryEntity,
  AppointmentEntity,
  FhirReferralEntity,
  IdentityProviderEntity,
  OidcLoginStateEntity,
];
