import { CliError, UsageError } from '../../../src/platform/errors';
import { createTestApp, type TestApp } from '../../support/test-app';
import { commandContext, fakeLookup, runCommand } from './webhook-support';
import { createWebhookCommands, type WebhookCommandDeps } from '../../../src/webhooks';
import { CLI_ACTOR, createAuditLog } from '../../../src/audit';

/** Names the URL checks resolve; nothing here is ever connected to. */
const DNS = fakeLookup({
  'hooks.crm.example': ['93.184.215.14'],
  'rebound.crm.example': ['127.0.0.1'],
  'mixed.crm.example': ['93.184.215.14', '10.1.2.3'],
  'inside.crm.example': ['fd00::5'],
});

describe('webhooks:add, webhooks:list and webhooks:remove (SPEC §13)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: false });
  });
  afterAll(() => t.close());
  beforeEach(() => t.db.webhookEndpoint.deleteMany());

  const run = (name: string, args: string[]) => runCommand(t, name, args, { lookup: DNS });

  test('when an https endpoint is added, then it is stored with its events and the secret is printed once, alone on the last line', async () => {
    const lines = await run('webhooks:add', ['--url', 'https://hooks.crm.example/frontdesk', '--events', 'lead.created, lead.assigned', '--description', 'CRM']);
    const secret = lines[lines.length - 1]!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(lines.slice(0, -1).join('\n')).not.toContain(secret);
    const stored = await t.db.webhookEndpoint.findUniqueOrThrow({ where: { url: 'https://hooks.crm.example/frontdesk' } });
    expect(stored).toMatchObject({ events: ['lead.created', 'lead.assigned'], description: 'CRM', secret });

    const listed = await run('webhooks:list', []);
    expect(listed).toEqual([`${stored.id}\thttps://hooks.crm.example/frontdesk\tlead.created,lead.assigned\tCRM`]);
    expect(listed.join('\n')).not.toContain('whsec_');
  });

  test('when the callback events are named, then they are accepted now', async () => {
    await run('webhooks:add', ['--url', 'https://hooks.crm.example/calls', '--events', 'callback.booked,callback.cancelled']);
    expect(await t.db.webhookEndpoint.findFirstOrThrow()).toMatchObject({ events: ['callback.booked', 'callback.cancelled'] });
  });

  test.each([
    ['an http:// URL', ['--url', 'http://hooks.crm.example/x', '--events', 'lead.created'], /must start with https:\/\//],
    ['a loopback address', ['--url', 'https://127.0.0.1/x', '--events', 'lead.created'], /127\.0\.0\.1 is a loopback address/],
    ['an IPv6 loopback address', ['--url', 'https://[::1]/x', '--events', 'lead.created'], /::1 is a loopback address/],
    ['a private address', ['--url', 'https://10.0.0.1/x', '--events', 'lead.created'], /10\.0\.0\.1 is a private address/],
    ['the cloud metadata address', ['--url', 'https://169.254.169.254/latest', '--events', 'lead.created'], /169\.254\.169\.254 is a link-local address/],
    ['an unspecified address', ['--url', 'https://0.0.0.0/x', '--events', 'lead.created'], /0\.0\.0\.0 is an unspecified address/],
    ['loopback in hexadecimal', ['--url', 'https://0x7f.1/x', '--events', 'lead.created'], /127\.0\.0\.1 is a loopback address/],
    ['an IPv4-mapped IPv6 loopback', ['--url', 'https://[::ffff:127.0.0.1]/x', '--events', 'lead.created'], /is a loopback address/],
    ['a name that resolves to 127.0.0.1', ['--url', 'https://rebound.crm.example/x', '--events', 'lead.created'], /rebound\.crm\.example resolves to 127\.0\.0\.1 is a loopback address/],
    ['a name with one private address among public ones', ['--url', 'https://mixed.crm.example/x', '--events', 'lead.created'], /resolves to 10\.1\.2\.3 is a private address/],
    ['a name that resolves to a unique-local IPv6 address', ['--url', 'https://inside.crm.example/x', '--events', 'lead.created'], /fd00::5 is a private address/],
    ['a name that does not resolve', ['--url', 'https://nowhere.crm.example/x', '--events', 'lead.created'], /nowhere\.crm\.example does not resolve \(ENOTFOUND\)/],
    ['something that is not a URL', ['--url', 'hooks.crm.example', '--events', 'lead.created'], /"hooks\.crm\.example" is not a URL/],
    ['an unknown event', ['--url', 'https://hooks.crm.example/x', '--events', 'lead.created,lead.deleted'], /unknown event "lead\.deleted" \(events: lead\.created, lead\.assigned/],
    ['no events', ['--url', 'https://hooks.crm.example/x', '--events', ' , '], /--events needs at least one event/],
    ['no --url', ['--events', 'lead.created'], /webhooks:add needs --url/],
    ['no --events', ['--url', 'https://hooks.crm.example/x'], /webhooks:add needs --events/],
    ['an unknown option', ['--url', 'https://hooks.crm.example/x', '--events', 'lead.created', '--secret', 'x'], /Unknown option '--secret'/],
  ])('when webhooks:add gets %s, then it refuses with a usage error (exit status 2) and stores nothing', async (_case, args, message) => {
    const attempt = run('webhooks:add', args);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toMatchObject({ exitCode: 2 });
    await expect(attempt).rejects.toThrow(message);
    expect(await t.db.webhookEndpoint.count()).toBe(0);
  });

  test('when the same URL is added twice, then the second is refused with exit status 2 and the first is unchanged', async () => {
    const first = await run('webhooks:add', ['--url', 'https://hooks.crm.example/x', '--events', 'lead.created']);
    const attempt = run('webhooks:add', ['--url', 'https://hooks.crm.example/x', '--events', 'lead.assigned']);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow('an endpoint with the URL https://hooks.crm.example/x exists already');
    expect(await t.db.webhookEndpoint.findMany()).toMatchObject([{ events: ['lead.created'], secret: first[first.length - 1] }]);
  });

  test('when WEBHOOK_ALLOW_PRIVATE is on, then http:// and loopback URLs are accepted', async () => {
    const commands = createWebhookCommands({ clock: t.clock, lookup: DNS });
    const allowing = { ...commandContext(t, ['--url', 'http://127.0.0.1:8080/hooks', '--events', 'lead.created']), config: { ...t.config, webhookAllowPrivate: true } };
    await commands['webhooks:add']!.run(allowing);
    expect(await t.db.webhookEndpoint.findMany()).toMatchObject([{ url: 'http://127.0.0.1:8080/hooks' }]);
  });

  test('when an endpoint is added and removed with the audit log wired as cli.ts wires it, then both are audited from the command line, with the host but not the path or secret', async () => {
    const audited: WebhookCommandDeps = { clock: t.clock, lookup: DNS, audit: (db, tx, record) => createAuditLog({ db, clock: t.clock }).record({ ...record, actor: CLI_ACTOR }, tx) };
    const added = await runCommand(t, 'webhooks:add', ['--url', 'https://hooks.crm.example/private/path', '--events', 'lead.created'], audited);
    const { id } = await t.db.webhookEndpoint.findFirstOrThrow();
    t.clock.advance(1000); // audit ids are time-ordered
    await runCommand(t, 'webhooks:remove', ['--id', id], audited);
    const records = await t.db.auditEvent.findMany({ where: { action: { in: ['webhook.added', 'webhook.removed'] } }, orderBy: { id: 'asc' } });
    expect(records).toMatchObject([
      { action: 'webhook.added', via: 'cli', actorId: null, details: { endpointId: id, host: 'hooks.crm.example', events: ['lead.created'] } },
      { action: 'webhook.removed', via: 'cli', actorId: null, details: { endpointId: id, host: 'hooks.crm.example', events: ['lead.created'] } },
    ]);
    expect(JSON.stringify(records)).not.toContain('/private/path');
    expect(JSON.stringify(records)).not.toContain(added[added.length - 1]);
    // A refused add writes no record either.
    await expect(runCommand(t, 'webhooks:add', ['--url', 'http://hooks.crm.example/x', '--events', 'lead.created'], audited)).rejects.toThrow(UsageError);
    expect(await t.db.auditEvent.count({ where: { action: 'webhook.added' } })).toBe(1);
  });

  test('when an endpoint is removed, then it is gone; an unknown id fails with exit status 1 and a malformed one is a usage error', async () => {
    await run('webhooks:add', ['--url', 'https://hooks.crm.example/x', '--events', 'lead.created']);
    const { id } = await t.db.webhookEndpoint.findFirstOrThrow();
    expect(await run('webhooks:remove', ['--id', id.toUpperCase()])).toEqual([`removed webhook endpoint ${id}`]);
    expect(await t.db.webhookEndpoint.count()).toBe(0);
    expect(await run('webhooks:list', [])).toEqual(['no webhook endpoints']);

    const unknown = run('webhooks:remove', ['--id', id]);
    await expect(unknown).rejects.toThrow(CliError);
    await expect(unknown).rejects.toMatchObject({ exitCode: 1 });
    await expect(run('webhooks:remove', ['--id', 'nope'])).rejects.toThrow(UsageError);
    await expect(run('webhooks:remove', [])).rejects.toThrow('webhooks:remove needs --id');
  });
});
