import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { auditCoverageProblems, listRouteAudits, type RouteAudit } from '../src/audit/audit-coverage.js';
import { createTestApp, type TestApp } from './utils/test-app.js';

@Controller('rogue-patients')
class RogueController {
  @Get()
  list(): string[] {
    return [];
  }
}

describe('Audit declarations on every route', () => {
  let t: TestApp;
  let routes: RouteAudit[];

  beforeAll(async () => {
    t = await createTestApp();
    routes = listRouteAudits(t.app.get(DiscoveryService), t.app.get(MetadataScanner), t.app.get(Reflector));
  });
  afterAll(async () => {
    await t.close();
  });

  it('should find the registered routes', () => {
    expect(routes.map((r) => r.route)).toEqual(
      expect.arrayContaining([
        'POST /auth/login',
        'GET /users/me',
        'PATCH /users/:id',
        'GET /audit-events',
        'GET /health',
      ]),
    );
  });

  it('should have an audit declaration on every route, and no unaudited authenticated route', () => {
    expect(auditCoverageProblems(routes)).toEqual([]);
    for (const r of routes) {
      expect(r.declaration).toBeDefined();
      if (!r.isPublic) expect(r.declaration?.mode).not.toBe('none');
    }
  });

  it('should refuse to start an application with an unaudited route', async () => {
    await expect(createTestApp({}, { controllers: [RogueController] })).rejects.toThrow(
      /Audit coverage: GET \/rogue-patients has no audit declaration/,
    );
  });
});
