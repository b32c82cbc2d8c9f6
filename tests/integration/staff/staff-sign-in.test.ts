import request from 'supertest';
import { IDLE_TIMEOUT_MS, LAST_SEEN_RESOLUTION_MS, MAX_SESSION_MS } from '../../../src/staff/auth/staff-session';
import { LOGIN_LIMITS } from '../../../src/staff/auth/login-routes';
import type { TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, csrfFrom, issueToken, nextIp, signIn, type TestStaff } from './staff-helpers';

const HTML = { Accept: 'text/html' };

describe('Staff sign-in, sessions and access (/admin)', () => {
  let t: TestApp;
  let advisor: TestStaff;
  let admin: TestStaff;

  beforeAll(async () => {
    t = await createStaffTestApp();
  });
  afterAll(() => t.close());
  // Fresh accounts for every test: the per-account sign-in limit must not carry over.
  beforeEach(async () => {
    advisor = await addStaff(t, { name: 'Avery Advisor' });
    admin = await addStaff(t, { role: 'admin', name: 'Morgan Manager' });
  });

  async function loginPage(ip = nextIp()) {
    const agent = request.agent(t.app);
    const page = await agent.get('/admin/login').set(HTML).set('X-Forwarded-For', ip).expect(200);
    return { agent, ip, page, csrf: csrfFrom(page.text) };
  }

  function postLogin(login: Awaited<ReturnType<typeof loginPage>>, fields: Record<string, string>) {
    return login.agent.post('/admin/login').type('form').set(HTML).set('X-Forwarded-For', login.ip).send({ _csrf: login.csrf, ...fields });
  }

  test('when the login page is shown, then it has labelled email and password fields, a CSRF token, and is never cached', async () => {
    const { page } = await loginPage();
    expect(page.text).toContain('<label for="email">Email</label>');
    expect(page.text).toMatch(/<input id="email" name="email" type="email" autocomplete="username"/);
    expect(page.text).toMatch(/<input id="password" name="password" type="password" autocomplete="current-password"/);
    expect(page.text).toMatch(/<input type="hidden" name="_csrf" value="[0-9a-f]{64}">/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-robots-tag']).toBe('noindex, nofollow');
  });

  test('when a person signs in with the right password, then the session id is new, the cookie is HttpOnly and SameSite=Lax, and they reach the leads', async () => {
    const login = await loginPage();
    // A session id planted in the browser beforehand (session fixation) must not survive sign-in.
    const other = await loginPage();
    const planted = /frontdesk\.sid=([^;]+)/.exec(String((await postLogin(other, { email: admin.email, password: admin.password }).expect(303)).headers['set-cookie']))![1];
    const nonce = /frontdesk\.login=([^;]+)/.exec(String(login.page.headers['set-cookie']))![1];
    const response = await request(t.app).post('/admin/login').type('form').set(HTML).set('X-Forwarded-For', login.ip)
      .set('Cookie', `frontdesk.login=${nonce}; frontdesk.sid=${planted}`)
      .send({ _csrf: login.csrf, email: advisor.email.toUpperCase(), password: advisor.password })
      .expect(303);
    expect(response.headers.location).toBe('/admin/leads');
    const cookie = String(response.headers['set-cookie']);
    const after = /frontdesk\.sid=([^;]+)/.exec(cookie)![1];
    expect(after).not.toBe(planted);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(cookie).not.toMatch(/Secure/);

    const leads = await request(t.app).get('/admin/leads').set(HTML).set('Cookie', `frontdesk.sid=${after}`).expect(200);
    expect(leads.text).toContain('Signed in as <strong>Avery Advisor</strong>');
    const events = await t.db.auditEvent.findMany({ where: { actorId: advisor.id, action: 'staff.signed_in' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ via: 'web', ip: login.ip });
  });

  test('when a page asks to come back after sign-in, then the person lands there, but never on another site', async () => {
    const login = await loginPage();
    const page = await login.agent.get('/admin/login?next=/admin/audit').set(HTML).set('X-Forwarded-For', login.ip).expect(200);
    expect(page.text).toContain('name="next" value="/admin/audit"');
    const back = await postLogin(login, { email: admin.email, password: admin.password, next: '/admin/audit' }).expect(303);
    expect(back.headers.location).toBe('/admin/audit');

    const other = await loginPage();
    const away = await postLogin(other, { email: admin.email, password: admin.password, next: '//evil.example/admin' }).expect(303);
    expect(away.headers.location).toBe('/admin/leads');
  });

  test.each([
    ['a wrong password', () => ({ email: advisor.email, password: 'not the password at all' }), 'wrong_password'],
    ['an unknown email', () => ({ email: 'nobody@college.test', password: 'whatever password 1' }), 'unknown_account'],
    ['an empty form', () => ({ email: '', password: '' }), 'unknown_account'],
  ])('when someone signs in with %s, then they see one generic error, the email is kept, and the attempt is audited without the password', async (_case, fields, reason) => {
    const login = await loginPage();
    const { email, password } = fields();
    const response = await postLogin(login, { email, password }).expect(401);
    expect(response.text).toContain('That email and password do not match an active account.');
    expect(response.text).toContain(`value="${email}"`);
    expect(response.text).not.toContain(password || '<never>');
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'staff.sign_in_failed', ip: login.ip } });
    expect(event.details).toMatchObject({ reason });
    const stored = JSON.stringify(event);
    if (password) expect(stored).not.toContain(password);
    if (reason === 'unknown_account') {
      expect(event.actorId).toBeNull();
      if (email) expect(stored).not.toContain(email);
      expect((event.details as { emailHash?: string }).emailHash).toMatch(/^[0-9a-f]{32}$/);
    } else {
      expect(event.actorId).toBe(advisor.id);
    }
  });

  test('when a disabled account signs in with its right password, then it gets the same generic error', async () => {
    const gone = await addStaff(t);
    await t.db.staffUser.update({ where: { id: gone.id }, data: { disabledAt: t.clock.now() } });
    const login = await loginPage();
    const response = await postLogin(login, { email: gone.email, password: gone.password }).expect(401);
    expect(response.text).toContain('That email and password do not match an active account.');
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'staff.sign_in_failed', actorId: gone.id } });
    expect(event.details).toMatchObject({ reason: 'account_disabled' });
  });

  test('when one account gets too many sign-in attempts, then the next is refused with 429 and Retry-After, from any address', async () => {
    const target = await addStaff(t);
    for (let attempt = 0; attempt < LOGIN_LIMITS.perAccount; attempt += 1) {
      const login = await loginPage();
      await postLogin(login, { email: target.email, password: `wrong password ${attempt}` }).expect(401);
    }
    const login = await loginPage();
    const refused = await postLogin(login, { email: target.email, password: target.password }).expect(429);
    expect(refused.text).toContain('Too many sign-in attempts.');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another account is unaffected.
    await signIn(t, advisor);
  });

  test('when one address makes too many sign-in attempts, then it is refused with 429 whatever account it tries', async () => {
    const ip = nextIp();
    for (let attempt = 0; attempt < LOGIN_LIMITS.perIp; attempt += 1) {
      const login = await loginPage(ip);
      await postLogin(login, { email: `guess-${attempt}@college.test`, password: 'wrong password here' }).expect(401);
    }
    const login = await loginPage(ip);
    await postLogin(login, { email: advisor.email, password: advisor.password }).expect(429);
  });

  test.each([
    ['missing', undefined],
    ['forged', 'f'.repeat(64)],
  ])('when the CSRF token is %s, then sign-in is refused with 403 and nothing is audited', async (_case, token) => {
    const login = await loginPage();
    const fields: Record<string, string> = { email: advisor.email, password: advisor.password };
    if (token) fields._csrf = token;
    const response = await login.agent.post('/admin/login').type('form').set(HTML).set('X-Forwarded-For', login.ip).send(fields).expect(403);
    expect(response.text).toContain('This form has expired or did not come from this site.');
    expect(await t.db.auditEvent.count({ where: { ip: login.ip } })).toBe(0);
  });

  test('when a login form is posted without its session cookie (another site), then it is refused with 403', async () => {
    const { csrf } = await loginPage();
    await request(t.app).post('/admin/login').type('form').set(HTML).set('X-Forwarded-For', nextIp()).send({ _csrf: csrf, email: advisor.email, password: advisor.password }).expect(403);
  });

  test('when a signed-in person changes something without the CSRF token, then it is refused with 403', async () => {
    const agent = await signIn(t, advisor);
    await agent.post('/admin/logout').type('form').set(HTML).send({}).expect(403);
    await agent.get('/admin/leads').set(HTML).expect(200);
  });

  test('when a person signs out, then the session ends, it is audited, and the old cookie no longer works', async () => {
    const agent = await signIn(t, advisor);
    const page = await agent.get('/admin/leads').set(HTML).expect(200);
    const response = await agent.post('/admin/logout').type('form').set(HTML).send({ _csrf: csrfFrom(page.text) }).expect(303);
    expect(response.headers.location).toBe('/admin/login?signedOut=1');
    const after = await agent.get('/admin/leads').set(HTML).expect(303);
    expect(after.headers.location).toBe('/admin/login?next=%2Fadmin%2Fleads');
    expect(await t.db.auditEvent.count({ where: { actorId: advisor.id, action: 'staff.signed_out' } })).toBeGreaterThan(0);
  });

  test('when a session is unused for longer than the idle timeout, then the next request goes to the login page saying why', async () => {
    const agent = await signIn(t, advisor);
    t.clock.advance(IDLE_TIMEOUT_MS - 60_000);
    await agent.get('/admin/leads').set(HTML).expect(200); // activity keeps it alive
    t.clock.advance(IDLE_TIMEOUT_MS - 60_000);
    await agent.get('/admin/leads').set(HTML).expect(200);
    t.clock.advance(IDLE_TIMEOUT_MS + 1);
    const expired = await agent.get('/admin/leads').set(HTML).expect(303);
    expect(expired.headers.location).toBe('/admin/login?next=%2Fadmin%2Fleads&expired=1');
    const page = await agent.get(expired.headers.location!).set(HTML).expect(200);
    expect(page.text).toContain('You were signed out after a period without activity.');
  });

  test('when requests follow each other within a minute, then the stored session is not rewritten by each (a concurrent one cannot undo a flash message), only once a minute', async () => {
    const agent = await signIn(t, advisor);
    const stored = async () => {
      const rows = await t.db.$queryRawUnsafe<Array<{ sess: { lastSeenAt?: number } }>>(`SELECT sess FROM session WHERE sess->>'staffUserId' = $1`, advisor.id);
      expect(rows).toHaveLength(1);
      return rows[0]!.sess.lastSeenAt;
    };
    const signedIn = await stored();
    t.clock.advance(LAST_SEEN_RESOLUTION_MS - 1_000);
    await agent.get('/admin/leads').set(HTML).expect(200);
    expect(await stored()).toBe(signedIn);
    t.clock.advance(1_000);
    await agent.get('/admin/leads').set(HTML).expect(200);
    expect(await stored()).toBe(signedIn! + LAST_SEEN_RESOLUTION_MS);
  });

  test('when a session is older than its maximum age, then it ends even if it was in constant use', async () => {
    const agent = await signIn(t, advisor);
    for (let elapsed = 0; elapsed <= MAX_SESSION_MS; elapsed += IDLE_TIMEOUT_MS / 2) {
      t.clock.advance(IDLE_TIMEOUT_MS / 2);
      const response = await agent.get('/admin/leads').set(HTML);
      if (response.status === 303) {
        expect(elapsed + IDLE_TIMEOUT_MS / 2).toBeGreaterThan(MAX_SESSION_MS);
        return;
      }
    }
    throw new Error('the session outlived MAX_SESSION_MS');
  });

  test('when an account is disabled, then its open sessions stop working at once', async () => {
    const leaving = await addStaff(t);
    const agent = await signIn(t, leaving);
    await agent.get('/admin/leads').set(HTML).expect(200);
    await t.db.staffUser.update({ where: { id: leaving.id }, data: { disabledAt: t.clock.now() } });
    await agent.get('/admin/leads').set(HTML).expect(303);
  });

  test.each(['/admin', '/admin/leads', '/admin/leads/0190f0a0-0000-7000-8000-000000000000', '/admin/audit', '/admin/leads/export.csv'])(
    'when a browser without a session asks for %s, then it is sent to the login page and back',
    async (path) => {
      const response = await request(t.app).get(path).set(HTML).expect(303);
      expect(response.headers.location).toBe(`/admin/login?next=${encodeURIComponent(path)}`);
    },
  );

  test.each(['/admin/leads', '/admin/leads/export.csv', '/admin/leads/export.ndjson', '/admin/audit'])(
    'when a script without credentials asks for %s, then it gets 401 JSON',
    async (path) => {
      const response = await request(t.app).get(path).set('Accept', '*/*').expect(401);
      expect(response.body).toEqual({ error: 'unauthenticated', message: expect.stringContaining('/admin/login') });
      expect(response.headers['www-authenticate']).toContain('Bearer');
    },
  );

  test('when a POST arrives without a session, then nothing changes and a browser is sent to sign in', async () => {
    const response = await request(t.app).post('/admin/leads/0190f0a0-0000-7000-8000-000000000000/status').type('form').set(HTML).send({ status: 'contacted' }).expect(303);
    expect(response.headers.location).toBe('/admin/login');
  });

  test.each([
    ['a malformed header', 'Token abc'],
    ['an unknown token', `Bearer fdt_${'A'.repeat(43)}`],
    ['garbage', 'Bearer <script>'],
  ])('when a request carries %s as its token, then it is a 401 JSON and no session is made', async (_case, header) => {
    const response = await request(t.app).get('/admin/leads/export.csv').set('Authorization', header).expect(401);
    expect(response.body.error).toBe('invalid_token');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  test('when a token is valid, then its owner can read without a session and no cookie is set, but cannot change anything', async () => {
    const token = await issueToken(t, advisor);
    const page = await request(t.app).get('/admin/leads').set(HTML).set('Authorization', `Bearer ${token}`).expect(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.text).not.toContain('name="_csrf"');
    const change = await request(t.app).post('/admin/leads/0190f0a0-0000-7000-8000-000000000000/status').set('Authorization', `Bearer ${token}`).set('Accept', 'application/json').type('form').send({ status: 'contacted' }).expect(403);
    expect(change.body.error).toBe('session_required');
    const row = await t.db.apiToken.findFirstOrThrow({ where: { staffUserId: advisor.id } });
    expect(row.lastUsedAt?.toISOString()).toBe(t.clock.now().toISOString());
  });

  test('when a token is revoked or its account disabled, then it stops working', async () => {
    const owner = await addStaff(t);
    const token = await issueToken(t, owner, 'crm');
    await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${token}`).expect(200);
    await t.db.apiToken.updateMany({ where: { staffUserId: owner.id }, data: { revokedAt: t.clock.now() } });
    await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${token}`).expect(401);

    const other = await addStaff(t);
    const second = await issueToken(t, other);
    await t.db.staffUser.update({ where: { id: other.id }, data: { disabledAt: t.clock.now() } });
    await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${second}`).expect(401);
  });

  test('when a staff member (not an admin) opens the audit log, then it is 403; an admin sees it', async () => {
    const staffAgent = await signIn(t, advisor);
    const refused = await staffAgent.get('/admin/audit').set(HTML).expect(403);
    expect(refused.text).toContain('Only administrators can see this page.');
    const leads = await staffAgent.get('/admin/leads').set(HTML).expect(200);
    expect(leads.text).not.toContain('href="/admin/audit"');

    const token = await issueToken(t, advisor);
    const json = await request(t.app).get('/admin/audit').set('Authorization', `Bearer ${token}`).set('Accept', 'application/json').expect(403);
    expect(json.body.error).toBe('forbidden');

    const adminAgent = await signIn(t, admin);
    const audit = await adminAgent.get('/admin/audit').set(HTML).expect(200);
    expect(audit.text).toContain('<h1>Audit log</h1>');
    expect(audit.text).toContain('Signed in');
  });

  test('when a signed-in person opens the login page, then they go straight to the leads', async () => {
    const agent = await signIn(t, advisor);
    const response = await agent.get('/admin/login').set(HTML).expect(303);
    expect(response.headers.location).toBe('/admin/leads');
  });

  test('when the sign-in log lines are written, then they carry no email address or password', async () => {
    const lines: string[] = [];
    const logged = await createStaffTestApp({ logLines: lines });
    try {
      const person = await addStaff(logged, { email: 'private.person@college.test' });
      await signIn(logged, person);
      const agent = request.agent(logged.app);
      const page = await agent.get('/admin/login').set(HTML).expect(200);
      await agent.post('/admin/login').type('form').set(HTML).send({ _csrf: csrfFrom(page.text), email: 'private.person@college.test', password: 'wrong password value' }).expect(401);
      const text = lines.join('\n');
      expect(text).toContain('staff.signed_in');
      expect(text).toContain('staff.sign_in_failed');
      expect(text).not.toContain('private.person');
      expect(text).not.toContain('wrong password value');
      expect(text).not.toContain(PASSWORD_IN_LOGS);
    } finally {
      await logged.close();
    }
  });
});

const PASSWORD_IN_LOGS = 'correct horse battery staple';

describe('Staff session cookie under https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createStaffTestApp({ env: { BASE_URL: 'https://enroll.college.test' } });
  });
  afterAll(() => t.close());

  test('when BASE_URL is https, then the session cookie is also Secure', async () => {
    const staff = await addStaff(t);
    const page = await request(t.app).get('/admin/login').set(HTML).set('X-Forwarded-Proto', 'https').expect(200);
    expect(String(page.headers['set-cookie'])).toMatch(/frontdesk\.login=[^;]+;.*; Secure/);
    // The test talks plain HTTP to the app behind its "proxy", so it sends the Secure cookie itself.
    const nonce = /frontdesk\.login=([^;]+)/.exec(String(page.headers['set-cookie']))![1];
    const signedIn = await request(t.app).post('/admin/login').type('form').set(HTML).set('X-Forwarded-Proto', 'https').set('X-Forwarded-For', nextIp())
      .set('Cookie', `frontdesk.login=${nonce}`)
      .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password }).expect(303);
    const cookie = String(signedIn.headers['set-cookie']);
    expect(cookie).toMatch(/frontdesk\.sid=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  test('when the login page is visited many times without signing in, then no session row is stored', async () => {
    const before = await t.db.$queryRaw<Array<{ count: number }>>`SELECT count(*)::int AS count FROM session`;
    for (let visit = 0; visit < 30; visit += 1) {
      const page = await request(t.app).get('/admin/login').set(HTML).set('X-Forwarded-Proto', 'https').expect(200);
      expect(String(page.headers['set-cookie'])).not.toMatch(/frontdesk\.sid=/);
    }
    const after = await t.db.$queryRaw<Array<{ count: number }>>`SELECT count(*)::int AS count FROM session`;
    expect(after[0]!.count).toBe(before[0]!.count);
  });
});
