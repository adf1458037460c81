import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * Refusals of requests that named no one (no valid user, no account, case or
 * patient), counted per minute, address, action, route, status and reason.
 * Anonymous traffic (bad tokens, unknown routes, malformed bodies) can then
 * not flood the audit trail: a thousand refusals in a minute are one row
 * with count 1000. Counts only grow: a trigger refuses DELETE, TRUNCATE and
 * any UPDATE but adding to a count.
 */
@Entity({ name: 'audit_refusal_aggregate' })
@Unique('UQ_audit_refusal_aggregate_key', ['minute', 'ip', 'action', 'route', 'statusCode', 'reason'])
@Check('CHK_audit_refusal_aggregate_count', `"count" > 0`)
export class AuditRefusalAggregateEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_audit_refusal_aggregate' })
  id!: string;

  /** The minute the refusals fell in (date_trunc('minute', now())). */
  @Column({ type: 'timestamptz' })
  minute!: Date;

  /** The caller's address; '' when unknown. */
  @Column({ type: 'text' })
  ip!: string;

  @Column({ type: 'text' })
  action!: string;

  /** `METHOD /api/route/:pattern` (never the raw path); '' outside HTTP. */
  @Column({ type: 'text' })
  route!: string;

  @Column({ name: 'status_code', type: 'integer' })
  statusCode!: number;

  /** Short machine reason, e.g. `invalid_token`; '' when none. */
  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'integer' })
  count!: number;

  @Column({ name: 'first_at', type: 'timestamptz', default: () => 'now()' })
  firstAt!: Date;

  @Column({ name: 'last_at', type: 'timestamptz', default: () => 'now()' })
  lastAt!: Date;

  /** The server request id of the latest refusal counted here. */
  @Column({ name: 'last_request_id', type: 'text', nullable: true })
  lastRequestId!: string | null;
}
