import { describe, expect, it } from '@jest/globals';
import { appUrl, startupBanner, withoutPassword } from './startup-banner.js';

describe(startupBanner.name, () => {
  it('should give a browser URL for the address the server listens on', () => {
    expect(appUrl({ address: '0.0.0.0', family: 'IPv4', port: 3000 })).toBe('http://localhost:3000/');
    expect(appUrl({ address: '::', family: 'IPv6', port: 3000 })).toBe('http://localhost:3000/');
    expect(appUrl({ address: '127.0.0.1', family: 'IPv4', port: 8080 })).toBe('http://127.0.0.1:8080/');
    expect(appUrl({ address: '::1', family: 'IPv6', port: 8080 })).toBe('http://[::1]:8080/');
  });

  it('should never print the password of DATABASE_URL', () => {
    expect(withoutPassword('postgres://app:s3cret@db.example.org:5432/consilium')).toBe(
      'postgres://app:***@db.example.org:5432/consilium',
    );
    expect(withoutPassword('postgres://app@db/consilium')).toBe('postgres://app@db/consilium');
    expect(withoutPassword('not a url')).toBe('(DATABASE_URL)');
  });

  it('should list the embedded connection string and the demo logins, and leave out what is not there', () => {
    const text = startupBanner({
      url: 'http://localhost:3000/',
      database: {
        embedded: true,
        url: 'postgres://postgres:consilium-embedded@127.0.0.1:54329/consilium',
        dataDir: '/x/.data/pg',
      },
      demoLogins: [
        { email: 'admin@demo.consilium.dev', role: 'admin' },
        { email: 'coordinator@demo.consilium.dev', role: 'coordinator' },
        { email: 'medonc@demo.consilium.dev', role: 'clinician' },
      ],
    });
    expect(text).toContain('  App          http://localhost:3000/\n');
    expect(text).toContain('  API docs     http://localhost:3000/api/docs\n');
    expect(text).toContain('  Database     postgres://postgres:consilium-embedded@127.0.0.1:54329/consilium\n');
    expect(text).toContain('Demo logins, password consilium-demo');
    expect(text).toContain('    clinicians: medonc@ (@demo.consilium.dev)');
    const plain = startupBanner({
      url: 'http://localhost:3000/',
      database: { embedded: false, url: 'postgres://app:***@db/consilium' },
      demoLogins: [],
    });
    expect(plain).not.toContain('Demo logins');
    expect(plain).toContain('  Database     postgres://app:***@db/consilium (DATABASE_URL)');
  });
});
