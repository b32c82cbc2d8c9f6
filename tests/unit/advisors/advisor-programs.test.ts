import { checkProgramCodes, describePrograms, parseProgramList } from '../../../src/advisors';

describe('Advisor program lists', () => {
  test.each([
    ['all', []],
    [' ALL ', []],
    ['HCA-BS', ['HCA-BS']],
    [' HCA-BS , nur-bsn,HCA-BS ', ['HCA-BS', 'nur-bsn']],
  ])('when the list is "%s", then it parses to %j', (text, codes) => {
    expect(parseProgramList(text)).toEqual({ ok: true, codes });
  });

  test.each(['', '  ', 'HCA-BS,', ',HCA-BS', 'HCA-BS,,IT-AS'])('when the list is "%s", then it is refused with a problem to show', (text) => {
    expect(parseProgramList(text)).toEqual({ ok: false, problem: 'give program codes separated by commas (such as HCA-BS,NUR-BSN), or all' });
  });

  test('when codes are checked, then case is ignored and they come back spelt and ordered as the catalogue has them', () => {
    expect(checkProgramCodes(['it-as', 'HCA-BS'], ['HCA-BS', 'NUR-BSN', 'IT-AS'])).toEqual({ ok: true, codes: ['HCA-BS', 'IT-AS'] });
    expect(checkProgramCodes([], ['HCA-BS'])).toEqual({ ok: true, codes: [] });
  });

  test('when some codes are unknown, then exactly those are named', () => {
    expect(checkProgramCodes(['HCA-BS', 'ART-BA', 'x'], ['HCA-BS'])).toEqual({ ok: false, unknown: ['ART-BA', 'x'] });
  });

  test('when a stored list is described, then empty reads "all" and codes are comma-separated', () => {
    expect(describePrograms([])).toBe('all');
    expect(describePrograms(['HCA-BS', 'IT-AS'])).toBe('HCA-BS,IT-AS');
  });
});
