/**
 * `npm run test:faults`: the fault and load scenarios, each against
 * the BUILT app (`node dist/server.js`, `node dist/worker.js`) run as separate
 * processes on loopback. One file at a time (they load the machine on purpose),
 * in file-name order (the last one greps the logs of the whole run), with
 * timeouts measured in minutes. See tests/faults/README.md.
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform,
  testMatch: ['<rootDir>/tests/faults/**/*.faults.test.ts'],
  globalSetup: '<rootDir>/tests/faults/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/faults/support/global-teardown.ts',
  testSequencer: '<rootDir>/tests/faults/support/sequencer.js',
  maxWorkers: 1,
  // A scenario's own deadlines are tighter; this only stops a hung run.
  testTimeout: 10 * 60_000,
  slowTestThreshold: 60,
};
