import { describe, expect, it } from '@jest/globals';
import { securityHeaders } from './security-headers.js';

describe(securityHeaders.name, () => {
  it("should produce helmet's headers for the API policy", () => {
    const headers = securityHeaders();
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(Object.keys(headers)).not.toContain('x-powered-by');
  });

  it('should refuse an invalid policy at start-up', () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ['self'] } } })).toThrow(
      /should be quoted/,
    );
  });
});
