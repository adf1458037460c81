import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Append-only: a database trigger refuses UPDATE, DELETE and TRUNCATE. */
@Entity({ name: 'audit_event' })
@Check('CHK_audit_event_outcome', `"outcome" IN ('success', 'failure', 'denied')`)
@Check('CHK_audit_event_severity', `"severity" IN ('normal', 'high')`)
@Index('IDX_audit_event_patient', ['patientId', 'id'])
@Index('IDX_audit_event_case', ['caseId', 'id'])
@Index('IDX_audit_event_actor', ['actorId', 'id'])
@Index('IDX_audit_event_disclosed', { synchronize: false })
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_audit_event' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'entity_type', type: 'text', nullable: true })
  entityType!: string | null;

  @Column({ name: 'entity_id', type: 'text', nullable: true })
  entityId!: string | null;

  @Column({ name: 'patient_id', type: 'uuid', nullable: true })
  patientId!: string | null;

  /** Every patient a list response showed (names, MRNs), for "who saw patient X". */
  @Column({ name: 'disclosed_patient_ids', type: 'uuid', array: true, nullable: true })
  disclosedPatientIds!: string[] | null;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ type: 'text' })
  outcome!: AuditOutcome;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  /** Short machine reason (e.g. `invalid_token`), never free text with PHI. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** `high` for what a privacy officer reviews first (break-glass access). */
  @Column({ type: 'text', default: 'normal' })
  severity!: 'normal' | 'high';

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;
}
