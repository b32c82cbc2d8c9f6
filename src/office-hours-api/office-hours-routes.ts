import express, { type Router } from 'express';
import { DateTime } from 'luxon';
import type { Clock } from '../platform/clock';
import { errors } from '../platform/errors';
import { officeStatus, type OfficeHours } from '../office-hours';
import { officeHoursQuerySchema } from './office-hours-schema';

/** GET /api/office-hours[?at=<ISO-8601 instant>]: the office-hours status JSON (docs/http-api.md). */
export function officeHoursRouter(deps: { officeHours: OfficeHours; clock: Clock }): Router {
  const router = express.Router();
  router.get('/api/office-hours', (req, res) => {
    const at = req.query.at === undefined ? deps.clock.now() : parseInstant(req.query.at);
    // The answer changes with the clock; a cached one would be wrong within minutes.
    res.set('Cache-Control', 'no-store').json(officeStatus(deps.officeHours, at));
  });
  return router;
}

function parseInstant(value: unknown): Date {
  if (typeof value !== 'string') {
    throw errors.invalidAt();
  }
  // An unencoded "+05:00" in a query string arrives as " 05:00"; read it as meant.
  const text = value.trim().replace(/(:\d{2}(?:\.\d+)?) (\d{2}(?::?\d{2})?)$/, '$1+$2');
  const parsed = officeHoursQuerySchema.shape.at.safeParse(text);
  const at = parsed.success && parsed.data !== undefined ? DateTime.fromISO(parsed.data, { setZone: true }) : null;
  if (!at?.isValid) {
    throw errors.invalidAt(value);
  }
  return at.toJSDate();
}
