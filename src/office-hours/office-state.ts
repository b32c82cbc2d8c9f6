import { DateTime } from 'luxon';
import { currentClosing, isOpen, nextOpening } from './office-clock';
import type { OfficeHours } from './schedule';

export interface OfficeState {
  open: boolean;
  /** The next opening while closed, else null. */
  opensAt: Date | null;
  /** The end of the current open period while open, else null. */
  closesAt: Date | null;
}

/**
 * The office's state, worked out once per open or closed period instead of
 * on every request: the zone maths is a real cost at hundreds of inquiries a
 * second, and the answer only changes at the next opening or closing. Pure
 * apart from the memo: the instant is always the caller's. A remembered state
 * also ends at the office's midnight, so callers that word it relative to the
 * day ("tomorrow", see office-banner.ts) may keep their words per state.
 */
export function createOfficeState(office: OfficeHours) {
  let memo: { state: OfficeState; from: number; until: number } | undefined;
  return function stateAt(at: Date): OfficeState {
    const t = at.getTime();
    if (memo && t >= memo.from && t < memo.until) return memo.state;
    const open = isOpen(office, at);
    const state: OfficeState = open
      ? { open, opensAt: null, closesAt: currentClosing(office, at) }
      : { open, opensAt: nextOpening(office, at), closesAt: null };
    const change = (open ? state.closesAt : state.opensAt)?.getTime() ?? Infinity;
    const midnight = DateTime.fromMillis(t, { zone: office.timezone }).startOf('day').plus({ days: 1 }).toMillis();
    memo = { state, from: t, until: Math.min(change, midnight) };
    return state;
  };
}
