import type { RequestHandler } from 'express';
import { errors } from './errors';

// C0 control characters and DEL. PostgreSQL refuses NUL in text outright (a
// 500 if it got that far), and no address a person or a script means to
// send carries the rest.
// oxlint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

function hasControl(value: unknown): boolean {
  if (typeof value === 'string') return CONTROL.test(value);
  if (Array.isArray(value)) return value.some(hasControl);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, inner]) => CONTROL.test(key) || hasControl(inner));
  return false;
}

/**
 * OPTIONS is no method of this site (it serves no cross-origin callers, so
 * there is no preflight to answer): 404 like PUT or DELETE, instead of
 * Express's automatic 200 with an Allow list.
 */
export const refuseOptions: RequestHandler = (req, _res, next) => {
  if (req.method === 'OPTIONS') throw errors.notFound('Nothing here answers that method.');
  next();
};

/**
 * Refuses an address with a control character before any route sees it: a
 * path segment with one names nothing (404), a query parameter with one is a
 * malformed request (400). Form and JSON fields are the routes' own to
 * validate (a message may keep its line breaks).
 */
export const refuseControlCharacters: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    throw errors.badRequest('The address is malformed.');
  }
  if (CONTROL.test(path)) throw errors.notFound();
  if (hasControl(req.query)) throw errors.badRequest('A query parameter contains a control character.');
  next();
};
