import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

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

  // The session table is the board's: referenced by name, so the event log
  // (below the domain modules) imports nothing from board/.
  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  @ForeignKey('BoardSessionEntity', { name: 'FK_board_event_session', onDelete: 'RESTRICT' })
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
}
