import { createOfficeHours } from '../../../src/office-hours';
import { officeDuration, officeMinutes, readClock } from '../../../src/staff/leads/response-clock';
import { parseContactForm } from '../../../src/staff/leads/contact-form';
import { parseLeadFilters } from '../../../src/staff/leads/lead-filters';

const OFFICE = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00', holidays: '' });

describe('the response clock as people read it', () => {
  test('when respondBy is ahead, then the office time left is shown; across a weekend only open time counts', () => {
    // Friday 20:55 ET, respondBy Monday 9:10 ET: 15 minutes of office time.
    expect(readClock(OFFICE, new Date('2026-11-30T14:10:00Z'), new Date('2026-11-28T01:55:00Z'))).toEqual({ overdue: false, officeMs: 15 * 60_000, text: '15 min of office time left' });
  });

  test('when respondBy has passed, then the lateness counts open office time only', () => {
    // respondBy Friday 20:50 ET; Monday 10:05 ET: 10 min on Friday + 65 min on Monday.
    expect(readClock(OFFICE, new Date('2026-11-28T01:50:00Z'), new Date('2026-11-30T15:05:00Z'))).toEqual({ overdue: true, officeMs: 75 * 60_000, text: '1 h 15 min late (office time)' });
  });

  test.each([
    [0, '0 min'], [59_999, '0 min'], [60_000, '1 min'], [3_600_000, '1 h'], [3_660_000, '1 h 1 min'], [-5, '0 min'],
  ])('when %d ms are formatted, then they read "%s"', (ms, text) => {
    expect(officeDuration(ms)).toBe(text);
  });

  test.each([[0, 'under 1 office minute'], [29, 'under 1 office minute'], [60, '1 office minute'], [4050, '68 office minutes'], [90_000, '1,500 office minutes']])(
    'when a response took %d office seconds, then it reads "%s"',
    (seconds, text) => expect(officeMinutes(seconds)).toBe(text),
  );
});

describe('parseContactForm', () => {
  test('when the fields are valid, then CRLF becomes LF, the note is trimmed, and an empty note is none', () => {
    expect(parseContactForm({ channel: 'text', outcome: 'no-answer', note: ' one\r\ntwo \r\n' })).toEqual({ ok: true, fields: { channel: 'text', outcome: 'no-answer', note: 'one\ntwo' } });
    expect(parseContactForm({ channel: 'call', outcome: 'reached', note: '   ' })).toEqual({ ok: true, fields: { channel: 'call', outcome: 'reached', note: null } });
    expect(parseContactForm({ channel: 'email', outcome: 'sent' })).toEqual({ ok: true, fields: { channel: 'email', outcome: 'sent', note: null } });
  });

  test('when fields are missing, repeated, too long or hold control characters, then each is an issue on its own path and the text is echoed', () => {
    const result = parseContactForm({ channel: ['call', 'text'], note: `${'x'.repeat(1000)}\ty` });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path).sort()).toEqual(['channel', 'note', 'outcome']);
    expect(result.echo).toEqual({ channel: '', outcome: '', note: `${'x'.repeat(1000)}\ty` });
    expect(parseContactForm({ channel: 'call', outcome: 'reached', note: 'a\u0000b' }).ok).toBe(false);
    expect(parseContactForm({ channel: 'call', outcome: 'reached', note: 'x'.repeat(998) + '\r\n' + 'y' }).ok).toBe(true); // 1,000 with the line break as one
  });
});

describe('parseLeadFilters: assignee, awaiting, overdue', () => {
  const now = new Date('2026-11-30T15:00:00Z');
  test('when the response filters are given, then they become conditions and are echoed for links', () => {
    expect(parseLeadFilters({ assignee: 'none', awaiting: '1', overdue: 'true' }, 'America/New_York', now)).toEqual({
      filters: { unassigned: true, awaiting: true, overdueAt: now },
      echo: { assignee: 'none', awaiting: '1', overdue: '1' },
    });
    expect(parseLeadFilters({ assignee: 'Pat@College.test', awaiting: '0' }, 'America/New_York', now)).toEqual({ filters: {}, echo: { assignee: 'pat@college.test' } });
  });

  test('when overdue is asked for without the time of the request, then it is refused rather than guessed', () => {
    expect(() => parseLeadFilters({ overdue: '1' }, 'America/New_York')).toThrow('overdue=1 is not available here.');
  });
});
