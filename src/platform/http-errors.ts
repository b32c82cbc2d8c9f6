import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from './logger';
import { AppError, isAppError } from './errors';
import { isDatabaseUnavailable } from './database';
import type { RenderPage } from './pages';

/** JSON for API callers, a page for people. */
export function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path === '/metrics' || (!req.accepts('html') && Boolean(req.accepts('json')));
}

/** Errors thrown by Express's own body parsers, turned into the app's error type. */
function fromBodyParser(error: { type?: string }): AppError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 413, 'The request body is too large.');
    case 'entity.parse.failed':
      return new AppError('malformed_json', 400, 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_encoding', 415, 'The request body uses an encoding this server does not accept.');
    case 'request.aborted':
      return new AppError('request_aborted', 400, 'The request was aborted before its body arrived.');
    case 'request.size.invalid':
      return new AppError('bad_request', 400, 'The request body did not match its Content-Length.');
    case 'parameters.too.many':
      return new AppError('payload_too_large', 413, 'The form has too many fields.');
    default:
      return undefined;
  }
}

export function toAppError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (isDatabaseUnavailable(error)) {
    return new AppError('service_unavailable', 503, 'We cannot save or show this right now. Please try again in a few minutes.', undefined, { cause: error });
  }
  if (error && typeof error === 'object') {
    const parserError = error as { type?: string; status?: unknown; expose?: unknown };
    const known = fromBodyParser(parserError);
    if (known) return known;
    // Other body-reading failures that say they are the client's fault, such
    // as a gzip body that does not decompress.
    if (parserError.expose === true && typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      return new AppError('bad_request', parserError.status, 'The request body could not be read.');
    }
  }
  if (error instanceof URIError) return new AppError('bad_request', 400, 'The address is malformed.');
  return undefined;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', 404, req.method === 'GET' || req.method === 'HEAD' ? 'The page you asked for does not exist.' : 'Nothing here answers that method.'));
};

/**
 * The one place an error becomes a response. Expected errors (AppError)
 * answer with their status; anything else is a bug: logged, then a 500 that
 * reveals nothing.
 */
export function errorHandler(deps: { logger: Logger; renderPage: RenderPage }): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const known = toAppError(error);
    const problem = known ?? new AppError('internal_error', 500, 'Something went wrong on our side. Please try again.');
    if (!known) deps.logger.error({ event: 'http.unhandled_error', err: error, method: req.method, route: req.route?.path }, 'unhandled error');
    else if (problem.status === 503) deps.logger.warn({ event: 'database.unavailable', method: req.method, path: req.path });

    if (problem.status === 503) res.set('Retry-After', '30');
    if (wantsJson(req)) {
      res.status(problem.status).json({ error: problem.code, message: problem.message, ...(problem.details ? { issues: problem.details } : {}) });
      return;
    }
    deps.renderPage(res, 'errors/error', { title: problem.status === 404 ? 'Page not found' : 'Something went wrong', problem }, problem.status);
  };
}
