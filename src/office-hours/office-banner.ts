import { closedBanner, OPEN_BANNER, type BannerStatus } from './office-labels';
import { createOfficeState } from './office-state';
import type { OfficeHours } from './schedule';

/**
 * bannerStatus for every page render. The words follow the office state, and
 * a remembered state lasts at most until the office's midnight (where
 * "tomorrow" would become "today"), so they are worded once per state.
 */
export function createOfficeBanner(office: OfficeHours) {
  const stateAt = createOfficeState(office);
  let worded: { state: ReturnType<typeof stateAt>; banner: BannerStatus } | undefined;
  return function bannerAt(at: Date): BannerStatus {
    const state = stateAt(at);
    if (state.open) return OPEN_BANNER;
    if (worded?.state !== state) worded = { state, banner: closedBanner(office, at, state.opensAt) };
    return worded.banner;
  };
}

export type OfficeBanner = ReturnType<typeof createOfficeBanner>;
