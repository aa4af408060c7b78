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

/**
 * What the participant is shown of a contest: with rounds, the open round's, else the next one's
 * (status open or upcoming: the only ones after "n"): its name after the title, and its window, so
 * its phase and countdowns are the round's. Once no round is ahead, the whole contest.
 */
export function asShown<C extends Pick<PublicContest, 'title' | 'startsAt' | 'endsAt' | 'rounds' | 'hasRounds'>>(c: C): C {
  const r = c.hasRounds ? c.rounds.find((r) => r.status > 'n') : undefined;
  return r ? { ...c, title: c.title + ': ' + r.name, startsAt: r.startsAt, endsAt: r.endsAt } : c;
}
