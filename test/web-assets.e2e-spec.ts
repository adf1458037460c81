/**
 * The browser app's files: content-hashed names cached for a year, index.html
 * revalidated, each served pre-compressed (brotli, gzip) to browsers that
 * accept it, decompressing to exactly the built file; API answers keep
 * no-store.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createTestApp, type TestApp } from './utils/test-app.js';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/web');

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with node:http, which (unlike fetch or supertest) leaves a compressed body as it came. */
function get(base: string, url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(url, base), { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the browser app bundle', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it('should serve index.html for revalidation, naming hashed files cached for a year, in every encoding', async () => {
    const index = await get(base, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toContain('text/html');
    expect(index.headers['cache-control']).toBe('no-cache');
    const html = index.body.toString();
    const script = /<script type="module" src="\/(main-[A-Z2-7]{8}\.js)"><\/script>/.exec(html)?.[1];
    const style = /<link rel="stylesheet" href="\/(app-[A-Z2-7]{8}\.css)" \/>/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    expect(html).not.toContain('"/app.js"');

    for (const [name, type] of [
      [script!, 'javascript'],
      [style!, 'text/css'],
    ] as const) {
      const built = await readFile(path.join(web, name));
      const plain = await get(base, `/${name}`);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-type']).toContain(type);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(Buffer.compare(plain.body, built)).toBe(0);
      for (const [accept, encoding, decode] of [
        ['gzip', 'gzip', gunzipSync],
        ['br', 'br', brotliDecompressSync],
        ['gzip, deflate, br', 'br', brotliDecompressSync],
      ] as const) {
        const res = await get(base, `/${name}`, { 'accept-encoding': accept });
        expect({ name, accept, status: res.status, encoding: res.headers['content-encoding'] }).toEqual({
          name,
          accept,
          status: 200,
          encoding,
        });
        expect(res.headers['content-type']).toContain(type);
        expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(String(res.headers.vary).toLowerCase()).toContain('accept-encoding');
        // Compressed at build time, and smaller for it.
        expect(res.body.length).toBeLessThan(built.length);
        expect(Buffer.compare(decode(res.body), built)).toBe(0);
      }
    }

    const compressedIndex = await get(base, '/index.html', { 'accept-encoding': 'br' });
    expect(compressedIndex.headers['content-encoding']).toBe('br');
    expect(compressedIndex.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(compressedIndex.body).toString()).toBe(html);
  });

  it('should not let a missing hashed name, or any API answer, be cached', async () => {
    const missing = await get(base, '/main-AAAAAAAA.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control'] ?? '').not.toContain('immutable');
    for (const url of ['/api/health', '/api/users/me', '/api/docs-json']) {
      const res = await get(base, url, { 'accept-encoding': 'br, gzip' });
      expect({ url, cache: res.headers['cache-control'] }).toEqual({ url, cache: 'no-store' });
    }
  });
});
