import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Jest in native ESM mode (Nest 12 is ESM-only): ts-jest with useESM, `.js` stripped from relative imports. */
export const base = {
  rootDir: path.resolve(here, '..'),
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: path.join(here, 'tsconfig.json'), diagnostics: false }],
    // ESM-only packages required by CommonJS ones (@fastify/static -> content-disposition):
    // Node 20 can require() them, jest's runtime cannot, so they are compiled to CommonJS.
    '/node_modules/content-disposition/.+\\.js$': [
      'ts-jest',
      {
        useESM: false,
        tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10' },
        diagnostics: false,
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
};
