import { ManualClock } from '../../../src/platform/clock';
import { CliError, UsageError } from '../../../src/platform/errors';
import { createStaffCommands } from '../../../src/staff/cli/staff-commands';
import type { TestApp } from '../../support/test-app';
import { addStaff, commandContext, createStaffTestApp } from './staff-helpers';

const GOOD_PASSWORD = 'a long enough pass phrase';

describe('Advisor commands (staff:add --programs/--available, staff:programs, staff:away, staff:back)', () => {
  let t: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    t = await createStaffTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => {
    clock = new ManualClock('2026-11-30T15:00:00.000Z');
  });

  async function run(name: string, args: string[]): Promise<string> {
    const commands = createStaffCommands({ clock, env: { FRONTDESK_PASSWORD: GOOD_PASSWORD }, readPassword: async () => GOOD_PASSWORD });
    const lines: string[] = [];
    // Audit ids are time-ordered: a second between commands keeps their order readable by id.
    clock.advance(1000);
    await commands[name]!.run(commandContext(t, args, lines));
    return lines.join('\n');
  }

  const account = (email: string) => t.db.staffUser.findUniqueOrThrow({ where: { email } });
  const auditFor = (staffUserId: string, action: string) =>
    t.db.auditEvent.findMany({ where: { action, details: { path: ['staffUserId'], equals: staffUserId } }, orderBy: { id: 'asc' } });

  describe('staff:add', () => {
    test('when an account is added without --available, then it advises every program and is not taking leads', async () => {
      const printed = await run('staff:add', ['--email', 'quiet@college.test', '--name', 'Quinn Quiet']);
      expect(await account('quiet@college.test')).toMatchObject({ programs: [], available: false });
      expect(printed).toContain('Programs: all. Not taking leads');
      const user = await account('quiet@college.test');
      expect(await auditFor(user.id, 'advisor.availability_changed')).toEqual([]);
    });

    test('when an account is added with --programs (any case) and --available, then it is stored so, and both changes are audited from the command line', async () => {
      const printed = await run('staff:add', ['--email', 'nora@college.test', '--name', 'Nora Nurse', '--programs', 'nur-bsn, HCA-BS', '--available']);
      const user = await account('nora@college.test');
      expect(user).toMatchObject({ programs: ['HCA-BS', 'NUR-BSN'], available: true });
      expect(printed).toContain('Programs: HCA-BS,NUR-BSN. Taking leads now.');
      expect(await auditFor(user.id, 'advisor.availability_changed')).toMatchObject([{ via: 'cli', actorId: null, details: { staffUserId: user.id, available: true } }]);
      expect(await auditFor(user.id, 'advisor.programs_changed')).toMatchObject([{ via: 'cli', details: { staffUserId: user.id, from: 'all', to: 'HCA-BS,NUR-BSN' } }]);
    });

    test.each([
      ['an unknown program code', ['--programs', 'HCA-BS,ART-BA'], /no program has the code ART-BA/],
      ['an empty code in the list', ['--programs', 'HCA-BS,,NUR-BSN'], /give program codes separated by commas/],
      ['an empty list', ['--programs', ' '], /needs --programs/],
    ])('when staff:add gets %s, then it refuses with a usage error and adds nobody', async (_case, extra, message) => {
      const before = await t.db.staffUser.count();
      const attempt = run('staff:add', ['--email', 'wrong@college.test', '--name', 'W', ...extra]);
      await expect(attempt).rejects.toThrow(UsageError);
      await expect(attempt).rejects.toThrow(message);
      expect(await t.db.staffUser.count()).toBe(before);
    });
  });

  describe('staff:programs', () => {
    test('when programs are set and then set back to all, then the account follows (codes in catalogue order) and each change is audited with the codes', async () => {
      const advisor = await addStaff(t);
      expect(await run('staff:programs', ['--email', advisor.email.toUpperCase(), '--programs', 'IT-AS,CYB-CERT'])).toContain('now takes leads for: CYB-CERT,IT-AS (was: all)');
      expect((await account(advisor.email)).programs).toEqual(['CYB-CERT', 'IT-AS']);
      expect(await run('staff:programs', ['--email', advisor.email, '--programs', 'ALL'])).toContain('now takes leads for: all (was: CYB-CERT,IT-AS)');
      expect((await account(advisor.email)).programs).toEqual([]);
      expect((await auditFor(advisor.id, 'advisor.programs_changed')).map((event) => event.details)).toEqual([
        { staffUserId: advisor.id, from: 'all', to: 'CYB-CERT,IT-AS' },
        { staffUserId: advisor.id, from: 'CYB-CERT,IT-AS', to: 'all' },
      ]);
    });

    test('when the programs are what the account already has, then nothing is audited', async () => {
      const advisor = await addStaff(t);
      expect(await run('staff:programs', ['--email', advisor.email, '--programs', 'all'])).toContain('already takes leads for: all');
      expect(await auditFor(advisor.id, 'advisor.programs_changed')).toEqual([]);
    });

    test('when a program that is no longer offered is named, then it is accepted: it still exists', async () => {
      const advisor = await addStaff(t);
      await run('staff:programs', ['--email', advisor.email, '--programs', 'PLS-CERT']);
      expect((await account(advisor.email)).programs).toEqual(['PLS-CERT']);
    });

    test.each([
      ['no --programs', (email: string) => ['--email', email], /staff:programs needs --programs/],
      ['no --email', () => ['--programs', 'all'], /staff:programs needs --email/],
      ['an unknown code', (email: string) => ['--email', email, '--programs', 'NOPE'], /no program has the code NOPE/],
      ['an unknown option', (email: string) => ['--email', email, '--programs', 'all', '--force'], /Unknown option '--force'/],
    ])('when staff:programs gets %s, then it is a usage error and nothing changes', async (_case, args, message) => {
      const advisor = await addStaff(t);
      const attempt = run('staff:programs', args(advisor.email));
      await expect(attempt).rejects.toThrow(UsageError);
      await expect(attempt).rejects.toThrow(message);
      expect((await account(advisor.email)).programs).toEqual([]);
    });

    test('when the account does not exist, then staff:programs fails (exit status 1)', async () => {
      const attempt = run('staff:programs', ['--email', 'ghost@college.test', '--programs', 'all']);
      await expect(attempt).rejects.toThrow(CliError);
      await expect(attempt).rejects.toThrow(/no staff account for ghost@college.test/);
      await expect(attempt).rejects.not.toThrow(UsageError);
    });
  });

  describe('staff:away and staff:back', () => {
    test('when an advisor comes back and goes away, then availability follows and each change is audited without personal data', async () => {
      const advisor = await addStaff(t);
      expect(await run('staff:back', ['--email', advisor.email])).toBe(`${advisor.email} is now taking leads.`);
      expect((await account(advisor.email)).available).toBe(true);
      expect(await run('staff:back', ['--email', advisor.email])).toBe(`${advisor.email} was already taking leads.`);
      expect(await run('staff:away', ['--email', advisor.email])).toBe(`${advisor.email} is now away (not taking leads).`);
      expect((await account(advisor.email)).available).toBe(false);

      const events = await auditFor(advisor.id, 'advisor.availability_changed');
      expect(events.map((event) => [event.via, event.details])).toEqual([
        ['cli', { staffUserId: advisor.id, available: true }],
        ['cli', { staffUserId: advisor.id, available: false }],
      ]);
      expect(JSON.stringify(events)).not.toContain(advisor.email);
    });

    test('when the account is disabled, then staff:back refuses and it stays unavailable, while staff:away still works', async () => {
      const advisor = await addStaff(t);
      await run('staff:back', ['--email', advisor.email]);
      await run('staff:disable', ['--email', advisor.email]);
      await run('staff:away', ['--email', advisor.email]);
      const attempt = run('staff:back', ['--email', advisor.email]);
      await expect(attempt).rejects.toThrow(CliError);
      await expect(attempt).rejects.toThrow(`the account ${advisor.email} is disabled, so it cannot take leads; nothing was changed`);
      expect((await account(advisor.email)).available).toBe(false);
    });

    test.each(['staff:away', 'staff:back'])('when %s names nobody or a malformed address, then it fails with a clear error', async (command) => {
      await expect(run(command, ['--email', 'ghost@college.test'])).rejects.toThrow(/no staff account for ghost@college.test/);
      await expect(run(command, ['--email', 'not-an-email'])).rejects.toThrow(UsageError);
      await expect(run(command, [])).rejects.toThrow(`${command} needs --email`);
    });
  });
});
