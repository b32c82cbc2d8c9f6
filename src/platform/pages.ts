import type { Response } from 'express';
import type { Config } from '../config/config';
import { bannerHoursLabel, bannerStatus, hoursLabel } from '../office-hours';
import type { Clock } from './clock';
import type { Views } from './views';

/**
 * Renders a page inside the shared layout. The layout needs the same few
 * things on every page (site name, phone, posted hours, live open/closed
 * status), so they are added here rather than by each route.
 */
export function createPageRenderer(deps: { views: Views; config: Config; clock: Clock; assetVersion: string }) {
  const { views, config, clock } = deps;
  const postedHours = hoursLabel(config.officeHours);
  const bannerHours = bannerHoursLabel(config.officeHours);

  return function renderPage(res: Response, template: string, data: Record<string, unknown>, status = 200): void {
    const now = clock.now();
    const html = views.render(template, {
      ...data,
      site: {
        name: config.siteName,
        phone: config.admissionsPhone,
        phoneHref: `tel:${config.admissionsPhone.replace(/[^\d+]/g, '')}`,
        hours: postedHours,
        bannerHours,
        banner: bannerStatus(config.officeHours, now),
        year: now.getUTCFullYear(),
        assetVersion: deps.assetVersion,
      },
    });
    res.status(status).type('html').send(html);
  };
}

export type RenderPage = ReturnType<typeof createPageRenderer>;
