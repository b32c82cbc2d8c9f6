/**
 * `npm run test:e2e`: the built app (dist/) in a real Chromium. Each test file
 * starts its own app process, database and SMTP sink, so files run one at a
 * time: a browser and a PostgreSQL server per worker is plenty for CI.
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform,
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e.test.ts'],
  globalSetup: '<rootDir>/tests/e2e/support/global-setup.ts',
  maxWorkers: 1,
  // Starting the app runs initdb and migrations; a browser flow is many round trips.
  testTimeout: 120_000,
};
