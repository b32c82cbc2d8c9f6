// The harness's toolkit for scenarios: start/stop the app and baselines,
// load them with autocannon, report. See bench/scenarios/article.ts for a
// complete example.
export { startApp, REPO_ROOT, type RunningApp, type StartAppOptions } from './app';
export { startBenchServer, startInquiryInsertServer, startStaticPageServer, type RunningBaseline } from './baseline';
export { openScratchDatabase, withClient, type ScratchDatabase } from './database';
export { startSmtpSink, type RunningSmtpSink, type SinkStats } from './smtp-sink';
export { measure, problemWith, type LoadOptions, type LoadStats } from './load';
export { cleanUpEverything, freePort, onCleanup, startProcess, waitForHttpOk, type ManagedProcess } from './process';
export { cpuBusyPercent, failed, formatTable, machineLine, measurementProblem, type ScenarioOutcome } from './report';
export { ratioOf, type LoadMeasurement, type Measurement, type Scenario, type ScenarioContext, type ThroughputMeasurement } from './scenario';
