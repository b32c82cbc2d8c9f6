import type { Response } from 'express';
import type { Clock } from './clock';
import type { Views } from './views';

/** What the layout shows about the site on every page. */
export interface SiteInfo {
  name: string;
  phone: string;
  /** The posted hours, days first. */
  hours: string;
  /** The posted hours as the banner words them. */
  bannerHours: string;
}

export interface Banner {
  open: boolean;
  text: string;
}

/**
 * Renders a page inside the shared layout. The layout needs the same few
 * things on every page (site name, phone, posted hours, live open/closed
 * status), so they are added here rather than by each route.
 */
export function createPageRenderer(deps: { views: Views; site: SiteInfo; bannerAt: (at: Date) => Banner; clock: Clock; assetVersion: string }) {
  const { views, site, bannerAt, clock } = deps;
  const phoneHref = `tel:${site.phone.replace(/[^\d+]/g, '')}`;

  function renderHtml(template: string, data: Record<string, unknown>): string {
    const now = clock.now();
    return views.render(template, {
      ...data,
      site: {
        name: site.name,
        phone: site.phone,
        phoneHref,
        hours: site.hours,
        bannerHours: site.bannerHours,
        banner: bannerAt(now),
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
      return `${bannerAt(now).text}|${now.getUTCFullYear()}`;
    },
  });
}

export type RenderPage = ReturnType<typeof createPageRenderer>;
