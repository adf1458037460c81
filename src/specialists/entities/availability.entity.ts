import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ClinicEntity } from '../../clinics/entities/clinic.entity.js';
import { SpecialistEntity } from './specialist.entity.js';

/** A weekly window in the clinic's wall-clock time (ISO weekday 1–7). */
@Entity({ name: 'specialist_availability' })
@Index('IDX_specialist_availability_specialist', ['specialistId', 'clinicId'])
@Check('CHK_specialist_availability_weekday', `"weekday" BETWEEN 1 AND 7`)
@Check('CHK_specialist_availability_window', `"start_time" < "end_time"`)
export class AvailabilityEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_specialist_availability' })
  id!: string;

  @Column({ name: 'specialist_id', type: 'uuid' })
  specialistId!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'smallint' })
  weekday!: number;

  @Column({ name: 'start_time', type: 'time' })
  startTime!: string;

  @Column({ name: 'end_time', type: 'time' })
  endTime!: string;

  @ManyToOne(() => SpecialistEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'specialist_id', foreignKeyConstraintName: 'FK_specialist_availability_specialist' })
  specialist?: Relation<SpecialistEntity>;

  @ManyToOne(() => ClinicEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_specialist_availability_clinic' })
  clinic?: Relation<ClinicEntity>;
}

/** A dated change: away (whole day when no times) or extra hours. */
@Entity({ name: 'specialist_exception' })
@Index('IDX_specialist_exception_day', ['specialistId', 'date'])
@Check('CHK_specialist_exception_kind', `"kind" IN ('away', 'extra')`)
@Check(
  'CHK_specialist_exception_window',
  `("start_time" IS NULL AND "end_time" IS NULL AND "kind" = 'away') OR ("start_time" IS NOT NULL AND "end_time" IS NOT NULL AND "start_time" < "end_time")`,
)
export class AvailabilityExceptionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_specialist_exception' })
  id!: string;

  @Column({ name: 'specialist_id', type: 'uuid' })
  specialistId!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'date' })
  date!: string;

  @Column({ type: 'text' })
  kind!: 'away' | 'extra';

  @Column({ name: 'start_time', type: 'time', nullable: true })
  startTime!: string | null;

  @Column({ name: 'end_time', type: 'time', nullable: true })
  endTime!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @ManyToOne(() => SpecialistEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'specialist_id', foreignKeyConstraintName: 'FK_specialist_exception_specialist' })
  specialist?: Relation<SpecialistEntity>;

  @ManyToOne(() => ClinicEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_specialist_exception_clinic' })
  clinic?: Relation<ClinicEntity>;
}
