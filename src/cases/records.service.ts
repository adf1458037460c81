import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import { ConflictException, HttpException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { RecordType } from '../common/clinical-codes.js';
import { AppConfig } from '../config/app-config.js';
import { EventLogService } from '../events/event-log.service.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import { CaseAccessService } from './case-access.service.js';
import { ImagingReferenceDto, RecordFieldsDto, type RecordResponseDto } from './dto/record.dto.js';
import { RecordEntity } from './entities/record.entity.js';
import { RecordStorage } from './record-storage.js';
import { RecordTilesService } from './record-tiles.service.js';

/** Types a record file may have, judged from its bytes, never from its name or header. */
const ALLOWED = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/tiff',
  'application/dicom',
  'text/plain',
]);
const ALLOWED_TYPES = 'a PDF, PNG, JPEG, TIFF, DICOM or plain-text document';

/** A file that arrived inside a request body (e.g. a FHIR referral Bundle's attachment), decoded. */
export interface InlineFile {
  data: Buffer;
  type: RecordType;
  documentDate: string | null;
  source: string | null;
  /** Kept as the record's file name, made safe. */
  title: string | null;
}

/** Whether an inline file may become a record: its type as sniffed from the bytes, or why not. */
export type FileCheck =
  { ok: true; mediaType: string } | { ok: false; problem: 'empty' | 'too_large' | 'type'; message: string };

