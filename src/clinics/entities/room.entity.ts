import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { ClinicEntity } from './clinic.entity.js';

@Entity({ name: 'room' })
@Unique('UQ_room_clinic_name', ['clinicId', 'name'])
export class RoomEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_room' })
  id!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'text' })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => ClinicEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_room_clinic' })
  clinic?: Relation<ClinicEntity>;
}
