/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// One jest run for the whole monorepo. TypeScript is transpiled by swc (fast on 2 cores);
// type checking is `npm run typecheck`, which `npm test` runs first.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/apps', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  moduleNameMapper: {
    '^@botgate/gateway$': '<rootDir>/apps/gateway/src/index.ts',
    '^@botgate/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  globalSetup: '<rootDir>/tests/jest.global-setup.ts',
  globalTeardown: '<rootDir>/tests/jest.global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};

export default config;
