import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makeDataDir, openDatabaseServer, type DatabaseServer } from '../../support/scratch-database';
import { REPO_ROOT, type RunInfo } from './run';

/**
 * Once per run: checks the build exists, makes the run directory, and opens
 * the PostgreSQL server the scenarios create their databases on — the server
 * at DATABASE_URL when it is set, otherwise an embedded PostgreSQL started
 * here (the same binaries and settings as the app's own). Apps always get a
 * DATABASE_URL of their own database: several instances must share one.
 */
export default async function globalSetup(): Promise<void> {
  const built = path.join(REPO_ROOT, 'dist/server.js');
  if (!existsSync(built)) throw new Error('dist/server.js is missing: run `npm run test:faults` (it builds first), or `npm run build`.');
  const newestSource = newestMtime(path.join(REPO_ROOT, 'src'));
  if (statSync(built).mtimeMs < newestSource - 1000) {
    process.stdout.write('\n[faults] warning: dist/ is older than src/; `npm run test:faults` rebuilds it.\n');
  }

  const dir = makeDataDir('frontdesk-faults');
  mkdirSync(path.join(dir, 'logs'));

  // The run directory keeps the logs; an embedded cluster inside it goes at the end.
  const server = await openDatabaseServer({ dataDir: path.join(dir, 'pg') });
  (globalThis as { __faultsServer?: DatabaseServer }).__faultsServer = server;
  const { adminUrl } = server;
  const database = process.env.DATABASE_URL ? server.description : 'embedded PostgreSQL 17 started by the run';

  const redisCandidate = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redisUrl = (await reachable(redisCandidate)) ? redisCandidate : undefined;

  const info: RunInfo = {
    dir,
    id: randomBytes(4).toString('hex').replace(/\d/g, (digit) => 'ghijklmnop'[Number(digit)]!),
    adminUrl,
    database,
    redisUrl,
    sessionSecret: randomBytes(32).toString('hex'),
    startedAt: Date.now(),
  };
  process.env.FAULTS_RUN = JSON.stringify(info);
  process.stdout.write(`\n[faults] run ${info.id} in ${dir} on ${database}; Redis ${redisUrl ?? 'not reachable (its scenario is skipped)'}\n`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated') walk(full);
      } else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

function reachable(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const socket = net.connect(Number(target.port || 6379), target.hostname);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
