import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { TransactionContext } from '../database/transaction-context.js';
import { CaseAccessService } from './case-access.service.js';
import type { RecordDziDto } from './dto/record.dto.js';
import { RecordEntity } from './entities/record.entity.js';
import { RecordStorage } from './record-storage.js';

export const TILE_SIZE = 256;
/** Image types that get a Deep Zoom pyramid. */
export const TILED_TYPES = new Set(['image/png', 'image/jpeg', 'image/tiff']);

interface Pyramid {
  width: number;
  height: number;
  tile_size: number;
  overlap: number;
  format: string;
}

/**
 * Deep Zoom pyramids of image records, made with sharp and kept in PostgreSQL
 * (record_tile_pyramid, record_tile) by content hash: made once, on upload or
 * on the first view, then served tile by tile without decoding the image.
 */
@Injectable()
export class RecordTilesService {
  private readonly log = new Logger(RecordTilesService.name);
  /** Pyramids being made in this process, so two first views make one. */
  private readonly making = new Map<string, Promise<Pyramid>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly access: CaseAccessService,
    private readonly storage: RecordStorage,
    private readonly tx: TransactionContext,
  ) {}

  /** The descriptor of an image record; makes its pyramid if it has none yet. */
  async descriptor(user: AuthenticatedUser, caseId: string, recordId: string): Promise<RecordDziDto> {
    const record = await this.imageRecord(user, caseId, recordId);
    const pyramid = await this.ensure(record.contentSha256 as string, Number(record.sizeBytes), record.id);
    return {
      width: pyramid.width,
      height: pyramid.height,
      tileSize: pyramid.tile_size,
      overlap: pyramid.overlap,
      format: 'jpeg',
      maxLevel: Math.ceil(Math.log2(Math.max(pyramid.width, pyramid.height))),
      tileUrl: `/api/cases/${caseId}/records/${recordId}/tiles/{level}/{col}_{row}`,
    };
  }

  /** One tile's JPEG bytes. */
  async tile(user: AuthenticatedUser, caseId: string, recordId: string, level: number, tile: string): Promise<Buffer> {
    const match = /^(\d{1,5})_(\d{1,5})(?:\.jpe?g)?$/.exec(tile);
    if (match === null) throw new NotFoundException('Tile not found');
    const record = await this.imageRecord(user, caseId, recordId);
    const rows = await this.dataSource.query<{ bytes: Buffer }[]>(
      `SELECT bytes FROM record_tile WHERE sha256 = $1 AND level = $2 AND col = $3 AND row = $4`,
      [record.contentSha256, level, Number(match[1]), Number(match[2])],
    );
    const found = rows[0];
    if (found === undefined) throw new NotFoundException('Tile not found');
    return found.bytes;
  }

  /**
   * Makes the pyramid of an uploaded image inside the upload's transaction
   * (record, content and tiles commit together), from the upload's scratch
   * file. An image sharp cannot read is logged and left without tiles (the
   * first view tries again); a database failure fails the upload.
   */
  async prepare(sha256: string, file: string, mediaType: string, recordId: string): Promise<void> {
    if (!TILED_TYPES.has(mediaType)) return;
    const have = await this.tx.query<unknown>(`SELECT 1 FROM record_tile_pyramid WHERE sha256 = $1`, [sha256]);
    if (have.length > 0) return;
    await this.make(sha256, file, recordId, (sql, params) => this.tx.query(sql, params));
  }

  private async imageRecord(user: AuthenticatedUser, caseId: string, recordId: string): Promise<RecordEntity> {
    await this.access.load(user, caseId);
    const record = await this.dataSource.manager.findOne(RecordEntity, { where: { id: recordId, caseId } });
    if (record === null) throw new NotFoundException('Record not found');
    AuditScope.describe({ entityId: record.id });
    if (record.kind !== 'file' || record.contentSha256 === null || !TILED_TYPES.has(record.mediaType ?? '')) {
      throw new ConflictException('This record is not an image; it has no Deep Zoom tiles');
    }
    return record;
  }

  private ensure(sha256: string, size: number, recordId: string): Promise<Pyramid> {
    const pending = this.making.get(sha256);
    if (pending !== undefined) return pending;
    const made = this.load(sha256, size, recordId).finally(() => this.making.delete(sha256));
    this.making.set(sha256, made);
    return made;
  }

  private async load(sha256: string, size: number, recordId: string): Promise<Pyramid> {
    const existing = await this.dataSource.query<Pyramid[]>(
      `SELECT width, height, tile_size, overlap, format FROM record_tile_pyramid WHERE sha256 = $1`,
      [sha256],
    );
    if (existing[0] !== undefined) return existing[0];
    const chunks: Buffer[] = [];
    for await (const chunk of await this.storage.open(sha256, size, { recordId })) chunks.push(chunk as Buffer);
    const made = await this.dataSource.transaction((manager) =>
      this.make(sha256, Buffer.concat(chunks), recordId, (sql, params) => manager.query(sql, params)),
    );
    if (made === undefined) throw new ConflictException('This image could not be read to show it');
    return made;
  }

  /** Tiles an image with sharp and stores its pyramid; undefined (logged) when sharp cannot read it. */
  private async make(
    sha256: string,
    input: Buffer | string,
    recordId: string,
    query: (sql: string, params: unknown[]) => Promise<unknown[]>,
  ): Promise<Pyramid | undefined> {
    const dir = await mkdtemp(path.join(tmpdir(), 'consilium-dz-'));
    try {
      let pyramid: Pyramid;
      try {
        const image = sharp(input, { limitInputPixels: 30000 * 30000 });
        const meta = await image.metadata();
        if (meta.width === undefined || meta.height === undefined) throw new Error('image without a size');
        await image
          .jpeg({ quality: 85 })
          .tile({ size: TILE_SIZE, overlap: 0, layout: 'dz' })
          .toFile(path.join(dir, 'image.dz'));
        pyramid = { width: meta.width, height: meta.height, tile_size: TILE_SIZE, overlap: 0, format: 'jpeg' };
      } catch (error) {
        this.log.warn(`no Deep Zoom pyramid for record ${recordId}: ${(error as Error).message}`);
        return undefined;
      }
      const inserted = await query(
        `INSERT INTO record_tile_pyramid (sha256, width, height, tile_size, overlap, format)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
        [sha256, pyramid.width, pyramid.height, TILE_SIZE, 0, 'jpeg'],
      );
      if (inserted.length === 0) return pyramid;
      const files = path.join(dir, 'image_files');
      // Beside the level folders, sharp writes vips-properties.xml.
      for (const level of (await readdir(files)).filter((name) => /^\d+$/.test(name))) {
        const names = await readdir(path.join(files, level));
        for (let start = 0; start < names.length; start += 100) {
          const values: unknown[] = [];
          const rows: string[] = [];
          for (const name of names.slice(start, start + 100)) {
            const m = /^(\d+)_(\d+)\.jpe?g$/.exec(name);
            if (m === null) continue;
            const at = values.length;
            rows.push(`($1, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5})`);
            values.push(Number(level), Number(m[1]), Number(m[2]), await readFile(path.join(files, level, name)));
          }
          if (rows.length === 0) continue;
          await query(`INSERT INTO record_tile (sha256, level, col, row, bytes) VALUES ${rows.join(', ')}`, [
            sha256,
            ...values,
          ]);
        }
      }
      return pyramid;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
