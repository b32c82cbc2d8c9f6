import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { checkProgramCodes, createAdvisorRepository, describePrograms, parseProgramList, type AdvisorUpdateResult } from '../../advisors';
import type { Config } from '../../config/config';
import type { Command, CommandContext } from '../../platform/cli-command';
import { systemClock, type Clock } from '../../platform/clock';
import { cliErrors, isAppError } from '../../platform/errors';
import { createApiTokens } from '../accounts/api-tokens';
import { hashPassword, passwordProblem } from '../accounts/passwords';
import { createStaffUsers, normaliseEmail, STAFF_ROLES, type StaffRole } from '../accounts/staff-users';
import { CLI_ACTOR, createAuditLog } from '../../audit';
import { erasePerson } from '../data-protection/erase-person';
import { purgeLeads } from '../data-protection/purge-leads';
import { parseExportOptions } from '../export/export-routes';
import { createLeadExporter } from '../export/lead-export';
import { resolveLeadFilters } from '../leads/lead-filters';
import { createLeadRepository, isLeadStatus, LEAD_STATUSES } from '../../leads';
import { createProgramRepository } from '../../programs';
import { recordAdvisorUpdate } from '../team/advisor-audit';
import { createStaffPool } from '../staff-pool';
import { readPassword as promptForPassword } from './read-password';

/**
 * The staff commands of `npm run cli` (docs/staff-guide.md). Each refuses bad input with
 * a usage error (exit status 2) before touching anything, fails with exit
 * status 1 when it cannot do what was asked (an unknown account, an export
 * cut short), and writes an audit record of what it changed, with the
 * command line as the actor.
 */
export interface StaffCommandDeps {
  clock?: Clock;
  /** Where FRONTDESK_PASSWORD is read from. */
  env?: NodeJS.ProcessEnv;
  readPassword?: () => Promise<string>;
}

const emailSchema = z.email();

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], spec: T, command: string) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw cliErrors.usage(`${command}: ${(error as Error).message}`);
  }
}

function required(value: string | boolean | undefined, flag: string, command: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw cliErrors.usage(`${command} needs --${flag}`);
  return value.trim();
}

function email(value: string | boolean | undefined, command: string): string {
  const address = normaliseEmail(required(value, 'email', command));
  if (!emailSchema.safeParse(address).success) throw cliErrors.usage(`${command}: "${address}" is not an email address`);
  return address;
}

/** `--programs CODE,CODE|all` → codes as the catalogue spells them (empty = every program), or a usage error naming what is wrong. */
async function programs(value: string | boolean | undefined, command: string, context: CommandContext<Config>): Promise<string[]> {
  const parsed = parseProgramList(required(value, 'programs', command));
  if (!parsed.ok) throw cliErrors.usage(`${command}: --programs: ${parsed.problem}`);
  const known = (await createProgramRepository(context.db).listAll()).map((program) => program.code);
  const checked = checkProgramCodes(parsed.codes, known);
  if (!checked.ok) throw cliErrors.usage(`${command}: --programs: no program has the code ${checked.unknown.join(', ')} (programs: ${known.join(', ')})`);
  return checked.codes;
}

/** An AppError from the shared parsers (the same messages the web shows) as a usage error. */
function asUsage<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isAppError(error)) throw cliErrors.usage(`${command}: ${error.message}`);
    throw error;
  }
}

/** The update, or the failure to report: the account went away meanwhile, or is disabled. */
function updated(result: AdvisorUpdateResult, address: string) {
  if (result.outcome === 'not_found') throw cliErrors.failed(`there is no staff account for ${address}`);
  if (result.outcome === 'disabled') throw cliErrors.failed(`the account ${address} is disabled, so it cannot take leads; nothing was changed`);
  return result.update;
}

