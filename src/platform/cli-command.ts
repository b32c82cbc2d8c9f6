import type { Database } from './database';
import type { Logger } from './logger';

/**
 * The shape of an `npm run cli` command, shared by src/cli.ts and the
 * capabilities that contribute commands (staff/cli/staff-commands.ts), so
 * a command can live beside the code it drives and be tested without
 * starting the CLI process. `Settings` is the entry layer's configuration:
 * the ground floor does not know its shape.
 */
export interface CommandContext<Settings = unknown> {
  config: Settings;
  db: Database;
  /** The database's connection string, for commands that need plain node-postgres (streamed exports). */
  connectionString: string;
  logger: Logger;
  args: string[];
  print: (line: string) => void;
}

/** A command refuses with `cliErrors.usage` (exit status 2) or fails with `cliErrors.failed` (exit status 1). */
export type Command<Settings = unknown> = { summary: string; run: (context: CommandContext<Settings>) => Promise<void> };

