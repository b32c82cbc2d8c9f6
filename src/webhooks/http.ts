import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Clock } from '../platform/clock';
import { errors } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { DeliveryRepository, DeliveryView } from './delivery-repository';
import type { EndpointRepository } from './endpoint-repository';

/** What the page needs from the staff workspace (its AdminPageKit), described here so webhooks never import staff. */
export interface WebhookPageKit {
  view: RequestHandler[];
  change: RequestHandler[];
  render: (req: Request, res: Response, template: string, data: Record<string, unknown> & { section: 'webhooks' }, status?: number) => void;
  flash: (req: Request, message: string) => void;
  audit: (req: Request, res: Response, record: { action: 'webhook.resent'; leadId?: string | null; details?: Record<string, unknown> }) => Promise<void>;
}

export interface WebhookPageDeps {
  endpoints: EndpointRepository;
  deliveries: DeliveryRepository;
  clock: Clock;
  logger: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RECENT = 50;

const STATUS_LABELS: Record<DeliveryView['status'], string> = { pending: 'Waiting to retry', delivered: 'Delivered', failed: 'Failed' };

/**
 * GET /admin/webhooks and POST /admin/webhooks/deliveries/:id/resend (SPEC
 * §13), for administrators: the endpoints, the last deliveries with their
 * status, tries and response code, and "Resend", audited.
 */
export function webhookAdminPage(deps: WebhookPageDeps) {
  return (kit: WebhookPageKit): express.Router => {
    const router = express.Router();

    router.get('/admin/webhooks', ...kit.view, async (req, res) => {
      const [endpoints, deliveries] = await Promise.all([deps.endpoints.list(), deps.deliveries.recent(RECENT)]);
      const now = deps.clock.now();
      kit.render(req, res, 'staff/webhooks', {
        title: 'Webhooks',
        section: 'webhooks',
        endpoints,
        deliveries: deliveries.map((delivery) => ({
          ...delivery,
          statusLabel: delivery.status === 'pending' && delivery.attempts === 0 ? 'Queued' : STATUS_LABELS[delivery.status],
          // A queued delivery goes out on its own within seconds; anything tried can be sent again now.
          canResend: delivery.attempts > 0 || delivery.status !== 'pending',
          retryIn: delivery.status === 'pending' && delivery.nextAttemptAt > now ? delivery.nextAttemptAt : null,
          // "HTTP 500" says no more than the code beside it; a timeout, a refusal or a redirect does.
          problem: delivery.lastError === `HTTP ${delivery.responseStatus}` ? null : delivery.lastError,
        })),
        recent: RECENT,
      });
    });

    router.post('/admin/webhooks/deliveries/:id/resend', ...kit.change, async (req, res) => {
      const id = String(req.params.id ?? '');
      if (!UUID.test(id)) throw errors.notFound('There is no webhook delivery with this id.');
      const resent = await deps.deliveries.resend(id.toLowerCase(), deps.clock.now());
      if (resent === null) throw errors.notFound('There is no webhook delivery with this id. Its endpoint or its lead may have been removed.');
      if (resent === false) throw errors.deliveryInProgress();
      await kit.audit(req, res, { action: 'webhook.resent', details: { deliveryId: id.toLowerCase(), endpointId: resent.endpointId, event: resent.eventType, was: resent.from } });
      deps.logger.info({ event: 'webhook.resent', deliveryId: id.toLowerCase(), endpointId: resent.endpointId, type: resent.eventType });
      kit.flash(req, `The ${resent.eventType} webhook will be sent again now, with the same webhook-id.`);
      res.redirect(303, '/admin/webhooks');
    });

    return router;
  };
}
