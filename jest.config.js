/** Jest runs the TypeScript sources through swc (ts-jest cannot load TypeScript 7). */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

module.exports = {
  testEnvironment: 'node',
  transform,
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  testMatch: ['<rootDir>/tests/{unit,integration}/**/*.test.ts'],
  testTimeout: 30000,
};
