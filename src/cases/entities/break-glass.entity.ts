import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity.js';
import { CaseEntity } from './case.entity.js';

/** An admin's time-limited emergency access to one case, with its reason. */
@Entity({ name: 'break_glass_grant' })
@Index('IDX_break_glass_grant_user_case', ['userId', 'caseId', 'expiresAt'])
export class BreakGlassGrantEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_break_glass_grant' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_break_glass_grant_user' })
  user?: Relation<UserEntity>;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_break_glass_grant_case' })
  case?: Relation<CaseEntity>;
}
