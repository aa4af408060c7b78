// Where a contest stands, on the server's clock.
import type { PublicContest } from './api/types.ts';

export type Phase = 'upcoming' | 'open' | 'ended';

/** When it actually ended: the close, when the organizer closed it before its planned end. */
export function endedAt(c: Pick<PublicContest, 'endsAt' | 'closedAt'>): string {
  return c.closedAt && c.closedAt < c.endsAt ? c.closedAt : c.endsAt;
}

export function contestPhase(c: Pick<PublicContest, 'status' | 'startsAt' | 'endsAt'>, serverNow: number): Phase {
  if (c.status === 'closed') return 'ended';
  if (serverNow < Date.parse(c.startsAt)) return 'upcoming';
  if (serverNow >= Date.parse(c.endsAt)) return 'ended';
  return 'open';
}
