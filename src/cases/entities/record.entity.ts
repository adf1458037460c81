import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';
import type { RecordType } from '../../common/clinical-codes.js';
import { CaseEntity } from './case.entity.js';
import { RecordBlobEntity } from './record-blob.entity.js';

/**
 * A record of a case: a stored file (content-addressed by SHA-256) or an
 * external imaging study (DICOMweb). Immutable; a correction supersedes.
 */
@Entity({ name: 'case_record' })
@Index('IDX_case_record_case', ['caseId', 'createdAt'])
@Unique('UQ_case_record_supersedes', ['supersedesId'])
@Check('CHK_case_record_kind', `"kind" IN ('file', 'dicomweb')`)
@Check(
  'CHK_case_record_content',
  `("kind" = 'file' AND "content_sha256" IS NOT NULL AND "size_bytes" > 0 AND "media_type" IS NOT NULL) OR ("kind" = 'dicomweb' AND "study_uid" IS NOT NULL AND "dicomweb_url" IS NOT NULL)`,
)
export class RecordEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_case_record' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ type: 'text' })
  type!: RecordType;

  @Column({ type: 'text' })
  kind!: 'file' | 'dicomweb';

  /** When the document was written or the study acquired (for readiness age). */
  @Column({ name: 'document_date', type: 'date', nullable: true })
  documentDate!: string | null;

  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ name: 'content_sha256', type: 'text', nullable: true })
  contentSha256!: string | null;

  @Column({ name: 'size_bytes', type: 'bigint', nullable: true })
  sizeBytes!: string | null;

  @Column({ name: 'media_type', type: 'text', nullable: true })
  mediaType!: string | null;

  @Column({ type: 'text', nullable: true })
  filename!: string | null;

  @Column({ name: 'study_uid', type: 'text', nullable: true })
  studyUid!: string | null;

  @Column({ name: 'dicomweb_url', type: 'text', nullable: true })
  dicomwebUrl!: string | null;

  @Column({ name: 'supersedes_id', type: 'uuid', nullable: true })
  supersedesId!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_record_case' })
  case?: Relation<CaseEntity>;

  /**
   * The stored bytes of a file record. The constraint was added NOT VALID:
   * rows from before it may wait for their file to be moved in from
   * DATA_DIR/records at start-up (see legacy-record-files.ts).
   */
  @ManyToOne(() => RecordBlobEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'content_sha256',
    referencedColumnName: 'sha256',
    foreignKeyConstraintName: 'FK_case_record_blob',
  })
  blob?: Relation<RecordBlobEntity>;
}

/** A coordinator's recorded decision to proceed without a readiness item. */
@Entity({ name: 'readiness_waiver' })
@Index('IDX_readiness_waiver_case', ['caseId'])
export class ReadinessWaiverEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_readiness_waiver' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  /** The record type waived. */
  @Column({ type: 'text' })
  item!: RecordType;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_readiness_waiver_case' })
  case?: Relation<CaseEntity>;
}
