import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** Runs dependency-cruiser with the project's rules over a made-up src/ tree; returns what it reports. */
function violationsIn(files: Record<string, string>): Violation[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'frontdesk-imports-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const args = [path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'];
    let output: string;
    try {
      output = execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? ''); // exits non-zero when it finds violations
    }
    return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// node_modules is a link to the project's, so packages resolve to a path outside the tree.
const brokenRules = (violations: Violation[]) =>
  violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to.replace(/^.*node_modules\//, 'node_modules/')}`).sort();

describe('the import rules', () => {
  test('when a tree breaks each rule once, then each break is reported, and the allowed imports are not', () => {
    const violations = violationsIn({
      // allowed: capabilities meet at index.ts; entries use index.ts, app.ts uses http.ts
      'src/programs/index.ts': "export { catalog } from './catalog';\n",
      'src/programs/catalog.ts': "import { isOpen } from '../office-hours';\nexport const catalog = isOpen;\n",
      'src/office-hours/index.ts': "import { DateTime } from 'luxon';\nexport const isOpen = () => DateTime.now().isValid;\n",
      'src/inquiries/index.ts': "import { catalog } from '../programs';\nexport const inquiries = catalog;\n",
      'src/inquiries/http.ts': "import express from 'express';\nexport const router = express.Router();\n",
      'src/app.ts': "import { router } from './inquiries/http';\nexport const app = router;\n",
      // broken
      'src/platform/pages.ts': "import { config } from '../config/config';\nexport const pages = config;\n",
      'src/config/config.ts': "import { isOpen } from '../office-hours';\nexport const config = isOpen;\n",
      'src/office-hours/office-state.ts': "import { pages } from '../platform/pages';\nexport const state = pages;\n",
      'src/staff/lead-routes.ts': "import { catalog } from '../programs/catalog';\nexport const routes = catalog;\n",
      'src/cli.ts': "import { catalog } from './programs/catalog';\nexport const cli = catalog;\n",
      'src/health/index.ts': "import { router } from '../inquiries/http';\nexport const health = router;\n",
      'src/worker.ts': "import { app } from './app';\nexport const worker = app;\n",
      'src/leads/index.ts': "import { outbox } from '../outbox';\nexport const leads = () => outbox;\n",
      'src/outbox/index.ts': "import { leads } from '../leads';\nexport const outbox = () => leads;\n",
    });

    expect(brokenRules(violations)).toEqual([
      'capabilities-meet-at-index: src/health/index.ts → src/inquiries/http.ts',
      'capabilities-meet-at-index: src/staff/lead-routes.ts → src/programs/catalog.ts',
      'entries-meet-capabilities-at-index: src/cli.ts → src/programs/catalog.ts',
      'no-cycles: src/leads/index.ts → src/outbox/index.ts',
      'office-hours-is-pure: src/office-hours/office-state.ts → src/platform/pages.ts',
      'only-app-serves-http: src/health/index.ts → src/inquiries/http.ts',
      'platform-is-the-ground-floor: src/platform/pages.ts → src/config/config.ts',
      'worker-without-express: src/worker.ts → node_modules/express/index.js',
    ]);
  }, 15_000);
});
