import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ClinicEntity } from '../../clinics/entities/clinic.entity.js';
import { SpecialistEntity } from './specialist.entity.js';

@Entity({ name: 'specialist_clinic' })
@Index('IDX_specialist_clinic_clinic', ['clinicId'])
export class SpecialistClinicEntity {
  @PrimaryColumn({ name: 'specialist_id', type: 'uuid', primaryKeyConstraintName: 'PK_specialist_clinic' })
  specialistId!: string;

  @PrimaryColumn({ name: 'clinic_id', type: 'uuid', primaryKeyConstraintName: 'PK_specialist_clinic' })
  clinicId!: string;

  @ManyToOne(() => SpecialistEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'specialist_id', foreignKeyConstraintName: 'FK_specialist_clinic_specialist' })
  specialist?: Relation<SpecialistEntity>;

  @ManyToOne(() => ClinicEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_specialist_clinic_clinic' })
  clinic?: Relation<ClinicEntity>;
}
