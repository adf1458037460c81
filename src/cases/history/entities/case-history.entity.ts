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
import { UserEntity } from '../../../auth/entities/user.entity.js';
import { CaseEntity } from '../../entities/case.entity.js';
import type { PatientHistory } from '../history.types.js';

/**
 * One version of a case's patient history (PHI). Append-only: a trigger
 * refuses UPDATE, DELETE and TRUNCATE, so an edit is always a new version
 * and every earlier one is kept.
 */
@Entity({ name: 'case_history' })
@Unique('UQ_case_history_version', ['caseId', 'version'])
@Check('CHK_case_history_version', `"version" >= 1`)
@Check('CHK_case_history_document', `jsonb_typeof("document") = 'object'`)
export class CaseHistoryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_case_history' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  document!: PatientHistory;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_history_case' })
  case?: Relation<CaseEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'FK_case_history_author' })
  author?: Relation<UserEntity>;
}