export function createStaffCommands(deps: StaffCommandDeps = {}): Record<string, Command<Config>> {
  const clock = deps.clock ?? systemClock;
  const env = deps.env ?? process.env;
  const readPassword = deps.readPassword ?? (() => promptForPassword());
  const audit = (context: CommandContext<Config>) => createAuditLog({ db: context.db, clock });

  async function setAvailability(context: CommandContext<Config>, address: string, available: boolean): Promise<void> {
    const advisors = createAdvisorRepository(context.db);
    const advisor = await advisors.findByEmail(address);
    if (!advisor) throw cliErrors.failed(`there is no staff account for ${address}`);
    const result = await advisors.setAvailability(advisor.id, available, (tx, update) => recordAdvisorUpdate(audit(context), CLI_ACTOR, update, tx));
    const update = updated(result, address);
    const state = available ? 'taking leads' : 'away (not taking leads)';
    context.print(update.changed.length > 0 ? `${address} is now ${state}.` : `${address} was already ${state}.`);
  }

  return {
    'staff:add': {
      summary: 'staff:add --email E --name N [--role admin|staff] [--programs CODE,CODE] [--available]   add a staff account (password from FRONTDESK_PASSWORD or a prompt); it takes no leads until --available or staff:back',
      async run(context) {
        const values = options(context.args, {
          email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, programs: { type: 'string' }, available: { type: 'boolean' },
        }, 'staff:add');
        const address = email(values.email, 'staff:add');
        const name = required(values.name, 'name', 'staff:add');
        if (name.length > 100) throw cliErrors.usage('staff:add: --name must be at most 100 characters');
        const role = (values.role ?? 'staff') as StaffRole;
        if (!STAFF_ROLES.includes(role)) throw cliErrors.usage(`staff:add: --role must be ${STAFF_ROLES.join(' or ')}`);
        const advises = values.programs === undefined ? [] : await programs(values.programs, 'staff:add', context);
        const available = values.available === true;
        const users = createStaffUsers(context.db);
        if (await users.findByEmail(address)) throw cliErrors.failed(`a staff account for ${address} already exists`);

        const password = env.FRONTDESK_PASSWORD ?? (await readPassword());
        const problem = passwordProblem(password);
        if (problem) throw cliErrors.usage(`staff:add: ${problem} Nothing was changed.`);

        const user = await users.create({ email: address, name, role, passwordHash: await hashPassword(password), at: clock.now() });
        await audit(context).record({ actor: CLI_ACTOR, action: 'staff.added', details: { staffUserId: user.id, role } });
        if (advises.length > 0 || available) {
          const result = await createAdvisorRepository(context.db).update(user.id, { programs: advises, available }, (tx, update) => recordAdvisorUpdate(audit(context), CLI_ACTOR, update, tx));
          if (result.outcome !== 'updated') throw cliErrors.failed(`the account ${address} was added, but its programs and availability could not be set`);
        }
        context.print(`Added ${role} ${name} <${address}>. They can sign in at ${context.config.baseUrl}/admin/login`);
        context.print(`Programs: ${describePrograms(advises)}. ${available ? 'Taking leads now.' : 'Not taking leads until staff:back (or their own switch in the workspace).'}`);
      },
    },

    'staff:token': {
      summary: 'staff:token --email E --label L [--revoke]   print a new API token once (only its hash is kept), or revoke the label\'s token',
      async run(context) {
        const values = options(context.args, { email: { type: 'string' }, label: { type: 'string' }, revoke: { type: 'boolean' } }, 'staff:token');
        const address = email(values.email, 'staff:token');
        const label = required(values.label, 'label', 'staff:token');
        if (label.length > 100) throw cliErrors.usage('staff:token: --label must be at most 100 characters');
        const user = await createStaffUsers(context.db).findByEmail(address);
        if (!user) throw cliErrors.failed(`there is no staff account for ${address}`);
        const tokens = createApiTokens(context.db);

        if (values.revoke) {
          const revoked = await tokens.revoke(user.id, label, clock.now());
          if (revoked === 0) throw cliErrors.failed(`${address} has no active token labelled "${label}"`);
          await audit(context).record({ actor: CLI_ACTOR, action: 'token.revoked', details: { staffUserId: user.id, label } });
          context.print(`Revoked the token "${label}" of ${address}.`);
          return;
        }
        if (user.disabledAt) throw cliErrors.failed(`the account ${address} is disabled`);
        if (await tokens.hasActive(user.id, label)) {
          throw cliErrors.failed(`${address} already has a token labelled "${label}"; revoke it first (--revoke) or choose another label`);
        }
        const issued = await tokens.issue(user.id, label, clock.now());
        await audit(context).record({ actor: CLI_ACTOR, action: 'token.created', details: { staffUserId: user.id, tokenId: issued.id, label } });
        context.print(`API token "${label}" for ${address}. It is shown only this once; only its hash is stored.`);
        context.print(`Use it as: Authorization: Bearer <token>`);
        context.print(issued.token);
      },
    },

    'staff:disable': {
      summary: 'staff:disable --email E   disable an account: no sign-in, tokens revoked, sessions ended',
      async run(context) {
        const values = options(context.args, { email: { type: 'string' } }, 'staff:disable');
        const address = email(values.email, 'staff:disable');
        const users = createStaffUsers(context.db);
        const user = await users.findByEmail(address);
        if (!user) throw cliErrors.failed(`there is no staff account for ${address}`);
        if (user.disabledAt) {
          context.print(`${address} was already disabled.`);
          return;
        }
        const result = await users.disable(user.id, clock.now());
        await audit(context).record({ actor: CLI_ACTOR, action: 'staff.disabled', details: { staffUserId: user.id, ...result } });
        context.print(`Disabled ${address}: ${result.revokedTokens} token(s) revoked, ${result.endedSessions} session(s) ended.`);
      },
    },

    'staff:programs': {
      summary: 'staff:programs --email E --programs CODE,CODE|all   set the programs an advisor takes leads for (all = every program)',
      async run(context) {
        const values = options(context.args, { email: { type: 'string' }, programs: { type: 'string' } }, 'staff:programs');
        const address = email(values.email, 'staff:programs');
        const codes = await programs(values.programs, 'staff:programs', context);
        const advisors = createAdvisorRepository(context.db);
        const advisor = await advisors.findByEmail(address);
        if (!advisor) throw cliErrors.failed(`there is no staff account for ${address}`);
        const result = await advisors.setPrograms(advisor.id, codes, (tx, update) => recordAdvisorUpdate(audit(context), CLI_ACTOR, update, tx));
        const update = updated(result, address);
        context.print(update.changed.length > 0
          ? `${address} now takes leads for: ${describePrograms(codes)} (was: ${describePrograms(update.before.programs)}).`
          : `${address} already takes leads for: ${describePrograms(codes)}.`);
      },
    },

    'staff:away': {
      summary: 'staff:away --email E   stop routing new leads to an advisor (leads they have keep them)',
      async run(context) {
        const values = options(context.args, { email: { type: 'string' } }, 'staff:away');
        await setAvailability(context, email(values.email, 'staff:away'), false);
      },
    },

    'staff:back': {
      summary: 'staff:back --email E   route leads to an advisor again (not for a disabled account)',
      async run(context) {
        const values = options(context.args, { email: { type: 'string' } }, 'staff:back');
        await setAvailability(context, email(values.email, 'staff:back'), true);
      },
    },

    'leads:export': {
      summary: 'leads:export --format csv|ndjson --out FILE [--from D] [--to D] [--status S] [--program P] [--article A] [--q TEXT] [--assignee EMAIL|none] [--awaiting] [--overdue] [--since ID] [--bom]   export leads as the web export does',
      async run(context) {
        const values = options(context.args, {
          format: { type: 'string' }, out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, status: { type: 'string' },
          program: { type: 'string' }, article: { type: 'string' }, q: { type: 'string' }, since: { type: 'string' }, bom: { type: 'boolean' },
          assignee: { type: 'string' }, awaiting: { type: 'boolean' }, overdue: { type: 'boolean' },
        }, 'leads:export');
        const format = required(values.format, 'format', 'leads:export');
        if (format !== 'csv' && format !== 'ndjson') throw cliErrors.usage('leads:export: --format must be csv or ndjson');
        const out = required(values.out, 'out', 'leads:export');
        const query: Record<string, unknown> = {};
        for (const name of ['from', 'to', 'status', 'program', 'article', 'q', 'since', 'assignee'] as const) if (values[name] !== undefined) query[name] = values[name];
        for (const name of ['awaiting', 'overdue'] as const) if (values[name]) query[name] = '1';
        // No one is signed in on the command line: `--assignee me` is refused with the other bad filters.
        const users = createStaffUsers(context.db);
        const { filters, echo } = await resolveLeadFilters(query, {
          timezone: context.config.officeHours.timezone,
          now: clock.now(),
          staffIdByEmail: async (email) => (await users.findByEmail(email))?.id ?? null,
        }).catch((error: unknown) => {
          if (isAppError(error)) throw cliErrors.usage(`leads:export: ${error.message}`);
          throw error;
        });
        const { since } = asUsage('leads:export', () => parseExportOptions(query));
        const bom = values.bom === true;

        const pool = createStaffPool(context.connectionString, context.logger);
        // Written beside the target and renamed at the end: FILE is either the whole export or untouched.
        const partial = `${out}.partial`;
        try {
          const exporter = createLeadExporter({ pool, connectionString: context.connectionString, logger: context.logger });
          const started = await exporter.start({ format, filters, since, bom });
          const outcome = await started.pipeTo(createWriteStream(partial));
          await audit(context).record({
            actor: CLI_ACTOR,
            action: 'leads.exported',
            details: { format, filters: { ...echo, ...(since ? { since } : {}) }, rows: outcome.rows, completed: outcome.completed, ...(bom ? { bom: true } : {}) },
          });
          if (!outcome.completed) {
            await rm(partial, { force: true });
            throw cliErrors.failed(`the export stopped after ${outcome.rows} rows: ${outcome.error instanceof Error ? outcome.error.message : 'the file could not be written'}`, outcome.error);
          }
          await rename(partial, out);
          context.print(`Exported ${outcome.rows} lead(s) to ${out}.`);
        } finally {
          await pool.end();
        }
      },
    },

    'leads:erase': {
      summary: "leads:erase --email E   delete every lead of that person, with consent records and queued mail",
      async run(context) {
        const values = options(context.args, { email: { type: 'string' } }, 'leads:erase');
        const address = email(values.email, 'leads:erase');
        const result = await erasePerson({ db: context.db, leads: createLeadRepository(context.db), audit: audit(context) }, address, CLI_ACTOR);
        context.print(result.leads === 0 ? 'No leads have that email address; nothing was erased.' : `Erased ${result.leads} lead(s), with their consent records and notifications.`);
      },
    },

    'leads:purge': {
      summary: 'leads:purge --before YYYY-MM-DD [--status S] [--dry-run]   delete leads that arrived before that date (office time zone)',
      async run(context) {
        const values = options(context.args, { before: { type: 'string' }, status: { type: 'string' }, 'dry-run': { type: 'boolean' } }, 'leads:purge');
        const beforeText = required(values.before, 'before', 'leads:purge');
        const timezone = context.config.officeHours.timezone;
        const day = /^\d{4}-\d{2}-\d{2}$/.test(beforeText) ? DateTime.fromISO(beforeText, { zone: timezone }) : undefined;
        if (!day?.isValid) throw cliErrors.usage('leads:purge: --before must be a date like 2026-01-31');
        if (day.startOf('day') > DateTime.fromJSDate(clock.now(), { zone: timezone }).startOf('day')) {
          throw cliErrors.usage('leads:purge: --before must not be in the future');
        }
        const status = values.status;
        if (status !== undefined && !isLeadStatus(status)) throw cliErrors.usage(`leads:purge: --status must be one of ${LEAD_STATUSES.join(', ')}`);
        const dryRun = values['dry-run'] === true;
        const result = await purgeLeads(
          { leads: createLeadRepository(context.db), audit: audit(context) },
          { before: day.startOf('day').toJSDate(), beforeText, status, dryRun },
          CLI_ACTOR,
        );
        const which = `${status ? `${status} ` : ''}lead(s) that arrived before ${beforeText} (${timezone})`;
        context.print(dryRun ? `Would purge ${result.leads} ${which}.` : `Purged ${result.leads} ${which}.`);
      },
    },
  };
}
