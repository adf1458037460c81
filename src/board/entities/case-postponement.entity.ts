import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { CaseEntity } from '../../cases/entities/case.entity.js';
import { BoardSessionEntity } from './board-session.entity.js';

/**
 * A case moved from one session's agenda to a later one of the same clinic,
 * and why. Append-only (a trigger refuses UPDATE and DELETE): the case stays
 * in the record of the session it was first listed for.
 */
@Entity({ name: 'case_postponement' })
@Index('IDX_case_postponement_case', ['caseId', 'createdAt'])
@Index('IDX_case_postponement_from', ['fromSessionId'])
@Check('CHK_case_postponement_sessions', `"from_session_id" <> "to_session_id"`)
@Check('CHK_case_postponement_reason', `char_length("reason") BETWEEN 3 AND 1000`)
export class CasePostponementEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_case_postponement' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'from_session_id', type: 'uuid' })
  fromSessionId!: string;

  @Column({ name: 'to_session_id', type: 'uuid' })
  toSessionId!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_postponement_case' })
  case?: Relation<CaseEntity>;

  @ManyToOne(() => BoardSessionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_session_id', foreignKeyConstraintName: 'FK_case_postponement_from_session' })
  fromSession?: Relation<BoardSessionEntity>;

  @ManyToOne(() => BoardSessionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_session_id', foreignKeyConstraintName: 'FK_case_postponement_to_session' })
  toSession?: Relation<BoardSessionEntity>;
}
