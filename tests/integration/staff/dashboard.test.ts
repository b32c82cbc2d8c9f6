import request from 'supertest';
import { decodeEntities } from '../../support/inquiries';
import type { TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, insertLead, issueToken, signIn, type LeadFields, type TestStaff } from './staff-helpers';

const HTML = { Accept: 'text/html' };
/** Wednesday 2 December 2026, 12:00 in New York (EST): the office (Mon–Fri 09:00–21:00) is open. */
const NOW = '2026-12-02T17:00:00.000Z';

interface Clocked {
  advisor?: TestStaff;
  respondBy?: string;
  responseSeconds?: number;
}

/**
 * Dashboard figures against numbers worked out by hand (not by the SQL under
 * test). The default range is this week so far: Monday 30 November 00:00 EST
 * to now. Response target: 15 minutes (900 s).
 */
describe('Speed-to-lead dashboard (/admin/dashboard)', () => {
  let t: TestApp;
  let viewer: TestStaff;
  let alice: TestStaff;
  let bo: TestStaff;
  let agent: Awaited<ReturnType<typeof signIn>>;

  async function lead(createdAt: string, fields: LeadFields & Clocked = {}) {
    const { advisor, respondBy, responseSeconds, ...rest } = fields;
    const stored = await insertLead(t, { createdAt: new Date(createdAt), ...rest });
    const responded = responseSeconds !== undefined ? new Date(Date.parse(createdAt) + responseSeconds * 1000) : null;
    await t.db.$executeRaw`
      UPDATE leads SET assigned_to_id = ${advisor?.id ?? null}::uuid, assigned_at = ${advisor ? new Date(createdAt) : null}::timestamptz,
                       due_at = ${new Date(createdAt)}::timestamptz, respond_by = ${respondBy ? new Date(respondBy) : null}::timestamptz,
                       first_response_at = ${responded}::timestamptz, response_seconds = ${responseSeconds ?? null}::int
       WHERE id = ${stored.id}::uuid`;
    return stored;
  }

  beforeAll(async () => {
    t = await createStaffTestApp({ now: NOW });
    viewer = await addStaff(t, { name: 'Viktor Viewer' });
    alice = await addStaff(t, { name: 'Alice Advisor' });
    bo = await addStaff(t, { name: 'Bo Advisor' });
    agent = await signIn(t, viewer);

    // Alice, Healthcare Administration: four answered (60, 300, 1200, 2400 s), one overdue, one still within its time.
    await lead('2026-11-30T15:00:00Z', { advisor: alice, responseSeconds: 60, status: 'contacted' }); // Mon 10:00, open
    await lead('2026-12-01T03:30:00Z', { advisor: alice, responseSeconds: 300, status: 'contacted' }); // Mon 22:30, closed
    await lead('2026-12-01T13:15:00Z', { advisor: alice, responseSeconds: 1200, status: 'qualified' }); // Tue 08:15, closed
    await lead('2026-12-01T17:00:00Z', { advisor: alice, responseSeconds: 2400 }); // Tue 12:00, open (a logged call; still new)
    await lead('2026-12-02T14:30:00Z', { advisor: alice, respondBy: '2026-12-02T14:45:00Z' }); // Wed 09:30, open, overdue
    await lead('2026-12-02T16:55:00Z', { advisor: alice, respondBy: '2026-12-02T17:10:00Z' }); // Wed 11:55, open, not due yet
    // Bo, Information Technology: two answered (100, 900 s), one overdue.
    await lead('2026-11-30T15:30:00Z', { advisor: bo, responseSeconds: 100, programCode: 'IT-AS', status: 'contacted' }); // Mon 10:30, open
    await lead('2026-12-02T02:00:00Z', { advisor: bo, responseSeconds: 900, programCode: 'IT-AS', status: 'contacted' }); // Tue 21:00, closed (closing is exclusive)
    await lead('2026-12-02T11:00:00Z', { advisor: bo, respondBy: '2026-12-02T14:15:00Z', programCode: 'IT-AS' }); // Wed 06:00, closed, overdue
    // Nobody's: one awaiting, one from before the response clock (contacted, no response recorded).
    await lead('2026-12-02T16:30:00Z'); // Wed 11:30, open
    await lead('2026-11-30T14:00:00Z', { programCode: 'NUR-BSN', status: 'contacted' }); // Mon 09:00, open (opening is inclusive)
    // Left out: spam in the range, and a lead from last week.
    await lead('2026-11-30T15:00:00Z', { advisor: alice, responseSeconds: 5, status: 'spam' });
    await lead('2026-11-27T17:00:00Z', { advisor: alice, responseSeconds: 10, status: 'contacted' }); // Fri 27 Nov 12:00
    // Wednesday 18 November: Bo answered leads of two programs, Alice one.
    await lead('2026-11-18T15:00:00Z', { advisor: bo, responseSeconds: 100, status: 'contacted' });
    await lead('2026-11-18T15:10:00Z', { advisor: bo, responseSeconds: 400, status: 'contacted' });
    await lead('2026-11-18T15:20:00Z', { advisor: bo, responseSeconds: 200, programCode: 'IT-AS', status: 'contacted' });
    await lead('2026-11-18T15:30:00Z', { advisor: bo, responseSeconds: 1000, programCode: 'IT-AS', status: 'contacted' });
    await lead('2026-11-18T15:40:00Z', { advisor: alice, responseSeconds: 50, programCode: 'IT-AS', status: 'contacted' });
  });
  afterAll(() => t.close());

  const zero = { leads: 0, assigned: 0, responded: 0, medianSeconds: null, p90Seconds: null, withinTarget: 0, judged: 0, withinTargetShare: null, overdueNow: 0, unassignedNow: 0 };

  test('when nothing is chosen, then the JSON covers this week so far with the totals worked out by hand', async () => {
    const response = await agent.get('/admin/dashboard.json').expect(200).expect('Content-Type', /json/);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.body;
    expect(body.from).toBe('2026-11-30T05:00:00.000Z');
    expect(body.until).toBe(NOW);
    expect(body.generatedAt).toBe(NOW);
    expect(body.timezone).toBe('America/New_York');
    expect(body.targetSeconds).toBe(900);
    // Response times 60, 100, 300, 900, 1200, 2400: median between 300 and 900; p90 at 4.5 of 0–5, halfway from 1200 to 2400.
    // Within 15 min: 60, 100, 300, 900 (4); known outcomes: 6 answered + 2 overdue = 8.
    expect(body.totals).toEqual({ leads: 11, assigned: 9, responded: 6, medianSeconds: 600, p90Seconds: 1800, withinTarget: 4, judged: 8, withinTargetShare: 0.5, overdueNow: 2, unassignedNow: 1 });
  });

  test('when the figures are split, then each advisor and each program has its own row, zeros included', async () => {
    const { body } = await agent.get('/admin/dashboard.json').expect(200);
    expect(body.advisors).toEqual([
      // 60, 300, 1200, 2400: median (300+1200)/2; p90 at 2.7 → 1200 + 0.7 × 1200. Within: 2 of 4 answered + 1 overdue.
      { staffUserId: alice.id, name: 'Alice Advisor', email: alice.email, disabled: false, leads: 6, assigned: 6, responded: 4, medianSeconds: 750, p90Seconds: 2040, withinTarget: 2, judged: 5, withinTargetShare: 0.4, overdueNow: 1, unassignedNow: 0 },
      // 100, 900: median 500; p90 at 0.9 → 100 + 0.9 × 800. Within: 2 of 2 + 1 overdue.
      { staffUserId: bo.id, name: 'Bo Advisor', email: bo.email, disabled: false, leads: 3, assigned: 3, responded: 2, medianSeconds: 500, p90Seconds: 820, withinTarget: 2, judged: 3, withinTargetShare: 2 / 3, overdueNow: 1, unassignedNow: 0 },
      { staffUserId: viewer.id, name: 'Viktor Viewer', email: viewer.email, disabled: false, ...zero },
    ]);
    const programs = Object.fromEntries((body.programs as Array<{ code: string }>).map((program) => [program.code, program]));
    expect(Object.keys(programs).sort()).toEqual(['BUS-MBA', 'CYB-CERT', 'HCA-BS', 'HCM-MS', 'IT-AS', 'NUR-BSN']); // PLS-CERT is retired and had no leads
    expect(body.programs[0].code).toBe('HCA-BS'); // most leads first
    expect(programs['HCA-BS']).toEqual({ code: 'HCA-BS', name: 'Healthcare Administration', level: "Bachelor's", leads: 7, assigned: 6, responded: 4, medianSeconds: 750, p90Seconds: 2040, withinTarget: 2, judged: 5, withinTargetShare: 0.4, overdueNow: 1, unassignedNow: 1 });
    expect(programs['IT-AS']).toMatchObject({ leads: 3, assigned: 3, responded: 2, medianSeconds: 500, p90Seconds: 820, overdueNow: 1, unassignedNow: 0 });
    expect(programs['NUR-BSN']).toMatchObject({ leads: 1, assigned: 0, responded: 0, medianSeconds: null, judged: 0, withinTargetShare: null, overdueNow: 0, unassignedNow: 0 });
    expect(programs['CYB-CERT']).toMatchObject({ leads: 0, medianSeconds: null });
  });

  test('when the chart series are read, then each day is split by open or closed at arrival and the week grid counts office-local hours', async () => {
    const { body } = await agent.get('/admin/dashboard.json').expect(200);
    expect(body.charts.leadsPerDay).toEqual([
      { date: '2026-11-30', open: 3, closed: 1 },
      { date: '2026-12-01', open: 1, closed: 2 },
      { date: '2026-12-02', open: 3, closed: 1 },
    ]);
    const expected = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
    expected[0]![9] = 1; expected[0]![10] = 2; expected[0]![22] = 1;
    expected[1]![8] = 1; expected[1]![12] = 1; expected[1]![21] = 1;
    expected[2]![6] = 1; expected[2]![9] = 1; expected[2]![11] = 2;
    expect(body.charts.arrivalsByHour).toEqual({ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], counts: expected });
    expect(body.charts.officeHours).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'].map((day) => ({ day, from: '09:00', to: '21:00' })));
  });

  test('when a range is chosen, then dates are whole office days and only leads that arrived in them count', async () => {
    const { body } = await agent.get('/admin/dashboard.json?from=2026-11-27&to=2026-11-27').expect(200);
    expect(body.from).toBe('2026-11-27T05:00:00.000Z');
    expect(body.until).toBe('2026-11-28T05:00:00.000Z');
    expect(body.totals).toMatchObject({ leads: 1, assigned: 1, responded: 1, medianSeconds: 10, p90Seconds: 10, withinTarget: 1, judged: 1, withinTargetShare: 1 });
    expect(body.charts.leadsPerDay).toEqual([{ date: '2026-11-27', open: 1, closed: 0 }]);

    const onlyFrom = await agent.get('/admin/dashboard.json?from=2026-12-02').expect(200);
    expect([onlyFrom.body.from, onlyFrom.body.until]).toEqual(['2026-12-02T05:00:00.000Z', NOW]);
    expect(onlyFrom.body.totals.leads).toBe(4);
  });

  test('when an advisor answered leads of several programs, then their percentiles take all of them and each program takes its own', async () => {
    const { body } = await agent.get('/admin/dashboard.json?from=2026-11-18&to=2026-11-18').expect(200);
    // All: 50, 100, 200, 400, 1000: median the third; p90 at 3.6 → 400 + 0.6 × 600.
    expect(body.totals).toMatchObject({ leads: 5, responded: 5, medianSeconds: 200, p90Seconds: 760, withinTarget: 4, judged: 5 });
    const advisors = Object.fromEntries((body.advisors as Array<{ name: string }>).map((advisor) => [advisor.name, advisor]));
    // Bo: 100, 200, 400, 1000 (two programs): median (200+400)/2; p90 at 2.7 → 400 + 0.7 × 600. Alice: 50 alone.
    expect(advisors['Bo Advisor']).toMatchObject({ leads: 4, medianSeconds: 300, p90Seconds: 820, withinTarget: 3 });
    expect(advisors['Alice Advisor']).toMatchObject({ leads: 1, medianSeconds: 50, p90Seconds: 50 });
    const programs = Object.fromEntries((body.programs as Array<{ code: string }>).map((program) => [program.code, program]));
    // HCA-BS: 100, 400: median 250; p90 at 0.9 → 100 + 0.9 × 300. IT-AS: 50, 200, 1000: median 200; p90 at 1.8 → 200 + 0.8 × 800.
    expect(programs['HCA-BS']).toMatchObject({ leads: 2, medianSeconds: 250, p90Seconds: 370 });
    expect(programs['IT-AS']).toMatchObject({ leads: 3, medianSeconds: 200, p90Seconds: 840 });
  });

  test('when no lead arrived in the range, then every figure is zero and the advisors and programs still have their rows', async () => {
    const { body } = await agent.get('/admin/dashboard.json?from=2026-11-10&to=2026-11-10').expect(200);
    expect(body.totals).toEqual(zero);
    expect(body.advisors.map((advisor: { name: string }) => advisor.name)).toEqual(['Alice Advisor', 'Bo Advisor', 'Viktor Viewer']);
    for (const row of [...body.advisors, ...body.programs]) expect(row).toMatchObject(zero);
    expect(body.programs).toHaveLength(6);
  });

  test.each([
    ['from=2026-13-01', 'from'],
    ['to=yesterday', 'to'],
    ['from=2026-12-02&to=2026-11-30', 'to'],
    ['from=2026-12-05', 'from'], // after now, with no end
    ['from=2025-01-01&to=2026-12-01', 'to'], // more than 366 days
  ])('when the range is %s, then the JSON is a 400 invalid_filter naming %s', async (query, path) => {
    const response = await agent.get(`/admin/dashboard.json?${query}`).expect(400);
    expect(response.body.error).toBe('invalid_filter');
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });

  test('when the page gets a bad range, then it answers 400 with the range form and what was wrong', async () => {
    const page = await agent.get('/admin/dashboard?from=2026-13-01').set(HTML).expect(400);
    const html = decodeEntities(page.text);
    expect(html).toContain('This range cannot be used');
    expect(html).toContain('Enter the start date as YYYY-MM-DD');
    expect(html).toContain('value="2026-13-01"');
    expect(html).not.toContain('<svg');
  });

  test('when the page is shown, then the headline figures come first, then the two charts with text alternatives and tables, then the rows', async () => {
    const page = await agent.get('/admin/dashboard').set(HTML).expect(200);
    const html = decodeEntities(page.text);
    expect(html).toContain('aria-current="page">Dashboard</a>');
    expect(html).toMatch(/Answered within 15 min<\/dt>\s*<dd>50 %/);
    expect(html).toMatch(/Median first response<\/dt>\s*<dd>10 min/);
    expect(html).toMatch(/90 % answered within<\/dt>\s*<dd>30 min/);
    expect(html).toMatch(/Overdue now<\/dt>\s*<dd>2/);
    expect(html).toMatch(/Unassigned now<\/dt>\s*<dd>1/);
    const svgs = [...html.matchAll(/<svg [^>]*role="img"[^>]*>\s*<title id="[^"]+">([^<]+)<\/title>\s*<desc id="[^"]+">([^<]+)<\/desc>/g)];
    expect(svgs.map((match) => match[1])).toEqual(['Leads per day, by whether the office was open when they arrived', 'Arrivals by hour of the week, office hours outlined']);
    expect(svgs[0]![2]).toContain('11 leads over 3 days: 7 arrived while the office was open and 4 while it was closed');
    expect(svgs[1]![2]).toContain('The busiest hour of the week was Monday 10:00–11:00 with 2 leads.');
    expect(html).toContain('<tr><th scope="row">Mon 30 Nov</th><td class="num">3</td><td class="num">1</td><td class="num">4</td></tr>');
    // No chart script: the only script is the site's optional one.
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0])).toEqual([expect.stringMatching(/^<script src="\/static\/site\.js\?v=\w+" defer>$/)]);
    const order = ['Answered within', 'Leads per day', 'Arrivals by hour', 'By advisor', 'By program'].map((text) => html.indexOf(text));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).toMatch(/<th scope="row">Alice Advisor<\/th>\s*<td class="num">6<\/td>\s*<td class="num">4<\/td>\s*<td class="num">13 min<\/td>\s*<td class="num">34 min<\/td>\s*<td class="num">40 %<\/td>\s*<td class="num">1<\/td>/);
  });

  test('when an advisor’s name holds markup, then the page shows it as text', async () => {
    const other = await createStaffTestApp({ now: NOW });
    try {
      const odd = await addStaff(other, { name: '<img src=x onerror=alert(1)> & Co' });
      const page = await (await signIn(other, odd)).get('/admin/dashboard').set(HTML).expect(200);
      expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; Co');
      expect(page.text).not.toContain('<img src=x');
    } finally {
      await other.close();
    }
  });

  test('when nobody is signed in, then the page sends them to sign in and the JSON is a 401; an API token may read the JSON', async () => {
    const page = await request(t.app).get('/admin/dashboard').set(HTML).expect(303);
    expect(page.headers.location).toBe('/admin/login?next=%2Fadmin%2Fdashboard');
    const json = await request(t.app).get('/admin/dashboard.json').expect(401);
    expect(json.body.error).toBe('unauthenticated');
    const token = await issueToken(t, viewer);
    const withToken = await request(t.app).get('/admin/dashboard.json').set('Authorization', `Bearer ${token}`).expect(200);
    expect(withToken.body.totals.leads).toBe(11);
  });
});
