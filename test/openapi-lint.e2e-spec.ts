import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import request from 'supertest';
import { createTestApp, type TestApp } from './utils/test-app.js';

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  info: { license?: { name: string } };
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
}

const operations = (doc: Document): [string, Operation][] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );

describe('The OpenAPI document', () => {
  let t: TestApp;
  let source: string;
  let doc: Document;

  beforeAll(async () => {
    t = await createTestApp();
    // As a client gets it: from the running app.
    const res = await request(t.http).get('/api/docs-json');
    expect(res.status).toBe(200);
    source = res.text;
    doc = JSON.parse(source) as Document;
  });
  afterAll(async () => {
    await t.close();
  });

  it("should pass Redocly's recommended rules without an error", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
    const describe = (p: (typeof problems)[number]): string =>
      `${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`;
    const errors = problems.filter((p) => p.severity === 'error').map(describe);
    const warnings = problems.filter((p) => p.severity === 'warn').map(describe);
    process.stdout.write(
      `openapi lint: ${operations(doc).length} operations, ${errors.length} errors, ${warnings.length} warnings\n${warnings.join('\n')}\n`,
    );
    expect(errors).toEqual([]);
    // The one warning left: the liveness probe takes no input and answers no 4xx.
    expect(warnings).toEqual([expect.stringMatching(/^operation-4xx-response at #\/paths\/~1api~1health\/get/)]);
  });

  it('should give every operation a summary, a unique operationId, a security requirement and problem+json errors', () => {
    const ids = new Set<string>();
    for (const [key, op] of operations(doc)) {
      expect({ key, summary: op.summary }).toEqual({ key, summary: expect.stringMatching(/\S/) });
      expect(ids.has(op.operationId ?? '')).toBe(false);
      ids.add(op.operationId ?? '');
      expect({ key, security: op.security }).toEqual({ key, security: expect.any(Array) });
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const types = Object.keys(response.content ?? {});
        expect({ key, status, types }).toEqual({
          key,
          status,
          types: key.includes('/fhir/') ? ['application/fhir+json'] : ['application/problem+json'],
        });
      }
    }
    expect(doc.info.license?.name).toBeDefined();
    expect(doc.servers?.length).toBeGreaterThan(0);
  });

  it("should derive errors from the routes' metadata", () => {
    const statuses = (key: string): string[] => {
      const op = Object.fromEntries(operations(doc))[key];
      expect(op).toBeDefined();
      return Object.keys(op.responses);
    };
    // Public, no input beyond the body, throttled: no 404; 403 only when password sign-in is turned off.
    expect(statuses('POST /api/auth/login')).toEqual(['200', '400', '401', '403', '413', '415', '429', '503']);
    // An enrolment route with no roles and no input: only the token can fail.
    expect(statuses('GET /api/users/me')).toEqual(['200', '401', '503']);
    // Roles, a path id, a body, a required If-Match, a declared conflict.
    expect(statuses('PATCH /api/users/{id}')).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '412',
      '413',
      '415',
      '428',
      '503',
    ]);
    // If-Match is optional here: no 428.
    expect(statuses('PUT /api/cases/{id}/first-treatment-date')).not.toContain('428');
    expect(statuses('PUT /api/cases/{id}/first-treatment-date')).toContain('412');
    // Anonymous routes under the per-IP limit.
    expect(statuses('POST /api/auth/refresh')).toContain('429');
    expect(statuses('GET /api/cases')).not.toContain('429');
    expect(doc.components.schemas.ProblemDetails?.required).toEqual(['type', 'title', 'status', 'detail']);
  });
});
