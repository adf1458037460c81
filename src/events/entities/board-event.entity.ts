import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { BoardSessionEntity } from './board-session.entity.js';

/**
 * The event log: every change the board room shows, written in the same
 * transaction as the change. Ids are the delivery order.
 */
@Entity({ name: 'board_event' })
@Index('IDX_board_event_session', ['sessionId', 'id'])
@Index('IDX_board_event_case', ['caseId', 'id'])
// A message is stored once per (session, author, clientMsgId): a partial
// expression index made by the migration.
@Index('UQ_board_event_client_msg', { synchronize: false })
export class BoardEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_board_event' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId!: string | null;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @ManyToOne(() => BoardSessionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_board_event_session' })
  session?: Relation<BoardSessionEntity>;
}
