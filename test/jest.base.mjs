import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Jest 30 turns on its own require(esm) support where `vm.SourceTextModule` can tell an async
 * module graph (Node 24+). There an ES-only package required from CommonJS loads as it is; a copy
 * compiled to CommonJS would be evaluated as an ES module and fail ("exports is not defined").
 */
const jestRequiresEsm = typeof vm.SourceTextModule?.prototype?.hasAsyncGraph === 'function';

/**
 * Without that support (Node 22), ES-only packages required by CommonJS ones
 * (@fastify/static -> content-disposition) are compiled to CommonJS for jest's runtime.
 */
const esmOnlyPackagesAsCommonJs = jestRequiresEsm
  ? {}
  : {
      '/node_modules/content-disposition/.+\\.js$': [
        'ts-jest',
        {
          useESM: false,
          tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10' },
          diagnostics: false,
        },
      ],
    };

/** Jest in native ESM mode (Nest 12 is ESM-only): ts-jest with useESM, `.js` stripped from relative imports. */
export const base = {
  rootDir: path.resolve(here, '..'),
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: path.join(here, 'tsconfig.json'), diagnostics: false }],
    ...esmOnlyPackagesAsCommonJs,
  },
  transformIgnorePatterns: jestRequiresEsm ? ['/node_modules/'] : ['/node_modules/(?!content-disposition/)'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
};
