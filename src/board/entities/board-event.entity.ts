import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The event log: every change the board room shows, written in the same
 * transaction as the change. Ids are the delivery order.
 */
@Entity({ name: 'board_event' })
@Index('IDX_board_event_session', ['sessionId', 'id'])
@Index('IDX_board_event_case', ['caseId', 'id'])
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
}
