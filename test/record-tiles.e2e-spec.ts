import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import request from 'supertest';
import { BIG, bigImage, twoPagePdf } from './bench/viewer-images.js';
import { boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import {
  auditRowsAfter,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  type TestApp,
} from './utils/test-app.js';

/** Reads a binary response body into a Buffer. */
function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

// Deep Zoom tiles of an image record: the descriptor, tiles of the right size,
// nothing for another clinic, and every read audited.
describe('Deep Zoom tiles of image records', () => {
  let t: TestApp;
  let w: BoardWorld;
  let caseId: string;
  let imageId: string;
  let pdfId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, (q, p) => t.dataSource.query(q, p), { cases: 1 });
    caseId = w.cases[0];
    const image = await request(t.http)
      .post(`/api/cases/${caseId}/records`)
      .set(bearer(w.coord.tokens))
      .field('type', 'imaging_other')
      .field('source', 'Slide scanner, St Mary')
      .attach('file', await bigImage(), 'slide.jpg');
    expect(image.status).toBe(201);
    imageId = image.body.id;
    const pdf = await request(t.http)
      .post(`/api/cases/${caseId}/records`)
      .set(bearer(w.coord.tokens))
      .field('type', 'pathology_report')
      .attach('file', await twoPagePdf(), 'report.pdf');
    expect(pdf.status).toBe(201);
    pdfId = pdf.body.id;
  }, 180_000);
  afterAll(async () => {
    await t.close();
  });

  it('should describe the pyramid, made on upload, and serve tiles of the right size', async () => {
    const stored = await t.dataSource.query<{ n: string }[]>(
      `SELECT count(*)::text AS n FROM record_tile t JOIN case_record r ON r.content_sha256 = t.sha256 WHERE r.id = $1`,
      [imageId],
    );
    expect(Number(stored[0]?.n)).toBeGreaterThan(1600);
    const doctor = w.doctors[0];
    const dzi = await request(t.http).get(`/api/cases/${caseId}/records/${imageId}/dzi`).set(bearer(doctor.tokens));
    expect(dzi.status).toBe(200);
    expect(dzi.body).toEqual({
      width: BIG,
      height: BIG,
      tileSize: 256,
      overlap: 0,
      format: 'jpeg',
      maxLevel: 14,
      tileUrl: `/api/cases/${caseId}/records/${imageId}/tiles/{level}/{col}_{row}`,
    });
    const tile = (level: number, col: number, row: number) =>
      request(t.http)
        .get(`/api/cases/${caseId}/records/${imageId}/tiles/${level}/${col}_${row}`)
        .set(bearer(doctor.tokens))
        .buffer(true)
        .parse(binary);
    const first = await tile(14, 0, 0);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('image/jpeg');
    // Patient data: not kept in caches, like every API answer.
    expect(first.headers['cache-control']).toBe('no-store');
    expect(await sharp(first.body as Buffer).metadata()).toMatchObject({ width: 256, height: 256, format: 'jpeg' });
    // 10,000 = 39 × 256 + 16: the last column is 16 pixels wide.
    const edge = await tile(14, 39, 0);
    expect(await sharp(edge.body as Buffer).metadata()).toMatchObject({ width: 16, height: 256 });
    const whole = await tile(8, 0, 0);
    expect(await sharp(whole.body as Buffer).metadata()).toMatchObject({ width: 157, height: 157 });
    expect((await tile(14, 40, 0)).status).toBe(404);
    expect((await tile(15, 0, 0)).status).toBe(404);
  });

  it('should refuse a PDF, and show nothing of another clinic to its clinician', async () => {
    const doctor = w.doctors[0];
    const pdf = await request(t.http).get(`/api/cases/${caseId}/records/${pdfId}/dzi`).set(bearer(doctor.tokens));
    expect(pdf.status).toBe(409);
    const dzi = await request(t.http).get(`/api/cases/${caseId}/records/${imageId}/dzi`).set(bearer(w.outsider.tokens));
    expect(dzi.status).toBe(404);
    const tile = await request(t.http)
      .get(`/api/cases/${caseId}/records/${imageId}/tiles/14/0_0`)
      .set(bearer(w.outsider.tokens));
    expect(tile.status).toBe(404);
    expect((await request(t.http).get(`/api/cases/${caseId}/records/${imageId}/tiles/14/0_0`)).status).toBe(401);
  });

  it('should audit the descriptor read as a view of the record, and each tile read', async () => {
    const doctor = w.doctors[0];
    const before = await lastAuditId(t);
    expect(
      (await request(t.http).get(`/api/cases/${caseId}/records/${imageId}/dzi`).set(bearer(doctor.tokens))).status,
    ).toBe(200);
    expect(
      (await request(t.http).get(`/api/cases/${caseId}/records/${imageId}/tiles/13/3_4`).set(bearer(doctor.tokens)))
        .status,
    ).toBe(200);
    expect(
      (await request(t.http).get(`/api/cases/${caseId}/records/${imageId}/tiles/14/0_0`).set(bearer(w.outsider.tokens)))
        .status,
    ).toBe(404);
    const rows = await auditRowsAfter(t, before);
    expect(
      rows.slice(0, 2).map((r) => ({ action: r.action, actor: r.actor_id, outcome: r.outcome, entity: r.entity_id })),
    ).toEqual([
      { action: 'record.view', actor: doctor.id, outcome: 'success', entity: imageId },
      { action: 'record.tile.read', actor: doctor.id, outcome: 'success', entity: imageId },
    ]);
    // The refused read is audited too, as a refusal.
    expect(rows.slice(2).map((r) => ({ action: r.action, actor: r.actor_id, status: r.status_code }))).toEqual([
      { action: 'record.tile.read', actor: w.outsider.id, status: 404 },
    ]);
    expect(rows[2]?.outcome).not.toBe('success');
  });
});
