// The console's view of a background job: polled until it ends, found again after a reload.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/lib/api/client.ts';
import { JobTracker } from '../../../web/src/lib/staff/job.svelte.ts';
import type { Job } from '../../../web/src/lib/staff/types.ts';
import { ManualTime, MemoryStore, settle } from './fakes.ts';

const job = (status: Job['status'], done: number, extra: Partial<Job> = {}): Job => ({
  id: 'j1',
  kind: 'export',
  contestId: 'c1',
  status,
  progress: { done, total: 4 },
  createdAt: '2026-12-03T10:00:00.000Z',
  ...extra,
});

function setup(answers: (Job | Error)[]) {
  const time = new ManualTime(0);
  const storage = new MemoryStore();
  const reads: string[] = [];
  const read = async (id: string) => {
    reads.push(id);
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  };
  const make = () => new JobTracker('export.c1', { read, storage, setTimer: (fn, ms) => time.setTimeout(fn, ms), clearTimer: (h) => time.clearTimeout(h), intervalMs: 1000 });
  return { time, storage, reads, make };
}

describe('JobTracker', () => {
  it('polls a started job every second until it ends, with its progress, then offers the link once', async () => {
    const { time, reads, make } = setup([job('running', 2), job('succeeded', 4, { result: { url: 'https://x/f.csv?sig', rows: 3 } })]);
    const tracker = make();
    const ended: Job[] = [];
    tracker.onend = (j) => ended.push(j);
    tracker.follow(job('queued', 0));
    expect(tracker.running).toBe(true);
    expect(tracker.fraction).toBe(0);
    await time.advance(1000);
    expect(tracker.fraction).toBe(0.5);
    expect(tracker.url).toBeUndefined();
    await time.advance(1000);
    expect(tracker.running).toBe(false);
    expect(tracker.url).toBe('https://x/f.csv?sig');
    expect(ended.map((j) => j.status)).toEqual(['succeeded']);
    await time.advance(10_000);
    expect(reads).toEqual(['j1', 'j1']);
  });

  it('after a reload, a new tracker finds the job id and polls on', async () => {
    const first = setup([]);
    first.make().follow(job('running', 1));
    const answers = [job('running', 3), job('failed', 3, { error: { code: 'INTERNAL', message: 'x' } })];
    const time = new ManualTime(0);
    // A new page: nothing in memory, the same storage.
    const tracker = new JobTracker('export.c1', {
      read: async () => answers.shift()!,
      storage: first.storage,
      setTimer: (fn, ms) => time.setTimeout(fn, ms),
      clearTimer: (h) => time.clearTimeout(h),
    });
    const stop = tracker.resume();
    await settle();
    expect(tracker.fraction).toBe(0.75);
    await time.advance(1000);
    expect(tracker.job?.status).toBe('failed');
    expect(tracker.running).toBe(false);
    stop();
  });

  it('forgets a job it may not read (403) or that is gone (404); keeps polling through a network error', async () => {
    const { time, storage, make } = setup([new ApiError(0, 'NETWORK', 'offline'), job('running', 1), new ApiError(404, 'NOT_FOUND', 'gone')]);
    storage.setItem('cuoc-thi.job.export.c1', 'j1');
    const tracker = make();
    tracker.resume();
    await settle();
    expect(tracker.error).toBeInstanceOf(ApiError);
    await time.advance(1000);
    expect(tracker.running).toBe(true);
    await time.advance(1000);
    expect(tracker.job).toBeUndefined();
    expect(storage.getItem('cuoc-thi.job.export.c1')).toBeNull();
  });
});
