import type { Request, RequestHandler } from 'express';
import { errors } from '../platform/errors';
import type { Logger } from '../platform/logger';

/** An inquiry is a few KB; both endpoints refuse bodies larger than this. */
export const BODY_LIMIT = '16kb';

/** A browser posting from another site's page is refused; scripts that send no Origin are not. */
export function sameOrigin(baseUrl: string, logger: Logger): RequestHandler {
  const siteOrigin = new URL(baseUrl).origin;
  return (req, _res, next) => {
    const origin = req.get('origin');
    if (origin !== undefined && origin !== siteOrigin) {
      logger.info({ event: 'inquiry.foreign_origin' });
      throw errors.forbiddenOrigin();
    }
    next();
  };
}

/** Who sent it, as the consent record keeps it. */
export function sender(req: Request): { ip: string; userAgent: string } {
  return { ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', userAgent: (req.get('user-agent') ?? '').slice(0, 512) };
}
