import { describe, expect, it } from '@jest/globals';
import { demoCredentialProblem, demoSeedDecision } from './demo-policy.js';

describe(demoSeedDecision.name, () => {
  it.each([
    ['production, embedded, DEMO_DATA=true', 'production', true, true, false],
    ['production, external, DEMO_DATA=true', 'production', true, false, false],
    ['development, embedded, DEMO_DATA=true', 'development', true, true, true],
    ['development, embedded, DEMO_DATA=false', 'development', false, true, false],
    ['development, external, DEMO_DATA=true', 'development', true, false, false],
    ['test, embedded, DEMO_DATA=true', 'test', true, true, true],
  ] as const)('should decide %s', (_name, nodeEnv, demoData, embedded, seed) => {
    expect(demoSeedDecision({ NODE_ENV: nodeEnv, DEMO_DATA: demoData }, embedded).seed).toBe(seed);
  });

  it('should say why production never seeds', () => {
    expect(demoSeedDecision({ NODE_ENV: 'production', DEMO_DATA: true }, true).reason).toMatch(/NODE_ENV=production/);
  });
});

describe(demoCredentialProblem.name, () => {
  it('should refuse the demo admin and password in production only', () => {
    expect(
      demoCredentialProblem({ NODE_ENV: 'production', DEMO_DATA: true, ADMIN_EMAIL: 'ADMIN@demo.consilium.dev' }),
    ).toMatch(/demo account/);
    expect(
      demoCredentialProblem({ NODE_ENV: 'production', DEMO_DATA: true, ADMIN_PASSWORD: 'consilium-demo' }),
    ).toMatch(/demo password/);
    expect(
      demoCredentialProblem({ NODE_ENV: 'development', DEMO_DATA: true, ADMIN_EMAIL: 'admin@demo.consilium.dev' }),
    ).toBeUndefined();
  });
});
