import { AppError } from '../../../src/platform/errors';
import { safeNext } from '../../../src/staff/auth/authentication';
import { passwordProblem } from '../../../src/staff/accounts/passwords';
import { exportFileName, parseExportOptions } from '../../../src/staff/export/export-routes';
import { csvCopyStatement, leadConditions, parameterBinder } from '../../../src/leads';
import { parseLeadFilters } from '../../../src/staff/leads/lead-filters';

const ZONE = 'America/New_York';

describe('parseLeadFilters', () => {
  test('when dates are given, then they cover whole days in the office zone, both ends included', () => {
    const { filters, echo } = parseLeadFilters({ from: '2026-11-30', to: '2026-11-30' }, ZONE);
    expect(filters.from?.toISOString()).toBe('2026-11-30T05:00:00.000Z');
    expect(filters.until?.toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(echo).toEqual({ from: '2026-11-30', to: '2026-11-30' });
  });

  test('when the day is a DST change, then it is 23 or 25 hours long', () => {
    const spring = parseLeadFilters({ from: '2026-03-08', to: '2026-03-08' }, ZONE).filters;
    expect(spring.until!.getTime() - spring.from!.getTime()).toBe(23 * 3_600_000);
    const fall = parseLeadFilters({ from: '2026-11-01', to: '2026-11-01' }, ZONE).filters;
    expect(fall.until!.getTime() - fall.from!.getTime()).toBe(25 * 3_600_000);
  });

  test('when instants are given, then the end instant is included', () => {
    const { filters } = parseLeadFilters({ from: '2026-11-30T10:00:00-05:00', to: '2026-11-30T15:30:00.250Z' }, ZONE);
    expect(filters.from?.toISOString()).toBe('2026-11-30T15:00:00.000Z');
    expect(filters.until?.toISOString()).toBe('2026-11-30T15:30:00.251Z');
  });

  test('when statuses are listed, then they are kept in the contract order without repeats', () => {
    const { filters, echo } = parseLeadFilters({ status: 'spam, new,spam' }, ZONE);
    expect(filters.statuses).toEqual(['new', 'spam']);
    expect(echo.status).toBe('new,spam');
  });

  test('when empty fields come from the form, then they are no filter at all', () => {
    expect(parseLeadFilters({ from: '', to: ' ', status: '', program: '', article: '', q: '  ' }, ZONE)).toEqual({ filters: {}, echo: {} });
  });

  test('when several filters are wrong, then one 400 lists every problem', () => {
    try {
      parseLeadFilters({ from: 'monday', status: 'hot', program: 'a b' }, ZONE);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).issues?.map((issue) => issue.path)).toEqual(['from', 'status', 'program']);
    }
  });
});

describe('lead SQL', () => {
  test('when there is no status filter, then spam is excluded; when there is, then exactly those statuses', () => {
    expect(leadConditions({}, parameterBinder().bind)).toEqual(["l.status <> 'spam'"]);
    const binder = parameterBinder();
    expect(leadConditions({ statuses: ['spam'] }, binder.bind)).toEqual(['l.status IN ($1::lead_status)']);
    expect(binder.values).toEqual(['spam']);
  });

  test('when a search has quotes and wildcards, then the COPY statement carries them as escaped literals', () => {
    const sql = csvCopyStatement({ format: 'csv', bom: false, filters: { q: "o'brien 50%_\\" } });
    expect(sql).toContain(String.raw`E'%o''brien 50\\%\\_\\\\%'::text`);
    expect(sql).toMatch(/^COPY \(SELECT .* ORDER BY l\.id\) TO STDOUT WITH \(FORMAT csv, HEADER true\)$/s);
  });
});

describe('export options and names', () => {
  test('when bom and since are parsed, then only 1/0/true/false and lead ids pass', () => {
    expect(parseExportOptions({ bom: '1', since: '0190F0A0-0000-7000-8000-000000000000' })).toEqual({ bom: true, since: '0190f0a0-0000-7000-8000-000000000000' });
    expect(() => parseExportOptions({ bom: 'yes' })).toThrow(AppError);
    expect(() => parseExportOptions({ since: "1' OR '1'='1" })).toThrow(AppError);
  });

  test('when the office date differs from the UTC date, then the file is named for the office date', () => {
    expect(exportFileName('csv', new Date('2026-12-01T03:00:00Z'), ZONE)).toBe('leads-2026-11-30.csv');
  });
});

describe('safeNext', () => {
  test.each([
    ['/admin/audit?action=leads.exported', '/admin/audit?action=leads.exported'],
    ['/admin', '/admin'],
    ['//evil.example', '/admin/leads'],
    ['https://evil.example/admin', '/admin/leads'],
    ['/administrator', '/admin/leads'],
    ['/admin/login?next=/admin', '/admin/leads'],
    ['/admin/\\evil', '/admin/leads'],
    ['/admin/../..//evil.example', '/admin/leads'],
    ['/admin/%2e%2e/%2e%2e//evil.example/x', '/admin/leads'],
    ['/admin/..%2f..%2f/evil.example', '/admin/leads'],
    ['/admin/leads/../audit?action=x', '/admin/audit?action=x'],
    ['/admin//leads', '/admin/leads'],
    ['/admin/../admin/login', '/admin/leads'],
    [undefined, '/admin/leads'],
  ])('when next is %s, then the person goes to %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe('passwordProblem', () => {
  test.each([
    ['eleven char', 'at least 12'],
    ['twelve chars', undefined],
    ['🔑'.repeat(12), undefined],
    [' '.repeat(20), 'must not be blank'],
    ['x'.repeat(1025), 'at most 1024'],
  ])('when the password is %j, then the problem is %s', (password, problem) => {
    const found = passwordProblem(password);
    if (problem) expect(found).toContain(problem);
    else expect(found).toBeUndefined();
  });
});
