import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runInfo } from './run';

/**
 * Secrets the scenarios made (staff passwords, API tokens), kept in the run
 * directory (mode 0600) so the last scenario can search every log of the run
 * for them, as it does for the test emails and phone numbers.
 */
const file = () => path.join(runInfo().dir, 'secrets.json');

export function readSecrets(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file(), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export function writeSecrets(secrets: Record<string, string>): void {
  writeFileSync(file(), JSON.stringify({ ...readSecrets(), ...secrets }), { mode: 0o600 });
}
