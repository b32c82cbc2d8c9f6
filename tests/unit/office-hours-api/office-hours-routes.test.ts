import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { ManualClock } from '../../../src/platform/clock';
import { isAppError } from '../../../src/platform/errors';
import { createOfficeHours } from '../../../src/office-hours';
import { officeHoursRouter } from '../../../src/office-hours-api/http';
import { SUNDAY_STATUS_EXAMPLE } from '../../support/office-status';

function buildApp(now = '2026-11-29T15:30:00.000Z') {
  const officeHours = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00' });
  const app = express();
  app.use(officeHoursRouter({ officeHours, clock: new ManualClock(now) }));
  // Stands in for the app's error handler: AppErrors as JSON { error, message }.
  const renderErrors: ErrorRequestHandler = (error, _req, res, next) => {
    if (!isAppError(error)) return next(error);
    res.status(error.status).json({ error: error.code, message: error.message });
  };
  app.use(renderErrors);
  return app;
}

describe('GET /api/office-hours', () => {
  test('when asked without at, then it answers the status at the clock’s instant, uncached', async () => {
    // Act
    const response = await request(buildApp()).get('/api/office-hours');

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual(SUNDAY_STATUS_EXAMPLE);
  });

  test('when at is given with Z, then that instant is evaluated', async () => {
    // Act: Monday 2026-07-06 09:00 EDT
    const response = await request(buildApp()).get('/api/office-hours').query({ at: '2026-07-06T13:00:00Z' });

    // Assert
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      open: true,
      at: '2026-07-06T13:00:00.000Z',
      opensAt: null,
      closesAt: '2026-07-07T01:00:00.000Z',
    });
  });

  test('when at has an offset, then it is converted to UTC', async () => {
    const response = await request(buildApp()).get('/api/office-hours?at=2026-11-30T08%3A59%3A59.999-05%3A00');
    expect(response.body).toMatchObject({ open: false, at: '2026-11-30T13:59:59.999Z', opensAt: '2026-11-30T14:00:00.000Z' });
  });

  test('when the + of an offset arrives unencoded (as a space), then it is still read as +', async () => {
    const response = await request(buildApp()).get('/api/office-hours?at=2026-11-30T20:00:00+05:00');
    expect(response.status).toBe(200);
    expect(response.body.at).toBe('2026-11-30T15:00:00.000Z');
  });

  test.each([
    ['not-a-date', 'at=not-a-date'],
    ['a date without a time', 'at=2026-11-29'],
    ['a time without an offset', 'at=2026-11-29T15:30:00'],
    ['an impossible date', 'at=2026-02-30T10:00:00Z'],
    ['an empty value', 'at='],
  ])('when at is %s, then it answers 400 invalid_at', async (_case, query) => {
    // Act
    const response = await request(buildApp()).get(`/api/office-hours?${query}`);

    // Assert
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'invalid_at',
      message: expect.stringContaining('"at" must be an ISO-8601 instant with a time zone offset, such as 2026-11-29T15:30:00Z'),
    });
  });

  test('when at is given twice, then it answers 400 invalid_at', async () => {
    const response = await request(buildApp()).get('/api/office-hours?at=2026-11-29T15:30:00Z&at=2026-11-30T15:30:00Z');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'invalid_at',
      message: '"at" must be given once, as an ISO-8601 instant such as 2026-11-29T15:30:00Z',
    });
  });
});
