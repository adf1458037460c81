import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { WEB_CLIENT_TYPES, webClientTypes } from '../src/openapi/web-client-types.js';
import { createTestApp, type TestApp } from './utils/test-app.js';

// The browser app's API types are generated from the OpenAPI document and
// checked in (src/web/api/schema.d.ts). Generated again here from the document
// the running server serves, they must be the same file: a route or DTO that
// changed without `npm run web:api` fails here, not in a user's browser.
describe('The browser API client types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should be what openapi-typescript makes of the served document', async () => {
    const res = await request(t.http).get('/api/docs-json');
    expect(res.status).toBe(200);
    const generated = await webClientTypes(JSON.parse(res.text) as Record<string, unknown>);
    const checkedIn = await readFile(WEB_CLIENT_TYPES, 'utf8');
    // Not toEqual on 10,000 lines: say what to do.
    if (generated !== checkedIn) throw new Error(`${WEB_CLIENT_TYPES} is out of date: run npm run web:api`);
    expect(checkedIn).toContain('"/api/cases": {');
  });
});
