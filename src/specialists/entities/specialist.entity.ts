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
import { UserEntity } from '../../auth/entities/user.entity.js';
import type { Discipline } from '../../common/clinical-codes.js';

@Entity({ name: 'specialist' })
@Unique('UQ_specialist_user', ['userId'])
export class SpecialistEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_specialist' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text', array: true })
  disciplines!: Discipline[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_specialist_user' })
  user?: Relation<UserEntity>;
}
