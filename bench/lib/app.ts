import { startBuiltApp, type BuiltApp, type StartBuiltAppOptions } from '../../tests/support/built-app';
import { onCleanup } from './process';

export type RunningApp = BuiltApp;
export type StartAppOptions = StartBuiltAppOptions;

/**
 * The built app for a scenario, started by the tests' launcher
 * (tests/support/built-app.ts: `node dist/server.js` on a free port, a fresh
 * DATA_DIR and database), with its stop registered so that Ctrl-C stops it
 * too. The caller must `stop()` it. With DATABASE_URL set a new database is
 * created on that server (and dropped afterwards), so a run never measures
 * or alters someone's data; `sharedDatabase` when the bench itself connects
 * to the app's database (a baseline writing to it, counting what was stored).
 */
export async function startApp(options: StartAppOptions = {}): Promise<RunningApp> {
  const app = await startBuiltApp(options);
  const unregister = onCleanup(() => app.stop());
  const stop = app.stop;
  return Object.assign(app, { stop: () => stop().finally(unregister) });
}
