import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from './logger';
import { errorBody, errors, isAppError, type AppError } from './errors';
import { isDatabaseUnavailable } from './database';
import type { RenderPage } from './pages';

/**
 * JSON for scripts, a page for people: the one rule for every error answer.
 * /api/ and /metrics are always JSON. A browser names text/html in Accept.
 * In the staff workspace (/admin) anything else is a script with an API
 * token (curl accepts any type), so it gets JSON; on the public site, where
 * crawlers and link previews send anything, only a client that takes JSON
 * and not HTML does.
 */
export function wantsJson(req: Request): boolean {
  const path = `${req.baseUrl}${req.path}`;
  if (path.startsWith('/api/') || path === '/metrics') return true;
  if (path === '/admin' || path.startsWith('/admin/')) return !(req.get('accept') ?? '').includes('text/html');
  return !req.accepts('html') && Boolean(req.accepts('json'));
}

/** Errors thrown by Express's own body parsers, turned into the app's error type. */
function fromBodyParser(error: { type?: string }): AppError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return errors.payloadTooLarge();
    case 'entity.parse.failed':
      return errors.malformedJson();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return errors.unsupportedEncoding();
    case 'request.aborted':
      return errors.requestAborted();
    case 'request.size.invalid':
      return errors.badRequest('The request body did not match its Content-Length.');
    case 'parameters.too.many':
      return errors.payloadTooLarge('The form has too many fields.');
    default:
      return undefined;
  }
}

export function toAppError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (isDatabaseUnavailable(error)) return errors.serviceUnavailable(undefined, error);
  if (error && typeof error === 'object') {
    const parserError = error as { type?: string; status?: unknown; expose?: unknown };
    const known = fromBodyParser(parserError);
    if (known) return known;
    // Other body-reading failures that say they are the client's fault, such
    // as a gzip body that does not decompress or a form nested too deep: the
    // parsers in use raise these only as 400s.
    if (parserError.expose === true && typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      return errors.badRequest('The request body could not be read.');
    }
  }
  if (error instanceof URIError) return errors.badRequest('The address is malformed.');
  return undefined;
}

/** Every JSON error answer goes through here, so they all have one shape. */
export function sendJsonError(res: Response, error: AppError): void {
  res.status(error.status).json(errorBody(error));
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(errors.notFound(req.method === 'GET' || req.method === 'HEAD' ? undefined : 'Nothing here answers that method.'));
};

const PAGE_TITLES: Record<number, string> = { 404: 'Page not found', 429: 'Please wait a moment' };

/**
 * The one place an error becomes a response. Expected errors (AppError)
 * answer with their status; anything else is a bug: logged, then a 500 that
 * reveals nothing.
 */
export function errorHandler(deps: { logger: Logger; renderPage: RenderPage }): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const known = toAppError(error);
    const problem = known ?? errors.internal();
    if (!known) deps.logger.error({ event: 'http.unhandled_error', err: error, method: req.method, route: req.route?.path }, 'unhandled error');
    else if (problem.status === 503) deps.logger.warn({ event: 'database.unavailable', method: req.method, path: req.path });

    if (problem.status === 503) res.set('Retry-After', '30');
    if (wantsJson(req)) return sendJsonError(res, problem);
    deps.renderPage(res, 'errors/error', { title: PAGE_TITLES[problem.status] ?? 'Something went wrong', problem }, problem.status);
  };
}
