import { describe, expect, it } from '@jest/globals';
import { clientRequestIdOf, isApiPath, refusalReason, routeOf } from './audit-hooks.js';
import { isAnonymousRefusal } from './audit.service.js';

describe(refusalReason.name, () => {
  it("should name Fastify's own refusals by their cause", () => {
    expect(refusalReason(400, 'FST_ERR_CTP_INVALID_JSON_BODY', true)).toBe('malformed_json');
    expect(refusalReason(413, 'FST_ERR_CTP_BODY_TOO_LARGE', true)).toBe('body_too_large');
    expect(refusalReason(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', true)).toBe('unsupported_media_type');
  });

  it('should tell a route that does not exist from a resource that does not', () => {
    expect(refusalReason(404, null, false)).toBe('route_not_found');
    expect(refusalReason(404, null, true)).toBe('not_found');
  });

  it('should name other refusals by their status', () => {
    expect(refusalReason(400, null, true)).toBe('bad_request');
    expect(refusalReason(409, null, true)).toBe('conflict');
    expect(refusalReason(418, null, true)).toBe('status_418');
    expect(refusalReason(500, null, true)).toBe('server_error');
  });
});

describe(clientRequestIdOf.name, () => {
  it("should keep the client's id apart, sanitised and bounded", () => {
    expect(clientRequestIdOf(undefined)).toBeNull();
    expect(clientRequestIdOf('  ')).toBeNull();
    expect(clientRequestIdOf('abc-123')).toBe('abc-123');
    expect(clientRequestIdOf(['first', 'second'])).toBe('first');
    expect(clientRequestIdOf('a\u0000b')).toBe('a\uFFFDb');
    expect(clientRequestIdOf('x'.repeat(500))?.length).toBe(128);
  });
});

describe(routeOf.name, () => {
  it('should name the route pattern, never the raw path', () => {
    expect(routeOf('GET', '/api/cases/:id')).toBe('GET /api/cases/:id');
    expect(routeOf('GET', undefined)).toBe('GET (no route)');
    // The browser app's catch-all is no API route.
    expect(routeOf('GET', '/*')).toBe('GET (no route)');
  });
});

describe(isApiPath.name, () => {
  it('should tell API paths from the browser app', () => {
    expect(isApiPath('/api/cases?limit=1')).toBe(true);
    expect(isApiPath('/api')).toBe(true);
    expect(isApiPath('/apidocs')).toBe(false);
    expect(isApiPath('/assets/app.js')).toBe(false);
  });
});

describe(isAnonymousRefusal.name, () => {
  it('should count refusals that name no one, and keep every other row', () => {
    expect(isAnonymousRefusal({ action: 'user.read_self', outcome: 'denied', statusCode: 401 })).toBe(true);
    expect(isAnonymousRefusal({ action: 'user.read_self', outcome: 'success' })).toBe(false);
    expect(isAnonymousRefusal({ action: 'user.list', outcome: 'denied', actorId: 'u' })).toBe(false);
    expect(isAnonymousRefusal({ action: 'auth.login', outcome: 'failure', entityId: 'u' })).toBe(false);
    expect(isAnonymousRefusal({ action: 'case.read', outcome: 'denied', caseId: 'c' })).toBe(false);
    expect(isAnonymousRefusal({ action: 'x', outcome: 'denied', severity: 'high' })).toBe(false);
  });
});
