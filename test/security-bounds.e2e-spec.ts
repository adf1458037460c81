import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { baseUrlOf, connectBoard } from './utils/board-fixtures.js';
import { addMember, createClinic, referralBody } from './utils/factories.js';
import {
  anonymousRefusals,
  bearer,
  createTestApp,
  createUser,
  login,
  type TestApp,
  type Tokens,
} from './utils/test-app.js';

// Issue 15, items 2 and 14 and the public-route rate limit: attacks as the tester ran them.

const PROBLEM = 'application/problem+json';
const PUBLIC_LIMIT = 5;
const STRING_LIMIT = 4096;

const here = path.dirname(fileURLToPath(import.meta.url));
type Json = Record<string, unknown>;
const EPIC = JSON.parse(readFileSync(path.join(here, 'fixtures', 'fhir', 'referral-icd10cm.json'), 'utf8')) as {
  entry: { resource: Json & { resourceType: string } }[];
};

/** The tester's body: 952 kB of JSON, 100,000 unknown keys beside a refresh token. */
function hundredThousandKeys(): string {
  const keys = Array.from({ length: 100_000 }, (_, i) => `"k${i.toString(36)}":1`).join(',');
  return `{"refreshToken":"${'a'.repeat(43)}",${keys}}`;
}

const forged = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Request bounds, list parameters and public-route limits (issue 15)', () => {
  let t: TestApp;
  let admin: Tokens;
  let coord: Tokens;
  let clinicId: string;

  beforeAll(async () => {
    t = await createTestApp({
      PUBLIC_ROUTE_IP_LIMIT: String(PUBLIC_LIMIT),
      BODY_MAX_STRING_CHARS: String(STRING_LIMIT),
      UPLOAD_MAX_BYTES: String(256 * 1024),
    });
    admin = await login(t, await createUser(t, 'admin'));
    const coordinator = await createUser(t, 'coordinator');
    coord = await login(t, coordinator);
    clinicId = (await createClinic(t, admin)).id;
    await addMember(t, admin, clinicId, coordinator.id);
    // Two cases and two sessions: every list has a real next page whose cursor can be tampered with.
    for (let i = 0; i < 2; i++) {
      const c = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinicId));
      expect(c.status).toBe(201);
      const s = await request(t.http)
        .post('/api/board-sessions')
        .set(bearer(coord))
        .send({
          clinicId,
          title: `Board ${i}`,
          startsAt: `2026-12-0${i + 3}T19:00:00Z`,
          endsAt: `2026-12-0${i + 3}T20:00:00Z`,
        });
      expect(s.status).toBe(201);
    }
    await createClinic(t, admin);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('bodies are bounded before any transform (item 2)', () => {
    it('should refuse the 100,000-key refresh body with a short 400 naming the limit, fast, while health answers', async () => {
      const body = hundredThousandKeys();
      expect(body.length).toBeGreaterThan(900_000);
      const started = performance.now();
      const attack = request(t.http).post('/api/auth/refresh').set('Content-Type', 'application/json').send(body);
      const health = (async () => {
        await new Promise((r) => setTimeout(r, 5));
        const at = performance.now();
        const res = await request(t.http).get('/api/health');
        return { status: res.status, ms: performance.now() - at };
      })();
      const [res, h] = await Promise.all([attack, health]);
      const ms = performance.now() - started;
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'body', messages: ['the request has more than 200 fields'] }]);
      // Before: 10.4 MB of errors after 16.8 s, health waiting 15.8 s.
      expect(res.text.length).toBeLessThan(2000);
      expect(ms).toBeLessThan(1000);
      expect(h.status).toBe(200);
      expect(h.ms).toBeLessThan(1000);
    });

    it('should refuse JSON nested 10,000 deep with 400 naming the depth, not 500', async () => {
      for (const body of [
        `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
        `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      ]) {
        const res = await request(t.http).post('/api/auth/refresh').set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toContain(PROBLEM);
        expect(res.body.errors[0].messages).toEqual(['the request nests objects or lists more than 32 levels deep']);
      }
      // An authenticated write route alike, inside a field.
      const deep = `{"title":"x","clinicId":"${clinicId}","extra":${'['.repeat(40)}${']'.repeat(40)}}`;
      const res = await request(t.http)
        .post('/api/board-sessions')
        .set(bearer(coord))
        .set('Content-Type', 'application/json')
        .send(deep);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe(`extra${'[0]'.repeat(31)}`);
    });

    it('should refuse a list over the item limit, a string over the length limit, and too many fields in all', async () => {
      const items = await request(t.http)
        .post('/api/auth/refresh')
        .set('Content-Type', 'application/json')
        .send(`{"refreshToken":[${Array.from({ length: 10_001 }, () => '0').join(',')}]}`);
      expect(items.status).toBe(400);
      expect(items.body.errors).toEqual([
        { field: 'refreshToken', messages: ['refreshToken has more than 10000 items'] },
      ]);
      const text = await request(t.http)
        .post('/api/auth/refresh')
        .send({ refreshToken: 'a'.repeat(STRING_LIMIT + 1) });
      expect(text.status).toBe(400);
      expect(text.body.errors).toEqual([
        { field: 'refreshToken', messages: [`refreshToken is longer than ${STRING_LIMIT} characters`] },
      ]);
      const many = {
        items: Array.from({ length: 101 }, () =>
          Object.fromEntries(Array.from({ length: 199 }, (_, i) => [`k${i}`, 0])),
        ),
      };
      const total = await request(t.http).post('/api/auth/refresh').send(many);
      expect(total.status).toBe(400);
      expect(total.body.errors).toEqual([{ field: 'body', messages: ['the request has more than 20000 fields'] }]);
    });

    it('should answer unknown fields with one error, however many were sent', async () => {
      const unknown = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, 1]));
      const top = await request(t.http)
        .post('/api/auth/refresh')
        .send({ refreshToken: 'a'.repeat(43), ...unknown });
      expect(top.status).toBe(400);
      expect(top.body.errors).toEqual([{ field: 'k0', messages: ['property k0 should not exist'] }]);
      // Nested: the referral's diagnosis with 150 unknown fields.
      const body = referralBody(clinicId);
      const nested = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .send({ ...body, referringDiagnosis: { ...(body.referringDiagnosis as Json), ...unknown } });
      expect(nested.status).toBe(400);
      const whitelist = (nested.body.errors as { messages: string[] }[]).filter((e) =>
        e.messages.some((m) => m.includes('should not exist')),
      );
      expect(whitelist).toHaveLength(1);
      expect(nested.text.length).toBeLessThan(2000);
    });

    it('should answer a form-encoded body with 415, as every type but JSON', async () => {
      const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}=1`).join('&');
      const res = await request(t.http)
        .post('/api/auth/refresh')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(`refreshToken=${'a'.repeat(43)}&${keys}`);
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toContain(PROBLEM);
    });

    it('should leave a FHIR referral its base64 attachments past the string limit, but no other long string', async () => {
      const bundle = structuredClone(EPIC);
      const tag = Date.now().toString(36).toUpperCase();
      const sr = bundle.entry.find((e) => e.resource.resourceType === 'ServiceRequest')!.resource;
      (sr.identifier as Json[])[0].value = `REF-B${tag}`;
      const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')!.resource;
      (patient.identifier as Json[]).find((i) => JSON.stringify(i.type ?? {}).includes('"MR"'))!.value = `B${tag}`;
      const doc = bundle.entry.find((e) => e.resource.resourceType === 'DocumentReference')!.resource;
      const attachment = (doc.content as { attachment: Json }[])[0].attachment;
      const pdf = `%PDF-1.4\n% ${'x'.repeat(STRING_LIMIT * 2)}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`;
      attachment.data = Buffer.from(pdf).toString('base64');
      expect((attachment.data as string).length).toBeGreaterThan(STRING_LIMIT);
      const post = (b: unknown) =>
        request(t.http)
          .post('/api/fhir/referrals')
          .set(bearer(coord))
          .set('Content-Type', 'application/fhir+json')
          .send(JSON.stringify(b));
      const long = structuredClone(bundle);
      const i = long.entry.findIndex((e) => e.resource.resourceType === 'DocumentReference');
      long.entry[i].resource.description = 'y'.repeat(STRING_LIMIT + 1);
      const refused = await post(long);
      expect(refused.status).toBe(400);
      expect(refused.headers['content-type']).toMatch(/^application\/fhir\+json/);
      expect(refused.body.issue).toEqual([
        expect.objectContaining({
          expression: [`Bundle.entry[${i}].resource.description`],
          details: { text: `entry[${i}].resource.description is longer than ${STRING_LIMIT} characters` },
        }),
      ]);
      const taken = await post(bundle);
      expect(taken.status).toBe(201);
    });
  });

  describe('socket payloads are bounded alike', () => {
    it('should refuse a board message nested 30,000 deep with a 400 ack, not a 500', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const socket = await connectBoard(baseUrlOf(t.http), coord.accessToken);
      try {
        // Written as a raw socket.io packet: the client library's own encoder recurses and cannot send it.
        const engine = (
          socket.io as unknown as {
            engine: {
              write(data: string): void;
              on(event: 'packet', cb: (p: { type: string; data?: unknown }) => void): void;
            };
          }
        ).engine;
        const ACK = '3/board,991';
        const answer = new Promise<string>((resolve) =>
          engine.on('packet', (p) => {
            if (p.type === 'message' && typeof p.data === 'string' && p.data.startsWith(ACK)) resolve(p.data);
          }),
        );
        const payload = `{"sessionId":"${clinicId}","body":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
        engine.write(`2/board,991["message:post",${payload}]`);
        const [ack] = JSON.parse((await answer).slice(ACK.length)) as [
          { error?: { status: number; errors?: { messages: string[] }[] } },
        ];
        expect(ack.error?.status).toBe(400);
        expect(ack.error?.errors?.[0]?.messages).toEqual([
          'the request nests objects or lists more than 32 levels deep',
        ]);
      } finally {
        socket.close();
      }
    });
  });

  describe('every list parameter is validated (item 14)', () => {
    const lists = ['/api/cases', '/api/audit-events', '/api/board-sessions'];
    const as = (route: string): Tokens => (route === '/api/audit-events' ? admin : coord);

    it('should answer an impossible date (from=2026-02-30) with 400 naming the parameter, not 500', async () => {
      for (const route of lists) {
        for (const [name, value] of [
          ['from', '2026-02-30'],
          ['to', '2026-02-30T10:00:00Z'],
          ['from', '0000-01-01'],
          ['to', '2026-01-01T00:00:00+23:59'],
          ['from', '2026-W05'],
        ]) {
          const res = await request(t.http)
            .get(route)
            .query({ [name]: value })
            .set(bearer(as(route)));
          expect({ route, value, status: res.status }).toEqual({ route, value, status: 400 });
          expect(res.headers['content-type']).toContain(PROBLEM);
          expect(res.body.errors[0].field).toBe(name);
          expect(res.body.errors[0].messages[0]).toMatch(new RegExp(`^${name} must be a real date`));
        }
        const ok = await request(t.http)
          .get(route)
          .query({ from: '2024-02-29', to: '2100-01-01T00:00:00Z' })
          .set(bearer(as(route)));
        expect(ok.status).toBe(200);
      }
      const calendar = await request(t.http)
        .get('/api/reports/concordance')
        .query({ clinicId, from: '2026-02-30', to: '2027-01-01' })
        .set(bearer(coord));
      expect(calendar.status).toBe(400);
      expect(calendar.body.errors[0].field).toBe('from');
    });

    it('should answer a garbled or forged cursor with 400 naming the cursor, on every paged list', async () => {
      const uuid = '0b7c6f0e-4a5b-4c3d-8e9f-0123456789ab';
      const cases: [string, Tokens, string[]][] = [
        [
          '/api/cases',
          coord,
          [forged({ at: '2026-02-30 10:00:00+00', id: uuid }), forged({ at: '2026-01-01 10:00:00+00', id: 'nope' })],
        ],
        [
          '/api/board-sessions',
          coord,
          [forged({ t: 'not a time', id: uuid }), forged({ t: '2026-12-03T19:00:00.000Z', id: "' OR 1=1 --" })],
        ],
        ['/api/clinics', admin, [forged({ name: 'A', id: 'not-a-uuid' }), forged({ name: 'a\u0000b', id: uuid })]],
        ['/api/users', admin, [forged({ email: 'a\u0000b' }), forged({ email: 42 })]],
        ['/api/audit-events', admin, [forged({ id: '99999999999999999999' }), forged({ id: 'x' })]],
      ];
      for (const [route, tokens, cursors] of cases) {
        const first = await request(t.http).get(route).query({ limit: 1 }).set(bearer(tokens));
        expect(first.status).toBe(200);
        // The real next page works...
        expect(typeof first.body.nextCursor).toBe('string');
        const next = await request(t.http)
          .get(route)
          .query({ limit: 1, cursor: first.body.nextCursor })
          .set(bearer(tokens));
        expect(next.status).toBe(200);
        // ...and anything else is the client's mistake, named.
        for (const cursor of [...cursors, (first.body.nextCursor as string).slice(0, -4), 'AAAA', '-_-_']) {
          const res = await request(t.http).get(route).query({ cursor }).set(bearer(tokens));
          expect({ route, cursor, status: res.status }).toEqual({ route, cursor, status: 400 });
          expect(res.body.errors).toEqual([
            { field: 'cursor', messages: ['cursor must be a cursor returned by a previous page'] },
          ]);
        }
      }
    });

    it('should never answer 5xx to any forged cursor or date on the lists', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/api/cases', '/api/board-sessions', '/api/clinics', '/api/users', '/api/audit-events'),
          fc.oneof(
            fc.record({ cursor: fc.jsonValue().map(forged) }),
            fc.record({
              cursor: fc
                .dictionary(
                  fc.constantFrom('at', 'id', 't', 'name', 'email'),
                  fc.oneof(fc.string(), fc.date({ noInvalidDate: false }).map(String), fc.integer()),
                )
                .map(forged),
            }),
            fc.record({ from: fc.string({ maxLength: 40 }) }),
            fc.record({
              to: fc
                .tuple(
                  fc.integer({ min: 0, max: 9999 }),
                  fc.integer({ min: 0, max: 99 }),
                  fc.integer({ min: 0, max: 99 }),
                )
                .map(
                  ([y, m, d]) =>
                    `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
                ),
            }),
          ),
          async (route, query) => {
            const tokens = ['/api/cases', '/api/board-sessions'].includes(route) ? coord : admin;
            const res = await request(t.http).get(route).query(query).set(bearer(tokens));
            expect(res.status).toBeLessThan(500);
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  describe('anonymous routes are rate-limited per address', () => {
    it('should answer the refresh route past its limit with 429 and Retry-After, counted in the audit trail', async () => {
      // Earlier tests here reached the route too; the count starts afresh (set-up, not under test).
      await t.dataSource.query(`DELETE FROM rate_limit`);
      const before = await anonymousRefusals(t, { reason: 'rate_limited_ip', statusCode: 429 });
      const statuses: number[] = [];
      for (let i = 0; i < PUBLIC_LIMIT + 2; i++) {
        const res = await request(t.http)
          .post('/api/auth/refresh')
          .send({ refreshToken: 'a'.repeat(43) });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.headers['content-type']).toContain(PROBLEM);
          expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        }
      }
      expect(statuses).toEqual([...Array<number>(PUBLIC_LIMIT).fill(401), 429, 429]);
      expect(await anonymousRefusals(t, { reason: 'rate_limited_ip', statusCode: 429 })).toBe(before + 2);
      // The limit is the refresh route's: health and an authenticated caller are not affected.
      expect((await request(t.http).get('/api/health')).status).toBe(200);
      expect((await request(t.http).get('/api/users/me').set(bearer(coord))).status).toBe(200);
    });

    it('should hold the count in PostgreSQL, so every instance shares it', async () => {
      const rows = await t.dataSource.query<{ hits: number }[]>(
        `SELECT hits FROM rate_limit ORDER BY hits DESC LIMIT 1`,
      );
      expect(rows[0]?.hits).toBeGreaterThanOrEqual(PUBLIC_LIMIT);
    });
  });
});