@Injectable()
export class RecordsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly storage: RecordStorage,
    private readonly events: EventLogService,
    private readonly config: AppConfig,
    private readonly tiles: RecordTilesService,
  ) {}

  /** A multipart upload: form fields first, then one file. */
  async upload(user: AuthenticatedUser, caseId: string, request: FastifyRequest): Promise<RecordResponseDto> {
    await this.access.load(user, caseId, { write: true });
    if (!request.isMultipart()) {
      throw new HttpException(
        'Send the record as multipart/form-data with a file part',
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    }
    const fields: Record<string, string> = {};
    let stored: { sha256: string; size: number; mediaType: string; filename: string; temp: string } | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        if (part.fieldname !== 'file' || stored !== undefined) {
          part.file.resume();
          throw RequestValidationException.field(part.fieldname, 'send exactly one file, in the part named "file"');
        }
        validateFields(RecordFieldsDto, fields);
        stored = await this.receive(part);
      }
      if (stored === undefined) throw RequestValidationException.field('file', 'file is required');
      const dto = validateFields(RecordFieldsDto, fields);
      const file = stored;
      const added = await this.tx.run(async (manager) => {
        await this.assertSupersedable(caseId, dto.supersedesId);
        await this.storage.put(file.sha256, file.size, () => createReadStream(file.temp));
        const record = await manager.save(
          manager.create(RecordEntity, {
            caseId,
            type: dto.type,
            kind: 'file' as const,
            documentDate: dto.documentDate ?? null,
            source: dto.source ?? null,
            contentSha256: file.sha256,
            sizeBytes: String(file.size),
            mediaType: file.mediaType,
            filename: file.filename,
            supersedesId: dto.supersedesId ?? null,
            createdBy: user.id,
          }),
        );
        // An image is tiled now, so its first view does not wait for it.
        await this.tiles.prepare(file.sha256, file.temp, file.mediaType, record.id);
        return this.added(user, record);
      });
      return added;
    } finally {
      if (stored !== undefined) await rm(stored.temp, { force: true });
    }
  }

  /**
   * The checks an upload's bytes get (not empty, within the upload limit, a
   * type sniffed from the content and allowed), for a file that came inside
   * a request body, before anything is written.
   */
  async checkFile(data: Buffer): Promise<FileCheck> {
    if (data.length === 0) return { ok: false, problem: 'empty', message: 'the file is empty' };
    if (data.length > this.config.uploadMaxBytes) {
      return {
        ok: false,
        problem: 'too_large',
        message: `the file is larger than the upload limit (${this.config.uploadMaxBytes} bytes)`,
      };
    }
    const mediaType = await sniffBuffer(data);
    if (mediaType === undefined || !ALLOWED.has(mediaType)) {
      return { ok: false, problem: 'type', message: `the file must be ${ALLOWED_TYPES}, judged from its content` };
    }
    return { ok: true, mediaType };
  }

  /**
   * Stores a file that came inside a request body as a record of a case the
   * caller has created or loaded, in the current transaction: the same
   * checks, content-addressed storage (in the same transaction) and
   * `record.added` event as an upload. The caller names the audit subject.
   */
  async storeFile(caseId: string, file: InlineFile, actorId: string): Promise<RecordResponseDto> {
    const check = await this.checkFile(file.data);
    if (!check.ok) throw RequestValidationException.field('file', check.message);
    const sha256 = createHash('sha256').update(file.data).digest('hex');
    return this.tx.run(async (manager) => {
      await this.storage.put(sha256, file.data.length, () => Readable.from([file.data]));
      const record = await manager.save(
        manager.create(RecordEntity, {
          caseId,
          type: file.type,
          kind: 'file' as const,
          documentDate: file.documentDate,
          source: file.source,
          contentSha256: sha256,
          sizeBytes: String(file.data.length),
          mediaType: check.mediaType,
          filename: file.title === null ? null : sanitize(file.title),
          supersedesId: null,
          createdBy: actorId,
        }),
      );
      await this.recordAdded(actorId, record);
      return toRecordResponse(record, null);
    });
  }

  async addImagingReference(
    user: AuthenticatedUser,
    caseId: string,
    dto: ImagingReferenceDto,
  ): Promise<RecordResponseDto> {
    await this.access.load(user, caseId, { write: true });
    await this.assertSupersedable(caseId, dto.supersedesId);
    const manager = this.tx.manager;
    const record = await manager.save(
      manager.create(RecordEntity, {
        caseId,
        type: dto.type,
        kind: 'dicomweb' as const,
        documentDate: dto.documentDate ?? null,
        source: dto.source ?? null,
        studyUid: dto.studyUid,
        dicomwebUrl: dto.url,
        supersedesId: dto.supersedesId ?? null,
        createdBy: user.id,
      }),
    );
    return this.added(user, record);
  }

  async list(user: AuthenticatedUser, caseId: string): Promise<RecordResponseDto[]> {
    await this.access.load(user, caseId);
    const rows = await this.tx.manager.find(RecordEntity, {
      where: { caseId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const supersededBy = new Map(rows.filter((r) => r.supersedesId !== null).map((r) => [r.supersedesId, r.id]));
    return rows.map((r) => toRecordResponse(r, supersededBy.get(r.id) ?? null));
  }

  async content(
    user: AuthenticatedUser,
    caseId: string,
    recordId: string,
  ): Promise<{ stream: Readable; size: number; mediaType: string; filename: string }> {
    await this.access.load(user, caseId);
    const record = await this.tx.manager.findOne(RecordEntity, { where: { id: recordId, caseId } });
    if (record === null) throw new NotFoundException('Record not found');
    AuditScope.describe({ entityId: record.id });
    if (record.kind !== 'file' || record.contentSha256 === null || record.mediaType === null) {
      throw new ConflictException('This record is an imaging reference; open its DICOMweb URL');
    }
    const size = Number(record.sizeBytes);
    return {
      stream: await this.storage.open(record.contentSha256, size, { recordId: record.id }),
      size,
      mediaType: record.mediaType,
      filename: `record-${record.id}`,
    };
  }

  private async added(user: AuthenticatedUser, record: RecordEntity): Promise<RecordResponseDto> {
    await this.recordAdded(user.id, record);
    AuditScope.describe({ entityId: record.id });
    return toRecordResponse(record, null);
  }

  private async recordAdded(actorId: string, record: RecordEntity): Promise<void> {
    await this.events.append({
      type: 'record.added',
      caseId: record.caseId,
      actorId,
      payload: { recordId: record.id, type: record.type, kind: record.kind },
    });
  }

  private async assertSupersedable(caseId: string, supersedesId: string | undefined): Promise<void> {
    if (supersedesId === undefined) return;
    const rows = await this.tx.manager.query<{ superseded: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM case_record n WHERE n.supersedes_id = r.id) AS superseded
         FROM case_record r WHERE r.id = $1 AND r.case_id = $2`,
      [supersedesId, caseId],
    );
    if (rows.length === 0)
      throw RequestValidationException.field('supersedesId', 'supersedesId must be a record of this case');
    if (rows[0]?.superseded === true)
      throw new ConflictException('That record has already been superseded; supersede the newer one');
  }

  /**
   * Streams one file to a scratch file, hashing and counting; sniffs its type
   * from the bytes. (The store then reads it back chunk by chunk, so no
   * upload is ever held whole in memory, and the transaction does not wait
   * for a slow client's bytes to reach the database.)
   */
  private async receive(
    part: MultipartFile,
  ): Promise<{ sha256: string; size: number; mediaType: string; filename: string; temp: string }> {
    await mkdir(this.config.scratchDir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.config.scratchDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        part.file,
        new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        }),
        createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
      );
      if (part.file.truncated)
        throw new HttpException('The file is larger than the upload limit', HttpStatus.PAYLOAD_TOO_LARGE);
      if (size === 0) throw RequestValidationException.field('file', 'file is empty');
      const mediaType = await sniff(temp);
      if (mediaType === undefined || !ALLOWED.has(mediaType)) {
        throw new HttpException(`The file must be ${ALLOWED_TYPES}`, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
      }
      return { sha256: hash.digest('hex'), size, mediaType, filename: sanitize(part.filename), temp };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}

const TEXT_SNIFF_BYTES = 64 * 1024;

async function sniff(file: string): Promise<string | undefined> {
  const detected = await fileTypeFromFile(file);
  if (detected !== undefined) return detected.mime;
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(TEXT_SNIFF_BYTES), 0, TEXT_SNIFF_BYTES, 0);
    return plainText(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

async function sniffBuffer(data: Buffer): Promise<string | undefined> {
  const detected = await fileTypeFromBuffer(data);
  if (detected !== undefined) return detected.mime;
  return plainText(data.subarray(0, TEXT_SNIFF_BYTES));
}

/** No magic number: accept plain UTF-8 text without control bytes. */
function plainText(head: Buffer): 'text/plain' | undefined {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const binary = head.some((b) => b < 0x09 || (b > 0x0d && b < 0x20)) || text.includes('\ufffd');
  return binary ? undefined : 'text/plain';
}

function sanitize(name: string): string {
  return name.replace(/[^\w.() -]/g, '_').slice(0, 200);
}

function validateFields<T extends object>(cls: new () => T, fields: Record<string, string>): T {
  const dto = plainToInstance(cls, fields);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw RequestValidationException.fromValidationErrors(errors);
  return dto;
}

export function toRecordResponse(r: RecordEntity, supersededBy: string | null): RecordResponseDto {
  return {
    id: r.id,
    caseId: r.caseId,
    type: r.type,
    kind: r.kind,
    documentDate: r.documentDate,
    source: r.source,
    mediaType: r.mediaType,
    sizeBytes: r.sizeBytes === null ? null : Number(r.sizeBytes),
    sha256: r.contentSha256,
    studyUid: r.studyUid,
    url: r.dicomwebUrl,
    supersedesId: r.supersedesId,
    supersededBy,
    createdAt: r.createdAt.toISOString(),
  };
}
