import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { launchBuiltApp, processBasics, runBuiltCli, type AppProcess } from '../../support/built-app';
import { makeDataDir } from '../../support/scratch-database';
import { startSmtpSinkProcess, type SmtpSinkProcess } from '../../support/smtp-sink';
import { logDir, runInfo } from './run';

/**
 * The built app as production runs it: `node dist/server.js` (web, with the
 * dispatcher unless DISPATCHER=off) and `node dist/worker.js` (dispatcher
 * only), spawned directly (npm does not forward SIGTERM), on 127.0.0.1 and a
 * port the OS picks (PORT=0; the port is read from the `server.listening` log
 * event). Every line a process writes goes to <run dir>/logs/, and its JSON
 * log events are kept so a scenario can count them (`notification.sent` per
 * process says who sent what).
 */

export const ADMISSIONS = 'admissions@college.test';
/** Every day, all day: the built app reads the real clock, and open-hours mail must go out now. */
export const ALWAYS_OPEN = 'Mon-Sun 00:00-24:00';

export interface Instance extends AppProcess {
  /** Every line the process wrote, in <run dir>/logs/. */
  readonly logFile: string;
}

export interface InstanceOptions {
  name: string;
  databaseUrl: string;
  smtpUrl: string;
  /** Settings over the run's defaults (office always open, high rate limit, auto-reply on, info logs). */
  env?: Record<string, string>;
  /** How long start-up may take (migrations, seeding). */
  readyTimeoutMs?: number;
}

export function appEnvironment(options: Pick<InstanceOptions, 'databaseUrl' | 'smtpUrl' | 'env'>, dataDir: string): NodeJS.ProcessEnv {
  const run = runInfo();
  return {
    ...processBasics(),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    BASE_URL: 'http://enroll.college.test',
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: dataDir,
    SMTP_URL: options.smtpUrl,
    ADMISSIONS_EMAIL: ADMISSIONS,
    MAIL_FROM: 'Admissions <admissions@college.test>',
    SESSION_SECRET: run.sessionSecret,
    OFFICE_TIMEZONE: 'America/New_York',
    OFFICE_HOURS: ALWAYS_OPEN,
    OFFICE_HOLIDAYS: '',
    INQUIRY_RATE_LIMIT: '1000000/1m',
    AUTOREPLY: 'on',
    DISPATCHER: 'on',
    LOG_LEVEL: 'info',
    // Set explicitly (to "" = unset for the app): a .env must not point an instance elsewhere.
    REDIS_URL: '',
    TRUST_PROXY: '',
    ...options.env,
  };
}

let counter = 0;

const newDataDir = (name: string) => makeDataDir(`app-${name}`, runInfo().dir);

async function launch(role: 'web' | 'worker', options: InstanceOptions): Promise<Instance> {
  counter += 1;
  const dataDir = newDataDir(options.name);
  // The pid is not known before the spawn: the file is named by the order of starts.
  const logFile = path.join(logDir(), `${String(counter).padStart(3, '0')}-${options.name}-${role}.log`);
  const instance = await launchBuiltApp({
    name: options.name,
    role,
    env: appEnvironment(options, dataDir),
    cwd: dataDir,
    nodeArgs: process.env.FAULTS_DEBUG_PRELOAD ? ['--require', process.env.FAULTS_DEBUG_PRELOAD] : [],
    logFile,
    readyTimeoutMs: options.readyTimeoutMs,
  });
  return Object.assign(instance, { logFile });
}

/** `node dist/server.js`, ready (listening and /readyz 200). */
export function startWeb(options: InstanceOptions): Promise<Instance> {
  return launch('web', options);
}

/** `node dist/worker.js`, ready (its dispatcher started). */
export function startWorker(options: InstanceOptions): Promise<Instance> {
  return launch('worker', options);
}

/** Stops every instance a scenario started that is still running (SIGTERM, SIGKILL after 15 s). */
export async function stopAll(instances: Array<Instance | undefined>): Promise<void> {
  await Promise.all(instances.map((instance) => (instance && !instance.hasExited() ? instance.terminate(15_000) : undefined)));
}

/**
 * `node dist/cli.js <args>` on a database. stdout is returned and not logged
 * (staff:token prints the token there, by design); stderr goes to the logs.
 */
export async function runCli(args: string[], options: { databaseUrl: string; env?: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dataDir = newDataDir('cli');
  const env = { ...appEnvironment({ databaseUrl: options.databaseUrl, smtpUrl: '', env: options.env }, dataDir), LOG_LEVEL: 'warn' };
  const result = await runBuiltCli(args, { env, cwd: dataDir });
  counter += 1;
  writeFileSync(path.join(logDir(), `${String(counter).padStart(3, '0')}-cli-${args[0] ?? ''}.stderr.log`), result.stderr);
  return result;
}

/** The mail server of a scenario, in a process of its own (stopping it is a real outage); its output goes to the run's logs. */
export function startSinkProcess(name: string): Promise<SmtpSinkProcess> {
  return startSmtpSinkProcess({ admissions: ADMISSIONS, logFile: path.join(logDir(), `${name}.log`) });
}
