import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity.js';
import type { Discipline } from '../../common/clinical-codes.js';
import type { Profession } from '../professions.js';

@Entity({ name: 'specialist' })
@Unique('UQ_specialist_user', ['userId'])
@Check(
  'CHK_specialist_profession',
  `"profession" IS NULL OR "profession" IN ('physician', 'nurse', 'nurse_practitioner', 'physician_assistant', 'genetic_counselor', 'medical_physicist', 'pharmacist', 'social_worker', 'dietitian', 'other')`,
)
@Check('CHK_specialist_credentials', `"credentials" IS NULL OR char_length("credentials") BETWEEN 1 AND 100`)
export class SpecialistEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_specialist' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text', array: true })
  disciplines!: Discipline[];

  /** For CME rosters and certificates; null: not recorded. */
  @Column({ type: 'text', nullable: true })
  profession!: Profession | null;

  /** Post-nominal credentials as the person writes them ("MD, PhD"); null: not recorded. */
  @Column({ type: 'text', nullable: true })
  credentials!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_specialist_user' })
  user?: Relation<UserEntity>;
}
