import { base } from './jest.base.mjs';

export default {
  ...base,
  displayName: 'e2e',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/utils/global-setup.mjs',
  globalTeardown: '<rootDir>/test/utils/global-teardown.mjs',
  // Two cores: one worker per core; each test file gets its own database.
  maxWorkers: 2,
  testTimeout: 60000,
};
