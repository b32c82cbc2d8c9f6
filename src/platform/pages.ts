import type { Response } from 'express';
import type { Config } from '../config/config';
import { bannerHoursLabel, bannerStatus, currentClosing, hoursLabel, isOpen, nextOpening, type BannerStatus } from '../office-hours';
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

  // The banner's words change only when the office opens or closes, or the
  // day turns ("tomorrow" becomes "today"): work them out once a minute at most.
  let banner: { status: BannerStatus; from: number; until: number } | undefined;
  const currentBanner = (now: Date): BannerStatus => {
    if (banner && now.getTime() >= banner.from && now.getTime() < banner.until) return banner.status;
    const change = isOpen(config.officeHours, now) ? currentClosing(config.officeHours, now) : nextOpening(config.officeHours, now);
    const until = Math.min(change?.getTime() ?? Infinity, now.getTime() - (now.getTime() % 60_000) + 60_000);
    banner = { status: bannerStatus(config.officeHours, now), from: now.getTime(), until };
    return banner.status;
  };

  function renderHtml(template: string, data: Record<string, unknown>): string {
    const now = clock.now();
    return views.render(template, {
      ...data,
      site: {
        name: config.siteName,
        phone: config.admissionsPhone,
        phoneHref: `tel:${config.admissionsPhone.replace(/[^\d+]/g, '')}`,
        hours: postedHours,
        bannerHours,
        banner: currentBanner(now),
        year: now.getUTCFullYear(),
        assetVersion: deps.assetVersion,
      },
    });
  }

  function renderPage(res: Response, template: string, data: Record<string, unknown>, status = 200): void {
    res.status(status).type('html').send(renderHtml(template, data));
  }

  return Object.assign(renderPage, {
    /** The page as a string, for routes that keep rendered pages. */
    html: renderHtml,
    /** Changes whenever the layout's live parts (the banner, the year) would render differently. */
    layoutVersion: () => {
      const now = clock.now();
      return `${currentBanner(now).text}|${now.getUTCFullYear()}`;
    },
  });
}

export type RenderPage = ReturnType<typeof createPageRenderer>;
