// The harness's toolkit for scenarios: start/stop the app and baselines,
// load them with autocannon, report. See bench/scenarios/article.ts for a
// complete example.
export { startApp, type RunningApp, type StartAppOptions } from './app';
export { freePort, REPO_ROOT } from '../../tests/support/built-app';
export { startBenchServer, startInquiryInsertServer, startInquiryMinimalServer, startStaticPageServer, type RunningBaseline } from './baseline';
export { openScratchDatabase, type ScratchDatabase } from './database';
export { withClient } from '../../tests/support/scratch-database';
export { startSmtpSinkProcess, type MailStats, type SmtpSinkProcess } from '../../tests/support/smtp-sink';
export { combineHalves, measure, problemWith, type LoadOptions, type LoadStats } from './load';
export { cleanUpEverything, onCleanup, startProcess, waitForHttpOk, type ManagedProcess } from './process';
export { cpuBusyPercent, failed, formatTable, machineLine, measurementProblem, type ScenarioOutcome } from './report';
export { ratioOf, type LoadMeasurement, type Measurement, type Scenario, type ScenarioContext, type ThroughputMeasurement } from './scenario';
