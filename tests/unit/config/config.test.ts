import { ConfigError, loadConfig } from '../../../src/config/config';

const base = { NODE_ENV: 'test', SESSION_SECRET: 's'.repeat(32), DATA_DIR: '/tmp/frontdesk-config-test' };

describe('Configuration', () => {
  test('when nothing is set, then the SPEC defaults apply', () => {
    const config = loadConfig(base);
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.baseUrl).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.mailFrom).toBe('Admissions <admissions@localhost>');
    expect(config.admissionsEmail).toEqual(['admissions@localhost']);
    expect(config.officeHours.timezone).toBe('America/New_York');
    expect(config.autoreply).toBe(true);
    expect(config.siteName).toBe('Frontdesk College');
    expect(config.admissionsPhone).toBe('1-800-555-0199');
    expect(config.inquiryRateLimit).toEqual({ limit: 5, windowMs: 600_000 });
    expect(config.dispatcher).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.routing).toBe('round-robin');
    expect(config.responseTargetMs).toBe(15 * 60_000);
    expect(config.escalation).toBe('notify');
    expect(config.escalationEmail).toEqual(['admissions@localhost']);
    expect(config.drainSeconds).toBe(5);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('when values are set, then they are parsed into types', () => {
    const config = loadConfig({
      ...base, PORT: '8080', BASE_URL: 'https://enroll.example.edu/', ADMISSIONS_EMAIL: 'a@example.edu, b@example.edu',
      INQUIRY_RATE_LIMIT: '20/1h', TRUST_PROXY: '1', AUTOREPLY: 'off', DISPATCHER: 'off', OFFICE_HOLIDAYS: '2026-12-25',
    });
    expect(config.port).toBe(8080);
    expect(config.baseUrl).toBe('https://enroll.example.edu');
    expect(config.admissionsEmail).toEqual(['a@example.edu', 'b@example.edu']);
    expect(config.inquiryRateLimit).toEqual({ limit: 20, windowMs: 3_600_000 });
    expect(config.trustProxy).toBe(1);
    expect(config.autoreply).toBe(false);
    expect(config.dispatcher).toBe(false);
    expect(config.officeHours.holidays).toEqual(['2026-12-25']);
  });

  test('when the speed-to-lead settings are set, then they are parsed', () => {
    const config = loadConfig({
      ...base, ADMISSIONS_EMAIL: 'team@example.edu', ROUTING: 'off', RESPONSE_TARGET: '90s', ESCALATION: 'reassign', ESCALATION_EMAIL: 'lead@example.edu',
    });
    expect(config.routing).toBe('off');
    expect(config.responseTargetMs).toBe(90_000);
    expect(config.escalation).toBe('reassign');
    expect(config.escalationEmail).toEqual(['lead@example.edu']);
    expect(loadConfig({ ...base, ADMISSIONS_EMAIL: 'team@example.edu', RESPONSE_TARGET: '2h' })).toMatchObject({ responseTargetMs: 7_200_000, escalationEmail: ['team@example.edu'] });
  });

  test('when DRAIN_SECONDS is a whole number, then it is the drain in seconds (0 turns the drain off)', () => {
    expect(loadConfig({ ...base, DRAIN_SECONDS: '30' }).drainSeconds).toBe(30);
    expect(loadConfig({ ...base, DRAIN_SECONDS: ' 0 ' }).drainSeconds).toBe(0);
  });

  test.each([
    ['PORT', 'eighty', /^Invalid configuration: PORT must be a port number/],
    ['PORT', '70000', /^Invalid configuration: PORT must be at most 65535/],
    ['BASE_URL', 'localhost:3000', /^Invalid configuration: BASE_URL must be a URL like/],
    ['DATABASE_URL', 'mysql://x', /^Invalid configuration: DATABASE_URL must be a URL like postgresql:/],
    ['SMTP_URL', 'http://mail', /^Invalid configuration: SMTP_URL must be a URL like smtp:/],
    ['ADMISSIONS_EMAIL', 'admissions, nobody', /^Invalid configuration: ADMISSIONS_EMAIL must be a comma-separated list of email addresses/],
    ['OFFICE_TIMEZONE', 'Mars/Olympus', /^Invalid configuration: OFFICE_TIMEZONE .*Mars\/Olympus/],
    ['OFFICE_HOURS', 'Mon-Fri 09:00-25:00', /^Invalid configuration: OFFICE_HOURS .*25:00/],
    ['OFFICE_HOLIDAYS', '2026-02-30', /^Invalid configuration: OFFICE_HOLIDAYS .*2026-02-30/],
    ['AUTOREPLY', 'yes', /^Invalid configuration: AUTOREPLY must be "on" or "off"/],
    ['DISPATCHER', 'maybe', /^Invalid configuration: DISPATCHER must be "on" or "off"/],
    ['INQUIRY_RATE_LIMIT', 'lots', /^Invalid configuration: INQUIRY_RATE_LIMIT must look like 5\/10m/],
    ['INQUIRY_RATE_LIMIT', '0/10m', /^Invalid configuration: INQUIRY_RATE_LIMIT must look like 5\/10m/],
    ['REDIS_URL', 'localhost', /^Invalid configuration: REDIS_URL must be a URL like redis:/],
    ['SESSION_SECRET', 'short', /^Invalid configuration: SESSION_SECRET must be at least 32 characters/],
    ['LOG_LEVEL', 'loud', /^Invalid configuration: LOG_LEVEL must be one of/],
    ['ROUTING', 'random', /^Invalid configuration: ROUTING must be "round-robin" or "off"/],
    ['RESPONSE_TARGET', '15 minutes', /^Invalid configuration: RESPONSE_TARGET must be a duration like 90s, 15m or 2h/],
    ['RESPONSE_TARGET', '0m', /^Invalid configuration: RESPONSE_TARGET must be a duration/],
    ['ESCALATION', 'shout', /^Invalid configuration: ESCALATION must be "notify", "reassign" or "off"/],
    ['ESCALATION_EMAIL', 'boss', /^Invalid configuration: ESCALATION_EMAIL must be a comma-separated list/],
    ['DRAIN_SECONDS', '5s', /^Invalid configuration: DRAIN_SECONDS must be a whole number of seconds, 0 or more/],
    ['DRAIN_SECONDS', '-1', /^Invalid configuration: DRAIN_SECONDS must be a whole number of seconds/],
    ['DRAIN_SECONDS', '2.5', /^Invalid configuration: DRAIN_SECONDS must be a whole number of seconds/],
    ['NODE_ENV', 'staging', /^Invalid configuration: NODE_ENV/],
  ])('when %s is %p, then start-up stops with one line naming it', (variable, value, message) => {
    let thrown: unknown;
    try {
      loadConfig({ ...base, [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('\n');
  });

  test('when production runs without SESSION_SECRET, then start-up stops and says it is required', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: '/tmp/x' })).toThrow('Invalid configuration: SESSION_SECRET is required in production');
  });
});
