import { AppError, CliError, cliErrors, errorBody, errors, UsageError } from '../../../src/platform/errors';

const entries = Object.entries(errors);

describe('The error catalogue', () => {
  test('when every entry is listed, then no two share a code', () => {
    const codes = entries.map(([, entry]) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  test.each(entries)('when %s is built, then it is an AppError with the entry’s code and a 4xx or 5xx status', (_name, entry) => {
    // Arrange: every entry accepts these arguments (issues, a message, a list, a number) where it takes any.
    const build = entry as (...args: unknown[]) => AppError;
    const argument = entry === errors.invalidFilter || entry === errors.validationFailed ? [{ path: 'email', message: 'Enter an email address.' }]
      : entry === errors.invalidStatus ? ['new', 'spam']
      : entry === errors.invalidIdempotencyKey ? 255
      : entry === errors.unknownPrograms ? ['ART-BA']
      : entry === errors.badRequest ? 'The address is malformed.'
      : undefined;

    // Act
    const error = build(argument);

    // Assert
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(entry.code);
    expect(error.status).toBe(entry.status);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
    expect(error.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(error.message.length).toBeGreaterThan(0);
  });

  test('when an error becomes a JSON body, then the body is { error, message } and nothing else', () => {
    expect(errorBody(errors.rateLimited())).toEqual({
      error: 'rate_limited',
      message: 'You have sent several questions in a short time. Please wait a few minutes and try again, or call us.',
    });
  });

  test('when an error carries issues, then the body carries them after the message', () => {
    const issues = [{ path: 'from', message: 'From must be a date.' }];
    const body = errorBody(errors.invalidFilter(issues));
    expect(body).toEqual({ error: 'invalid_filter', message: 'From must be a date.', issues });
    expect(Object.keys(body)).toEqual(['error', 'message', 'issues']);
  });

  test('when validation fails, then the body is SPEC §6’s { error, issues } without a message', () => {
    const issues = [{ path: 'email', message: 'Enter an email address.' }];
    expect(errorBody(errors.validationFailed(issues))).toEqual({ error: 'validation_failed', issues });
  });

  test('when an AppError is built the old way, then it serialises like a catalogue one', () => {
    const old = new AppError('not_found', 404, 'The page you asked for does not exist.');
    expect(errorBody(old)).toEqual(errorBody(errors.notFound()));
  });

  test('when the database is down, then service_unavailable keeps the cause for the log', () => {
    const cause = new Error('connect ECONNREFUSED');
    expect(errors.serviceUnavailable(undefined, cause)).toMatchObject({ status: 503, message: expect.stringContaining('try again'), cause });
  });
});

describe('The CLI errors', () => {
  test('when a command is called wrongly, then the error is a UsageError with exit status 2', () => {
    const error = cliErrors.usage('staff:add needs --email');
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ exitCode: 2, code: 'usage', message: 'staff:add needs --email' });
  });

  test('when a command cannot do its work, then the error has exit status 1 and is not a usage error', () => {
    const error = cliErrors.failed('there is no staff account for ghost@college.test');
    expect(error).toBeInstanceOf(CliError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ exitCode: 1, code: 'command_failed' });
  });

  test('when an article file is bad, then the message names the file, exit status 1', () => {
    expect(cliErrors.invalidArticleFile('intro.md', 'the article has no body below its front matter')).toMatchObject({
      exitCode: 1,
      code: 'invalid_article_file',
      message: 'intro.md: the article has no body below its front matter',
    });
  });
});
