import type { Request, Response } from 'express';
import type { Logger } from './logger';

const SLOW_SECONDS = 1;

/**
 * One `http.request` event per request that matters: errors (5xx) and slow
 * requests always, client errors at info, everything else only at debug.
 * A line per successful page view costs more than the page itself at load,
 * and the load balancer keeps those anyway. Method, path and status only:
 * query strings and headers can carry personal data.
 */
export function accessLog(logger: Logger) {
  return (req: Request, res: Response, seconds: number): void => {
    const status = res.statusCode;
    const level = status >= 500 ? 'error' : seconds >= SLOW_SECONDS ? 'warn' : status >= 400 ? 'info' : 'debug';
    if (!logger.isLevelEnabled(level)) return;
    logger[level]({ event: 'http.request', method: req.method, path: req.path, status, ms: Math.round(seconds * 1000) });
  };
}
