import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity.js';
import { CaseEntity } from '../../cases/entities/case.entity.js';
import { ClinicEntity } from '../../clinics/entities/clinic.entity.js';

export const SESSION_STATUSES = ['scheduled', 'in_progress', 'closed', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const AGENDA_MODES = ['discuss', 'standard_of_care'] as const;
export type AgendaMode = (typeof AGENDA_MODES)[number];
/**
 * Why a case is presented (CoC Standard 2.5). The first four are prospective
 * management discussions; information or teaching is retrospective.
 */
export const PRESENTATION_REASONS = [
  'newly_diagnosed_pretreatment',
  'newly_diagnosed_additional_treatment',
  'adjuvant_recurrence_progression',
  'supportive_palliative',
  'information_teaching',
] as const;
export type PresentationReason = (typeof PRESENTATION_REASONS)[number];

/** One tumor board meeting of a clinic. Its members are the clinic's members. */
@Entity({ name: 'board_session' })
@Index('IDX_board_session_clinic_start', ['clinicId', 'startsAt', 'id'])
@Check('CHK_board_session_status', `"status" IN ('scheduled', 'in_progress', 'closed', 'cancelled')`)
@Check('CHK_board_session_time', `"starts_at" < "ends_at"`)
export class BoardSessionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_board_session' })
  id!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  /** When its members' case packets were put in the outbox; null until then. */
  @Column({ name: 'packet_queued_at', type: 'timestamptz', nullable: true })
  packetQueuedAt!: Date | null;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  @Column({ name: 'chair_id', type: 'uuid', nullable: true })
  chairId!: string | null;

  @Column({ type: 'text', nullable: true })
  location!: string | null;

  @Column({ name: 'video_url', type: 'text', nullable: true })
  videoUrl!: string | null;

  @Column({ type: 'text' })
  status!: SessionStatus;

  /** The case on screen now ("now presenting"). */
  @Column({ name: 'presenting_case_id', type: 'uuid', nullable: true })
  presentingCaseId!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;

  @ManyToOne(() => ClinicEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_board_session_clinic' })
  clinic?: Relation<ClinicEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'chair_id', foreignKeyConstraintName: 'FK_board_session_chair' })
  chair?: Relation<UserEntity>;
}

/**
 * A case on a session's agenda. Cases stay on the list and in the record
 * (NHS streamlining): straightforward ones are `standard_of_care`, listed
 * and recorded but not discussed.
 */
@Entity({ name: 'agenda_item' })
@Index('IDX_agenda_item_case', ['caseId'])
@Check('CHK_agenda_item_mode', `"mode" IN ('discuss', 'standard_of_care')`)
@Check('CHK_agenda_item_position', `"position" >= 0`)
@Check(
  'CHK_agenda_item_presentation_reason',
  `"presentation_reason" IS NULL OR "presentation_reason" IN ('newly_diagnosed_pretreatment', 'newly_diagnosed_additional_treatment', 'adjuvant_recurrence_progression', 'supportive_palliative', 'information_teaching')`,
)
export class AgendaItemEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'PK_agenda_item' })
  sessionId!: string;

  @PrimaryColumn({ name: 'case_id', type: 'uuid', primaryKeyConstraintName: 'PK_agenda_item' })
  caseId!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  mode!: AgendaMode;

  /**
   * First time the case was put on screen. Whether that was prospective
   * (before the first cancer-directed treatment) is computed when read, so a
   * treatment date recorded later still counts.
   */
  @Column({ name: 'presented_at', type: 'timestamptz', nullable: true })
  presentedAt!: Date | null;

  /** Why the case is presented (CoC 2.5); null until recorded (then the presentation counts as unknown). */
  @Column({ name: 'presentation_reason', type: 'text', nullable: true })
  presentationReason!: PresentationReason | null;

  @Column({ name: 'added_by', type: 'uuid', nullable: true })
  addedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => BoardSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_agenda_item_session' })
  session?: Relation<BoardSessionEntity>;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_agenda_item_case' })
  case?: Relation<CaseEntity>;
}

/** A specialist's presence at a session in one discipline; at most one open stay per person. */
@Entity({ name: 'attendance' })
@Index('IDX_attendance_session', ['sessionId', 'joinedAt'])
// One open stay (left_at IS NULL) per user and session, made by the migration.
@Index('UQ_attendance_open', { synchronize: false })
@Check('CHK_attendance_time', `"left_at" IS NULL OR "left_at" >= "joined_at"`)
export class AttendanceEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_attendance' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  discipline!: string;

  @Column({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;

  @Column({ name: 'left_at', type: 'timestamptz', nullable: true })
  leftAt!: Date | null;

  @ManyToOne(() => BoardSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_attendance_session' })
  session?: Relation<BoardSessionEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_attendance_user' })
  user?: Relation<UserEntity>;
}
