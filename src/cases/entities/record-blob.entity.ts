import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';

/**
 * The bytes of record files, stored once per content (by SHA-256) however
 * many records hold them, in PostgreSQL so that every instance serves every
 * record. Written in the transaction of the record row that first needs it;
 * never changed (a trigger refuses updates).
 */
@Entity({ name: 'record_blob' })
@Check('CHK_record_blob_sha256', `"sha256" ~ '^[0-9a-f]{64}$'`)
@Check('CHK_record_blob_size', `"size_bytes" > 0`)
export class RecordBlobEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_record_blob' })
  sha256!: string;

  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One piece of a blob, in order by `seq` from 0; read one at a time, so no file is ever held whole. */
@Entity({ name: 'record_blob_chunk' })
@Check('CHK_record_blob_chunk_seq', `"seq" >= 0`)
@Check('CHK_record_blob_chunk_data', `octet_length("data") > 0`)
export class RecordBlobChunkEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_record_blob_chunk' })
  sha256!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_record_blob_chunk' })
  seq!: number;

  @Column({ type: 'bytea' })
  data!: Buffer;

  @ManyToOne(() => RecordBlobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sha256', foreignKeyConstraintName: 'FK_record_blob_chunk_blob' })
  blob?: Relation<RecordBlobEntity>;
}
