import 'dotenv/config';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createArticleRepository, parseArticleFile } from './articles';
import { ConfigError, loadConfig, type Config } from './config/config';
import type { Command } from './platform/cli-command';
import { createDatabase } from './platform/database';
import { openDatabaseServer } from './platform/database-server';
import { CliError, cliErrors, UsageError } from './platform/errors';
import { createLogger } from './platform/logger';
import { migrate } from './platform/migrations';
import { systemClock } from './platform/clock';
import { CLI_ACTOR, createAuditLog } from './audit';
import { createStaffCommands } from './staff';
import { createWebhookCommands } from './webhooks';

/**
 * `npm run cli -- <command> [options]`. Each command opens the same database
 * the app uses (DATABASE_URL or the embedded one in DATA_DIR), migrates it if
 * needed, does its work and exits non-zero with one line on failure.
 */
const commands: Record<string, Command<Config>> = {
  'articles:import': {
    summary: 'articles:import FILE.md [FILE.md …]   add or update articles from Markdown with front matter',
    async run({ db, args, print }) {
      const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
      if (positionals.length === 0) throw cliErrors.usage('articles:import needs at least one Markdown file');
      const articles = createArticleRepository(db);
      for (const file of positionals) {
        const article = parseArticleFile(readFileSync(file, 'utf8'), file);
        const outcome = await articles.upsert(article);
        print(`${outcome} /articles/${article.slug}`);
      }
    },
  },
  // staff:add, staff:token, staff:disable, leads:export, leads:erase, leads:purge
  ...createStaffCommands(),
  // webhooks:add, webhooks:list, webhooks:remove
  ...createWebhookCommands({ audit: (db, tx, record) => createAuditLog({ db, clock: systemClock }).record({ ...record, actor: CLI_ACTOR }, tx) }),
  'db:migrate': {
    summary: 'db:migrate   apply pending migrations (the app also does this at start-up)',
    async run() {
      // Migrations already ran while opening the database.
    },
  },
};

function usage(): string {
  return ['Usage: npm run cli -- <command> [options]', '', 'Commands:', ...Object.values(commands).map((command) => `  ${command.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`${name ? `Unknown command: ${name}\n\n` : ''}${usage()}\n`);
    return 2;
  }
  const config = loadConfig();
  // Commands talk to people on stdout; keep the JSON log to warnings and up.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const server = await openDatabaseServer(config, logger);
  const db = createDatabase(server.connectionString, { poolSize: 2 });
  try {
    const applied = await migrate(server.connectionString, logger);
    if (name === 'db:migrate') process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
    await command.run({ config, db, connectionString: server.connectionString, logger, args, print: (line) => process.stdout.write(`${line}\n`) });
    return 0;
  } finally {
    await db.$disconnect();
    await server.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // Usage and configuration mistakes are already sentences for the operator; anything else reads as a failure.
    process.stderr.write(`${error instanceof UsageError || error instanceof ConfigError ? message : `Error: ${message}`}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);
