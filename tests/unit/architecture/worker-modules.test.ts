import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * The modules a process entry file loads. Its imports all run before its
 * first statement; boot() then stops at once on a configuration error (an
 * invalid PORT), so no database starts. On exit, require.cache lists every
 * module the entry's static import graph pulled in.
 */
function modulesLoadedBy(entry: string): string[] {
  const script = [
    "process.on('exit', () => process.stdout.write(JSON.stringify(Object.keys(require.cache))));",
    `require(${JSON.stringify(path.join(ROOT, entry))});`,
  ].join('\n');
  let output: string;
  try {
    output = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'not-a-port', NODE_ENV: 'test' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? '');
  }
  return JSON.parse(output) as string[];
}

const fromPackage = (name: string) => (file: string) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`);

describe('the worker process', () => {
  test('when src/worker.ts is loaded, then Express is not among its modules but the dispatcher is', () => {
    const modules = modulesLoadedBy('src/worker.ts');
    expect(modules.some((file) => file.endsWith(path.join('src', 'notifications', 'dispatch-loop.ts')))).toBe(true);
    expect(modules.filter(fromPackage('express'))).toEqual([]);
  }, 20_000);

  test('when src/server.ts is loaded, then the same check does find Express', () => {
    expect(modulesLoadedBy('src/server.ts').some(fromPackage('express'))).toBe(true);
  }, 20_000);
});
