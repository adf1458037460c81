import { describe, expect, it } from '@jest/globals';
import { auditCoverageProblems } from './audit-coverage.js';

describe(auditCoverageProblems.name, () => {
  it('should accept audited routes and public routes declared as not audited', () => {
    expect(
      auditCoverageProblems([
        { route: 'GET /cases/:id', isPublic: false, declaration: { mode: 'interceptor', action: 'case.read' } },
        { route: 'POST /auth/login', isPublic: true, declaration: { mode: 'service', action: 'auth.login' } },
        { route: 'GET /health', isPublic: true, declaration: { mode: 'none', reason: 'probe' } },
      ]),
    ).toEqual([]);
  });

  it('should flag a route without a declaration', () => {
    expect(auditCoverageProblems([{ route: 'GET /patients', isPublic: false, declaration: undefined }])).toEqual([
      expect.objectContaining({ route: 'GET /patients' }),
    ]);
  });

  it('should flag an authenticated route that opts out of auditing', () => {
    expect(
      auditCoverageProblems([
        { route: 'GET /patients', isPublic: false, declaration: { mode: 'none', reason: 'lazy' } },
      ]),
    ).toEqual([expect.objectContaining({ problem: expect.stringContaining('@NotAudited') })]);
  });
});
