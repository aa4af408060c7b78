// What a participant is shown of a contest of rounds (home page and contest page): the open round,
// else the next one, else the whole contest.
import { describe, expect, it } from 'vitest';
import { asShown, contestPhase } from '../../../web/src/lib/contest.ts';

const round = (name: string, status: string, startsAt: string, endsAt: string) => ({ id: name, name, status, startsAt, endsAt });
const base = { title: 'Cuộc thi', status: 'published', startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-29T00:00:00Z' };
const weekly = (statuses: string[]) => ({
  ...base,
  hasRounds: true,
  rounds: statuses.map((s, i) => round(`Tuần ${i + 1}`, s, `2026-12-${String(1 + 7 * i).padStart(2, '0')}T00:00:00Z`, `2026-12-${String(7 + 7 * i).padStart(2, '0')}T00:00:00Z`)),
});
const show = (c: object) => asShown(c as never) as typeof base;

describe('asShown', () => {
  it('leaves a contest without rounds as it is', () => {
    const c = { ...base, hasRounds: false, rounds: [round('r1', 'open', base.startsAt, base.endsAt)] };
    expect(asShown(c as never)).toBe(c);
  });

  it('shows the open round: its name after the title, its window', () => {
    const c = show(weekly(['final', 'open', 'upcoming', 'upcoming']));
    expect(c).toMatchObject({ title: 'Cuộc thi: Tuần 2', startsAt: '2026-12-08T00:00:00Z', endsAt: '2026-12-14T00:00:00Z' });
    expect(contestPhase(c as never, Date.parse('2026-12-10T00:00:00Z'))).toBe('open');
  });

  it('between two rounds shows the next one, so the contest is upcoming', () => {
    const c = show(weekly(['ended', 'upcoming', 'upcoming']));
    expect(c.title).toBe('Cuộc thi: Tuần 2');
    expect(contestPhase(c as never, Date.parse('2026-12-07T12:00:00Z'))).toBe('upcoming');
  });

  it('once no round is ahead, shows the whole contest', () => {
    const c = weekly(['final', 'final', 'ended']);
    expect(asShown(c as never)).toBe(c);
  });
});
