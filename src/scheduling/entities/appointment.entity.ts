import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Exclusion,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { CaseEntity } from '../../cases/entities/case.entity.js';
import { RoomEntity } from '../../clinics/entities/room.entity.js';
import { SpecialistEntity } from '../../specialists/entities/specialist.entity.js';

/** A case's one-day itinerary; cancelling it cancels every appointment. */
@Entity({ name: 'itinerary' })
@Index('IDX_itinerary_case', ['caseId'])
@Check('CHK_itinerary_status', `"status" IN ('booked', 'cancelled')`)
export class ItineraryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_itinerary' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  /** The clinic day, in the clinic's zone. */
  @Column({ type: 'date' })
  date!: string;

  @Column({ type: 'text' })
  status!: 'booked' | 'cancelled';

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_itinerary_case' })
  case?: Relation<CaseEntity>;
}

/**
 * One visit or review. Overlaps are impossible in the database: booked
 * appointments exclude each other per specialist, per room and per patient.
 */
@Entity({ name: 'appointment' })
@Index('IDX_appointment_itinerary', ['itineraryId'])
@Index('IDX_appointment_case_start', ['caseId', 'startsAt'])
@Check('CHK_appointment_status', `"status" IN ('booked', 'cancelled')`)
@Check('CHK_appointment_time', `"starts_at" < "ends_at"`)
@Exclusion(
  'EXCL_appointment_specialist',
  `USING gist ("specialist_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE ("status" = 'booked')`,
)
@Exclusion(
  'EXCL_appointment_room',
  `USING gist ("room_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE ("status" = 'booked' AND "room_id" IS NOT NULL)`,
)
@Exclusion(
  'EXCL_appointment_patient',
  `USING gist ("patient_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE ("status" = 'booked' AND "patient_attends")`,
)
export class AppointmentEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_appointment' })
  id!: string;

  @Column({ name: 'itinerary_id', type: 'uuid' })
  itineraryId!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId!: string;

  @Column({ type: 'text' })
  discipline!: string;

  @Column({ name: 'specialist_id', type: 'uuid' })
  specialistId!: string;

  @Column({ name: 'room_id', type: 'uuid', nullable: true })
  roomId!: string | null;

  @Column({ name: 'patient_attends', type: 'boolean' })
  patientAttends!: boolean;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'text' })
  status!: 'booked' | 'cancelled';

  @ManyToOne(() => ItineraryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'itinerary_id', foreignKeyConstraintName: 'FK_appointment_itinerary' })
  itinerary?: Relation<ItineraryEntity>;

  @ManyToOne(() => SpecialistEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'specialist_id', foreignKeyConstraintName: 'FK_appointment_specialist' })
  specialist?: Relation<SpecialistEntity>;

  @ManyToOne(() => RoomEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'FK_appointment_room' })
  room?: Relation<RoomEntity>;
}
