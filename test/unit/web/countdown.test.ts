import { describe, expect, it, vi } from 'vitest';
import { Countdown, formatClock } from '../../../web/src/lib/state/countdown.svelte.ts';
import { ManualTime } from './fakes.ts';

const SERVER_NOW = Date.parse('2024-05-01T01:00:00.000Z');
const DEADLINE = '2024-05-01T01:10:00.000Z';

describe('Countdown', () => {
  it.each([
    ['right', 0],
    ['3 hours slow', -3 * 3_600_000],
    ['a day fast', 86_400_000],
    ['years off', -5 * 365 * 86_400_000],
  ])('counts from the server clock when the phone clock is %s', (_label, skew) => {
    const time = new ManualTime(SERVER_NOW + skew);
    const c = new Countdown({ deadline: DEADLINE, serverNow: '2024-05-01T01:00:00.000Z', clock: time.clock, timers: time });
    expect(c.remainingMs()).toBe(600_000);
    expect(c.seconds).toBe(600);
    expect(c.offsetMs + skew).toBe(0);
    expect(c.serverNow()).toBe(SERVER_NOW);
  });

  it('takes the offset at receipt: later device time moves it down', async () => {
    const time = new ManualTime(1_000);
    const c = new Countdown({ deadline: DEADLINE, serverNow: SERVER_NOW, clock: time.clock, timers: time }).start();
    await time.advance(61_000);
    expect(c.seconds).toBe(539);
    expect(c.remainingMs()).toBe(539_000);
    c.stop();
  });

  it('accepts an offset measured earlier (resume from device storage)', () => {
    const time = new ManualTime(10);
    const c = new Countdown({ deadline: DEADLINE, offsetMs: SERVER_NOW + 30_000 - 10, clock: time.clock, timers: time });
    expect(c.seconds).toBe(570);
  });

  it('rounds partial seconds up so 0 means time is really up', async () => {
    const time = new ManualTime(0);
    const c = new Countdown({ deadline: 1_500, serverNow: 0, clock: time.clock, timers: time }).start();
    expect(c.seconds).toBe(2);
    await time.advance(600);
    expect(c.seconds).toBe(1);
    expect(c.expired).toBe(false);
    await time.advance(900);
    expect(c.seconds).toBe(0);
    expect(c.expired).toBe(true);
  });

  it('fires onExpire once, then stops its timer', async () => {
    const time = new ManualTime(0);
    const onExpire = vi.fn();
    const c = new Countdown({ deadline: 2_000, serverNow: 0, clock: time.clock, timers: time, onExpire }).start();
    expect(time.pendingCount).toBe(1);
    await time.advance(5_000);
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(time.pendingCount).toBe(0);
    c.start();
    c.tick();
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('fires at once when the deadline has already passed (expired attempt reopened)', () => {
    const time = new ManualTime(0);
    const onExpire = vi.fn();
    new Countdown({ deadline: DEADLINE, serverNow: '2024-05-01T02:00:00.000Z', clock: time.clock, timers: time, onExpire }).start();
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(time.pendingCount).toBe(0);
  });

  it('start() is idempotent and stop() clears the interval', () => {
    const time = new ManualTime(0);
    const c = new Countdown({ deadline: 60_000, serverNow: 0, clock: time.clock, timers: time });
    c.start();
    c.start();
    expect(time.pendingCount).toBe(1);
    c.stop();
    expect(time.pendingCount).toBe(0);
  });

  it('treats an unreadable deadline as expired instead of NaN', () => {
    const time = new ManualTime(0);
    const c = new Countdown({ deadline: 'not a date', serverNow: 0, clock: time.clock, timers: time });
    expect(c.remainingMs()).toBe(0);
    expect(c.expired).toBe(true);
  });
});

describe('formatClock', () => {
  it.each([
    [0, '0:00'],
    [999, '0:01'],
    [75_000, '1:15'],
    [600_000, '10:00'],
    [3_725_000, '1:02:05'],
    [-5, '0:00'],
  ])('%d ms -> %s', (ms, want) => {
    expect(formatClock(ms)).toBe(want);
  });
});
