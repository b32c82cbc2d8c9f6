import { createScenarioDatabase, type ScenarioDatabase } from './database';
import { startSinkProcess, startWeb, startWorker, stopAll, type Instance, type InstanceOptions } from './processes';
import type { SmtpSinkProcess as SmtpSink } from '../../support/smtp-sink';

/**
 * What a scenario starts — its database, its mail sink, its app processes and
 * anything else it registers — stopped after each test or after the file
 * (`cleanUp`), whatever happened: processes first, then the sink, the
 * database, and last what was registered, newest first.
 */
export function scenarioResources(cleanUp: 'afterEach' | 'afterAll' = 'afterAll') {
  let db: ScenarioDatabase | undefined;
  let sink: SmtpSink | undefined;
  let instances: Instance[] = [];
  let registered: Array<() => Promise<unknown> | unknown> = [];

  (cleanUp === 'afterEach' ? afterEach : afterAll)(async () => {
    await stopAll(instances);
    await sink?.stop();
    await db?.drop();
    for (const stop of registered.reverse()) await stop();
    [db, sink, instances, registered] = [undefined, undefined, [], []];
  });

  const track = (instance: Instance) => {
    instances.push(instance);
    return instance;
  };

  return {
    /** An empty database (on `adminUrl`'s server, by default the run's) and a mail sink; `settings` points apps at both. */
    async open(label: string, options: { adminUrl?: string } = {}) {
      db = await createScenarioDatabase(label, options.adminUrl);
      sink = await startSinkProcess(`${label}-sink`);
      return { db, sink, settings: { databaseUrl: db.connectionString, smtpUrl: sink.url } };
    },
    web: async (options: InstanceOptions) => track(await startWeb(options)),
    worker: async (options: InstanceOptions) => track(await startWorker(options)),
    /** Every app process started so far (their logs are checked at the end). */
    get instances(): Instance[] {
      return instances;
    },
    /** Something else to stop at clean-up (a forwarder, a database server). */
    onCleanUp(stop: () => Promise<unknown> | unknown) {
      registered.push(stop);
    },
  };
}
