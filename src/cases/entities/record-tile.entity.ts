import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { RecordBlobEntity } from './record-blob.entity.js';

/**
 * The Deep Zoom pyramid of an image record's content (by SHA-256, so shared by
 * every record holding the same bytes): its size and tiling. Made once, on
 * upload or on the first view; tiles are in `record_tile`.
 */
@Entity({ name: 'record_tile_pyramid' })
@Check('CHK_record_tile_pyramid_size', `"width" > 0 AND "height" > 0 AND "tile_size" > 0 AND "overlap" >= 0`)
export class RecordTilePyramidEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_record_tile_pyramid' })
  sha256!: string;

  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  @Column({ name: 'tile_size', type: 'integer' })
  tileSize!: number;

  @Column({ type: 'integer' })
  overlap!: number;

  @Column({ type: 'text' })
  format!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => RecordBlobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sha256', foreignKeyConstraintName: 'FK_record_tile_pyramid_blob' })
  blob?: Relation<RecordBlobEntity>;
}

/** One tile of a pyramid: Deep Zoom level (0 = 1×1 pixel), column and row. */
@Entity({ name: 'record_tile' })
@Check('CHK_record_tile_position', `"level" >= 0 AND "col" >= 0 AND "row" >= 0`)
export class RecordTileEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_record_tile' })
  sha256!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_record_tile' })
  level!: number;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_record_tile' })
  col!: number;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_record_tile' })
  row!: number;

  @Column({ type: 'bytea' })
  bytes!: Buffer;

  @ManyToOne(() => RecordTilePyramidEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sha256', foreignKeyConstraintName: 'FK_record_tile_pyramid' })
  pyramid?: Relation<RecordTilePyramidEntity>;
}
