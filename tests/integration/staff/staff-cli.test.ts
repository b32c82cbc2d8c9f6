import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { ManualClock } from '../../../src/platform/clock';
import { UsageError } from '../../../src/platform/errors';
import { verifyPassword } from '../../../src/staff/accounts/passwords';
import { createStaffCommands } from '../../../src/staff/cli/staff-commands';
import type { TestApp } from '../../support/test-app';
import { addStaff, commandContext, createStaffTestApp, insertLead, signIn } from './staff-helpers';

const execFileAsync = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
const GOOD_PASSWORD = 'a long enough pass phrase';

describe('Staff and data-protection commands (npm run cli)', () => {
  let t: TestApp;
  let clock: ManualClock;
  let dir: string;
  beforeAll(async () => {
    t = await createStaffTestApp();
    dir = mkdtempSync(path.join(os.tmpdir(), 'frontdesk-cli-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });
  beforeEach(() => {
    clock = new ManualClock('2026-11-30T15:00:00.000Z');
  });

  /** Runs one command in-process; returns what it printed. */
  async function run(name: string, args: string[], options: { password?: string; readPassword?: () => Promise<string> } = {}): Promise<string[]> {
    const env = options.password === undefined ? {} : { FRONTDESK_PASSWORD: options.password };
    const commands = createStaffCommands({ clock, env, readPassword: options.readPassword ?? (async () => { throw new UsageError('No password: set FRONTDESK_PASSWORD, or type it when asked.'); }) });
    const lines: string[] = [];
    await commands[name]!.run(commandContext(t, args, lines));
    return lines;
  }

  describe('staff:add', () => {
    test('when an admin is added with FRONTDESK_PASSWORD, then the account is stored with an argon2id hash, audited, and can sign in', async () => {
      const printed = await run('staff:add', ['--email', 'Dana.Dean@College.test', '--name', 'Dana Dean', '--role', 'admin'], { password: GOOD_PASSWORD });
      expect(printed.join('\n')).toContain('Added admin Dana Dean <dana.dean@college.test>');
      const user = await t.db.staffUser.findUniqueOrThrow({ where: { email: 'dana.dean@college.test' } });
      expect(user).toMatchObject({ name: 'Dana Dean', role: 'admin', disabledAt: null });
      expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$/);
      expect(user.passwordHash).not.toContain(GOOD_PASSWORD);
      expect(await verifyPassword(user.passwordHash, GOOD_PASSWORD)).toBe(true);
      expect(await t.db.auditEvent.findFirst({ where: { action: 'staff.added', via: 'cli', details: { path: ['staffUserId'], equals: user.id } } })).toMatchObject({ details: { staffUserId: user.id, role: 'admin' } });
      await signIn(t, { id: user.id, email: 'dana.dean@college.test', name: 'Dana Dean', role: 'admin', password: GOOD_PASSWORD });
    });

    test('when no role is given, then the account is staff, and the password can come from the prompt', async () => {
      await run('staff:add', ['--email', 'sam@college.test', '--name', 'Sam Staff'], { readPassword: async () => GOOD_PASSWORD });
      expect(await t.db.staffUser.findUniqueOrThrow({ where: { email: 'sam@college.test' } })).toMatchObject({ role: 'staff' });
    });

    test.each([
      ['a password under 12 characters', ['--email', 'short@college.test', '--name', 'S'], 'elevenchars', /at least 12 characters/],
      ['a blank password', ['--email', 'blank@college.test', '--name', 'B'], ' '.repeat(12), /must not be blank/],
      ['a missing email', ['--name', 'Nobody'], GOOD_PASSWORD, /needs --email/],
      ['a malformed email', ['--email', 'not-an-email', '--name', 'N'], GOOD_PASSWORD, /is not an email address/],
      ['a missing name', ['--email', 'noname@college.test'], GOOD_PASSWORD, /needs --name/],
      ['an unknown role', ['--email', 'role@college.test', '--name', 'R', '--role', 'owner'], GOOD_PASSWORD, /--role must be admin or staff/],
      ['an unknown option', ['--email', 'x@college.test', '--name', 'X', '--admin'], GOOD_PASSWORD, /Unknown option '--admin'/],
    ])('when staff:add gets %s, then it refuses with a usage error and stores nothing', async (_case, args, password, message) => {
      const before = await t.db.staffUser.count();
      const attempt = run('staff:add', args, { password });
      await expect(attempt).rejects.toThrow(UsageError);
      await expect(attempt).rejects.toThrow(message);
      expect(await t.db.staffUser.count()).toBe(before);
    });

    test('when the email already has an account, then staff:add refuses and leaves it unchanged', async () => {
      const existing = await addStaff(t);
      await expect(run('staff:add', ['--email', existing.email.toUpperCase(), '--name', 'Again'], { password: GOOD_PASSWORD })).rejects.toThrow(/already exists/);
      expect(await t.db.staffUser.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({ name: existing.name });
    });

    test('when there is no FRONTDESK_PASSWORD and no answer at the prompt, then staff:add refuses', async () => {
      await expect(run('staff:add', ['--email', 'nopass@college.test', '--name', 'N'])).rejects.toThrow(/set FRONTDESK_PASSWORD/);
    });
  });

  describe('staff:token', () => {
    test('when a token is made, then it is printed once alone on the last line, only its SHA-256 is stored, it works as a bearer token, and it is audited', async () => {
      const owner = await addStaff(t);
      const printed = await run('staff:token', ['--email', owner.email, '--label', 'CRM nightly']);
      const token = printed.at(-1)!;
      expect(token).toMatch(/^fdt_[A-Za-z0-9_-]{43}$/);
      expect(printed.slice(0, -1).join('\n')).not.toContain(token);
      const row = await t.db.apiToken.findFirstOrThrow({ where: { staffUserId: owner.id } });
      expect(row.label).toBe('CRM nightly');
      expect(row.tokenHash).toBe(require('node:crypto').createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(await t.db.apiToken.findMany())).not.toContain(token);
      await request(t.app).get('/admin/leads/export.ndjson').set('Authorization', `Bearer ${token}`).expect(200);
      const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'token.created', details: { path: ['tokenId'], equals: row.id } } });
      expect(event.details).toEqual({ staffUserId: owner.id, tokenId: row.id, label: 'CRM nightly' });
      expect(JSON.stringify(event)).not.toContain(token);
    });

    test('when a token label is revoked, then the token stops working, and the label can be used again', async () => {
      const owner = await addStaff(t);
      const token = (await run('staff:token', ['--email', owner.email, '--label', 'sheet'])).at(-1)!;
      await expect(run('staff:token', ['--email', owner.email, '--label', 'sheet'])).rejects.toThrow(/already has a token labelled "sheet"/);
      expect((await run('staff:token', ['--email', owner.email, '--label', 'sheet', '--revoke'])).join('\n')).toContain('Revoked');
      await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${token}`).expect(401);
      const again = (await run('staff:token', ['--email', owner.email, '--label', 'sheet'])).at(-1)!;
      await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${again}`).expect(200);
    });

    test.each([
      ['an unknown account', ['--email', 'ghost@college.test', '--label', 'x'], /no staff account/],
      ['no label', ['--email', 'ghost@college.test'], /needs --label/],
    ])('when staff:token is asked for %s, then it refuses', async (_case, args, message) => {
      await expect(run('staff:token', args)).rejects.toThrow(message);
    });

    test('when the account is disabled, then staff:token refuses to make a token', async () => {
      const owner = await addStaff(t);
      await run('staff:disable', ['--email', owner.email]);
      await expect(run('staff:token', ['--email', owner.email, '--label', 'late'])).rejects.toThrow(/is disabled/);
    });
  });

  describe('staff:disable', () => {
    test('when an account is disabled, then it cannot sign in, its session and tokens stop working, and it is audited', async () => {
      const leaving = await addStaff(t);
      const token = (await run('staff:token', ['--email', leaving.email, '--label', 'script'])).at(-1)!;
      const agent = await signIn(t, leaving);
      const printed = await run('staff:disable', ['--email', leaving.email]);
      expect(printed.join('\n')).toContain('1 token(s) revoked, 1 session(s) ended');
      await agent.get('/admin/leads').set('Accept', 'text/html').expect(303);
      await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${token}`).expect(401);
      await expect(signIn(t, leaving)).rejects.toThrow(/401/);
      const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'staff.disabled', details: { path: ['staffUserId'], equals: leaving.id } } });
      expect(event).toMatchObject({ via: 'cli', actorId: null, details: { revokedTokens: 1, endedSessions: 1 } });
      expect((await run('staff:disable', ['--email', leaving.email])).join('\n')).toContain('already disabled');
    });

    test('when the account does not exist, then staff:disable refuses', async () => {
      await expect(run('staff:disable', ['--email', 'ghost@college.test'])).rejects.toThrow(/no staff account/);
    });
  });

  describe('leads:export', () => {
    test('when leads are exported to a CSV file, then the file equals the web export, spam is left out, and it is audited', async () => {
      const owner = await addStaff(t);
      const token = (await run('staff:token', ['--email', owner.email, '--label', 'compare'])).at(-1)!;
      const lead = await insertLead(t, { programCode: 'CYB-CERT', firstName: '=Sum' });
      await insertLead(t, { programCode: 'CYB-CERT', status: 'spam' });
      const out = path.join(dir, 'leads.csv');
      const printed = await run('leads:export', ['--format', 'csv', '--out', out, '--program', 'CYB-CERT', '--bom']);
      expect(printed.join('\n')).toBe(`Exported 1 lead(s) to ${out}.`);
      const file = readFileSync(out);
      expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parse(file, { columns: true, bom: true }) as Array<Record<string, string>>;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: lead.id, firstName: "'=Sum", program: 'CYB-CERT' });
      const web = await request(t.app).get('/admin/leads/export.csv?program=CYB-CERT&bom=1').set('Authorization', `Bearer ${token}`).buffer(true)
        .parse((response, callback) => { const chunks: Buffer[] = []; response.on('data', (chunk: Buffer) => chunks.push(chunk)); response.on('end', () => callback(null, Buffer.concat(chunks))); });
      expect((web.body as Buffer).equals(file)).toBe(true);
      expect(existsSync(`${out}.partial`)).toBe(false);
      expect(await t.db.auditEvent.findFirst({ where: { action: 'leads.exported', via: 'cli', details: { path: ['format'], equals: 'csv' } } })).toMatchObject({ details: { format: 'csv', filters: { program: 'CYB-CERT' }, rows: 1, completed: true, bom: true } });
    });

    test('when leads are exported as NDJSON since a lead, then the file has exactly the newer leads', async () => {
      const older = await insertLead(t, { programCode: 'NUR-BSN' });
      const newer = await insertLead(t, { programCode: 'NUR-BSN' });
      const out = path.join(dir, 'leads.ndjson');
      await run('leads:export', ['--format', 'ndjson', '--out', out, '--program', 'NUR-BSN', '--since', older.id]);
      const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string });
      expect(lines.map((line) => line.id)).toEqual([newer.id]);
    });

    test.each([
      ['no format', ['--out', 'x.csv'], /needs --format/],
      ['an unknown format', ['--format', 'xlsx', '--out', 'x.xlsx'], /--format must be csv or ndjson/],
      ['no output file', ['--format', 'csv'], /needs --out/],
      ['a bad filter', ['--format', 'csv', '--out', 'x.csv', '--from', 'last week'], /Enter the start date/],
      ['a bad since', ['--format', 'csv', '--out', 'x.csv', '--since', '7'], /since must be a lead id/],
    ])('when leads:export gets %s, then it refuses with a usage error and writes nothing', async (_case, args, message) => {
      const attempt = run('leads:export', args.map((arg) => (arg.endsWith('.csv') || arg.endsWith('.xlsx') ? path.join(dir, arg) : arg)));
      await expect(attempt).rejects.toThrow(UsageError);
      await expect(attempt).rejects.toThrow(message);
      expect(existsSync(path.join(dir, 'x.csv'))).toBe(false);
    });
  });

  describe('leads:erase', () => {
    test("when a person's data is erased, then all their leads, consent records and queued mail go, others stay, and the audit record holds no personal data", async () => {
      const email = 'erase.me@example.org';
      const first = await insertLead(t, { email, firstName: 'Erin', lastName: 'Erasable' });
      const second = await insertLead(t, { email, firstName: 'Erin', lastName: 'Erasable', duplicateOfId: first.id, status: 'spam' });
      const other = await insertLead(t, { email: 'keep.me@example.org' });
      // Earlier activity about them: a status change and an export that searched for them by name.
      const staff = await addStaff(t, { role: 'admin' });
      await t.db.auditEvent.create({ data: { id: '01990000-0000-7000-8000-00000000e001', at: clock.now(), actorId: staff.id, via: 'web', action: 'lead.status_changed', leadId: first.id, details: { from: 'new', to: 'contacted' } } });
      await t.db.auditEvent.create({ data: { id: '01990000-0000-7000-8000-00000000e002', at: clock.now(), actorId: staff.id, via: 'web', action: 'leads.exported', details: { format: 'csv', filters: { q: 'Erin Erasable' }, rows: 2, completed: true } } });
      await t.db.auditEvent.create({ data: { id: '01990000-0000-7000-8000-00000000e003', at: clock.now(), actorId: staff.id, via: 'web', action: 'leads.exported', details: { format: 'csv', filters: { q: 'ERASE.ME@example.org' }, rows: 2, completed: true } } });

      const printed = await run('leads:erase', ['--email', 'Erase.Me@Example.org']);
      expect(printed.join('\n')).toContain('Erased 2 lead(s)');
      expect(await t.db.lead.count({ where: { id: { in: [first.id, second.id] } } })).toBe(0);
      expect(await t.db.consentRecord.count({ where: { leadId: { in: [first.id, second.id] } } })).toBe(0);
      expect(await t.db.lead.count({ where: { id: other.id } })).toBe(1);

      const erased = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'leads.erased', details: { path: ['leads'], equals: 2 } } });
      expect(erased).toMatchObject({ via: 'cli', actorId: null, leadId: null, details: { leads: 2 } });
      const everything = JSON.stringify(await t.db.auditEvent.findMany());
      expect(everything.toLowerCase()).not.toContain('erase.me');
      expect(everything).not.toContain('Erasable');
      expect(everything).toContain('[erased]');
    });

    test('when the email has no leads, then nothing is erased and the erasure is still recorded', async () => {
      const before = await t.db.lead.count();
      expect((await run('leads:erase', ['--email', 'never.seen@example.org'])).join('\n')).toContain('nothing was erased');
      expect(await t.db.lead.count()).toBe(before);
    });

    test('when a lead has mail in the notifications outbox, then erasing the lead takes the mail too (its foreign key cascades)', async () => {
      const rules = await t.db.$queryRaw<Array<{ rule: string }>>`
        SELECT rc.delete_rule AS rule FROM information_schema.referential_constraints rc
          JOIN information_schema.key_column_usage k ON k.constraint_name = rc.constraint_name
         WHERE k.table_name = 'notifications' AND k.column_name = 'lead_id'`;
      expect(rules.map((row) => row.rule)).toEqual(['CASCADE']);
    });

    test('when leads:erase gets no email, then it refuses', async () => {
      await expect(run('leads:erase', [])).rejects.toThrow(/needs --email/);
    });
  });

  describe('leads:purge', () => {
    test('when spam before a date is purged, then exactly those leads go, with an audit record and count', async () => {
      const oldSpam = await insertLead(t, { status: 'spam', createdAt: new Date('2026-01-15T12:00:00Z') });
      const oldReal = await insertLead(t, { createdAt: new Date('2026-01-15T12:00:00Z') });
      const newSpam = await insertLead(t, { status: 'spam', createdAt: new Date('2026-03-01T12:00:00Z') });
      expect((await run('leads:purge', ['--before', '2026-02-01', '--status', 'spam', '--dry-run'])).join('\n')).toContain('Would purge 1 spam lead(s)');
      expect(await t.db.lead.count({ where: { id: oldSpam.id } })).toBe(1);

      const printed = await run('leads:purge', ['--before', '2026-02-01', '--status', 'spam']);
      expect(printed.join('\n')).toBe('Purged 1 spam lead(s) that arrived before 2026-02-01 (America/New_York).');
      expect(await t.db.lead.count({ where: { id: oldSpam.id } })).toBe(0);
      expect(await t.db.lead.count({ where: { id: { in: [oldReal.id, newSpam.id] } } })).toBe(2);
      expect(await t.db.auditEvent.findFirst({ where: { action: 'leads.purged', details: { path: ['before'], equals: '2026-02-01' } } })).toMatchObject({ via: 'cli', details: { before: '2026-02-01', status: 'spam', leads: 1 } });
    });

    test('when everything before a date is purged, then leads of every status before it go and later ones stay', async () => {
      const old = await insertLead(t, { createdAt: new Date('2025-06-01T12:00:00Z'), status: 'enrolled' });
      // 2025-07-01 00:30 in New York is still 2025-07-01 04:30Z: kept by --before 2025-07-01.
      const boundary = await insertLead(t, { createdAt: new Date('2025-07-01T04:30:00Z') });
      await run('leads:purge', ['--before', '2025-07-01']);
      expect(await t.db.lead.count({ where: { id: old.id } })).toBe(0);
      expect(await t.db.lead.count({ where: { id: boundary.id } })).toBe(1);
    });

    test.each([
      ['no date', [], /needs --before/],
      ['a malformed date', ['--before', '01/02/2026'], /must be a date like/],
      ['an impossible date', ['--before', '2026-02-30'], /must be a date like/],
      ['a future date', ['--before', '2026-12-01'], /must not be in the future/],
      ['an unknown status', ['--before', '2026-01-01', '--status', 'junk'], /--status must be one of/],
    ])('when leads:purge gets %s, then it refuses and deletes nothing', async (_case, args, message) => {
      await insertLead(t, { createdAt: new Date('2020-01-01T00:00:00Z') });
      const before = await t.db.lead.count();
      const attempt = run('leads:purge', args);
      await expect(attempt).rejects.toThrow(UsageError);
      await expect(attempt).rejects.toThrow(message);
      expect(await t.db.lead.count()).toBe(before);
    });
  });

  describe('the real command line', () => {
    const cli = (args: string[], env: Record<string, string> = {}) =>
      execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? '', HOME: dir, DATABASE_URL: t.connectionString, DATA_DIR: dir, SESSION_SECRET: 'cli-test-secret-cli-test-secret-0123', ...env },
        timeout: 60_000,
      });

    test('when staff:add and staff:token run through npm run cli, then they exit 0 and the token is alone on the last line of output', async () => {
      await cli(['staff:add', '--email', 'cli.person@college.test', '--name', 'Cli Person'], { FRONTDESK_PASSWORD: GOOD_PASSWORD });
      const { stdout } = await cli(['staff:token', '--email', 'cli.person@college.test', '--label', 'shell']);
      const lines = stdout.trimEnd().split('\n');
      expect(lines.at(-1)).toMatch(/^fdt_[A-Za-z0-9_-]{43}$/);
      await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${lines.at(-1)}`).expect(200);
    });

    test('when staff:add gets a short password, then the process exits with status 2 and says why', async () => {
      const failure = await cli(['staff:add', '--email', 'short.cli@college.test', '--name', 'Short'], { FRONTDESK_PASSWORD: 'too short' }).catch((error: { code: number; stderr: string }) => error);
      expect(failure).toMatchObject({ code: 2 });
      expect((failure as { stderr: string }).stderr).toContain('at least 12 characters');
    });

    test('when staff:add reads the password from standard input, then the account works', async () => {
      const child = execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'staff:add', '--email', 'piped@college.test', '--name', 'Piped'], {
        cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: dir, DATABASE_URL: t.connectionString, DATA_DIR: dir, SESSION_SECRET: 'cli-test-secret-cli-test-secret-0123' },
      });
      child.stdin!.end(`${GOOD_PASSWORD}\n`);
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      const user = await t.db.staffUser.findUniqueOrThrow({ where: { email: 'piped@college.test' } });
      expect(await verifyPassword(user.passwordHash, GOOD_PASSWORD)).toBe(true);
    });
  });
});
