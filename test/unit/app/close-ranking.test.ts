// Issue 12: the final ranking of a close is written partition by partition (app/final-ranking.ts):
// count, a sorted run per people partition staged under the job, a k-way merge into the final pages.
// Killed after any step (its output written, its checkpoint not), the contest close, the round close
// and the close of a contest with rounds write exactly the pages of the former in-memory sort of
// everyone (standings.ts rows() over every scored person, in pages of 100), ties and the
// prediction's distance to the total included. The export of a ranking not final yet is ranked by
// the same steps into the export job's own row pages: its file holds exactly the rows GET results
// ranks in memory (the live rule, or the final one once the window is over), crash or not.
import { describe, expect, it } from 'vitest';
import { PEOPLE_SHARDS, shardOf } from '../../../functions/adapters/dynamodb/keys.ts';
import { EXPORT_KIND, exportJobKind } from '../../../functions/adapters/export/job.ts';
import { CLOSE_KIND, closeJobKind } from '../../../functions/app/close-job.ts';
import type { ContestRecord, FinalRow, PersonBestRecord } from '../../../functions/app/contest-ports.ts';
import { finalRanking } from '../../../functions/app/final-ranking.ts';
import type { JobRecord } from '../../../functions/app/job-ports.ts';
import type { JobKind } from '../../../functions/app/jobs.ts';
import { CLOSE_ROUND_KIND, roundCloseJobKind } from '../../../functions/app/round-close-job.ts';
import { roundUseCases } from '../../../functions/app/rounds.ts';
import { rows } from '../../../functions/app/standings.ts';
import { FINAL_PAGE_ROWS, finalKey, type FakeSystem, type StoredPerson } from '../../factories/fakes.ts';
import { openContest, phoneOf, system } from './helpers.ts';

const PEOPLE = 250;
const day = (d: number) => `2024-06-${String(d).padStart(2, '0')}T00:00:00.000Z`;
/** Round 1 has ended (not final yet), round 2 is open at the fake clock's 06-10, round 3 is to come. */
const ROUNDS = [
  { name: 'Tuần 1', startsAt: day(1), endsAt: day(5) },
  { name: 'Tuần 2', startsAt: day(6), endsAt: day(12) },
  { name: 'Tuần 3', startsAt: day(13), endsAt: day(20) },
];

/**
 * A best with many ties: 4 correct counts, 3 durations, 2 submission times (so full ties, which
 * the phone settles), predictions around the participant count and some missing.
 */
function best(i: number, salt: number): PersonBestRecord {
  return {
    attemptId: `a-${salt}-${i}`,
    correctCount: (i * 7 + salt) % 4,
    durationMs: 60_000 + 1000 * ((i + salt) % 3),
    submittedAt: (i + salt) % 2 ? '2024-06-08T01:00:00.000Z' : '2024-06-08T02:00:00.000Z',
    prediction: i % 9 === 0 ? null : 150 + ((i * 13 + salt) % 120),
  };
}

function person(contestId: string, i: number, scored: boolean, rounds?: StoredPerson['rounds']): StoredPerson {
  return {
    contestId,
    phone: phoneOf(i),
    fullName: `Người ${i}`,
    attemptsUsed: 2,
    scoredAttempts: scored ? 1 + (i % 2) : 0,
    unitId: i % 2 ? 'u-nd' : 'u-pn',
    village: i % 5 ? `Thôn ${1 + (i % 3)}` : null,
    ...(scored ? { best: best(i, 0), firstScoredAt: '2024-06-08T01:00:00.000Z' } : {}),
    version: 3,
    scored,
    attemptIds: [],
    scoredIds: [],
    ...(rounds ? { rounds } : {}),
  };
}

/**
 * A contest being closed with PEOPLE scored people (plus 20 who never finished) spread over the 16
 * partitions; with `withRounds`, people scored in round 1, round 2 or both.
 */
async function closing(withRounds = false) {
  const sys = system();
  const created = await openContest(sys, { prediction: { prompt: 'Bao nhiêu người dự thi?' } });
  for (let i = 0; i < PEOPLE + 20; i++) {
    const view = (salt: number) => ({ attemptsUsed: 1, scoredAttempts: 1, best: best(i, salt) });
    const rounds = withRounds ? { ...(i % 3 !== 2 ? { '1': view(1) } : {}), ...(i % 3 !== 0 ? { '2': view(2) } : {}) } : undefined;
    const p = person(created.id, i, i < PEOPLE, i < PEOPLE ? rounds : undefined);
    sys.data.people.set(`${created.id}#${p.phone}`, p);
  }
  const stored = sys.contests.stored(created.id)!;
  await sys.contests.replace({ ...stored, ...(withRounds ? { rounds: ROUNDS } : {}), status: 'closed', closedAt: sys.clock.iso(), closeJobId: 'job-1', version: stored.version + 1 });
  return { sys, contestId: created.id };
}

/** Small run pages read two at a time and one final page per merge step: cursors cross reads and steps stop mid-page. */
function kinds(sys: FakeSystem) {
  const ranking = finalRanking({ standings: sys.standings, jobs: sys.jobs, partitions: PEOPLE_SHARDS, rowsPerPage: FINAL_PAGE_ROWS, runPageRows: 4, runPagesPerRead: 2, pagesPerStep: 1 });
  const rounds = roundUseCases({ contests: sys.contests, attempts: sys.attemptCases, contestCases: sys.contestCases, now: sys.clock.now });
  const common = { contests: sys.contests, attempts: sys.attemptCases, ranking, rounds, now: sys.clock.now, sleep: async () => {}, partitions: PEOPLE_SHARDS };
  return {
    [CLOSE_KIND]: closeJobKind({ ...common, contestCases: sys.contestCases }),
    [CLOSE_ROUND_KIND]: roundCloseJobKind(common),
  };
}

/** Runs a job's steps to the end; `crashAt` redoes that step from its old checkpoint (output written, checkpoint lost). */
async function runAll(kind: JobKind, base: Omit<JobRecord, 'state' | 'progress'>, crashAt = -1) {
  let state: Record<string, unknown> = {};
  let progress = { done: 0, total: kind.total(base.params) };
  const seen: { done: number; total: number }[] = [];
  for (let n = 0; n < 200; n++) {
    const out = await kind.step({ ...base, state, progress });
    if (n === crashAt) continue;
    progress = { done: out.done, total: out.total ?? progress.total };
    seen.push(progress);
    if (out.result) return { steps: n + 1, result: out.result, seen };
    state = out.state;
  }
  throw new Error('the job did not end');
}

const job = (kind: string, contestId: string, params: Record<string, unknown> = {}) => ({
  id: 'job-1', kind, contestId, owner: 'staff', status: 'running' as const, createdAt: '2024-06-10T03:00:00.000Z', params, failures: 0, version: 1,
});

/** The ranking as the in-memory close wrote it: every scored person sorted at once, in pages of 100. */
async function inMemory(sys: FakeSystem, contest: ContestRecord, roundNo?: number): Promise<FinalRow[][]> {
  const people = await sys.standings.allScored(contest.id, roundNo);
  const all = rows(people, contest, people.length, true);
  const pages: FinalRow[][] = [];
  for (let i = 0; i < all.length || i === 0; i += FINAL_PAGE_ROWS) pages.push(all.slice(i, i + FINAL_PAGE_ROWS));
  return pages;
}

describe('the final ranking of a close, partition by partition', () => {
  it('the contest close writes the pages of the in-memory sort; killed after any step, the same pages', async () => {
    const { sys, contestId } = await closing();
    const contest = sys.contests.stored(contestId)!;
    const expected = await inMemory(sys, contest);
    expect(expected.map((p) => p.length)).toEqual([100, 100, 50]);
    // Every partition holds people, and the total matters: against another count the order differs.
    expect(new Set(expected.flat().map((r) => shardOf(r.phone, PEOPLE_SHARDS))).size).toBe(PEOPLE_SHARDS);
    expect(rows(await sys.standings.allScored(contestId), contest, PEOPLE - 30, true).map((r) => r.phone)).not.toEqual(expected.flat().map((r) => r.phone));

    const straight = await runAll(kinds(sys)[CLOSE_KIND], job(CLOSE_KIND, contestId));
    expect(sys.data.finalPages.get(contestId)).toEqual(expected);
    expect(straight.result).toEqual({ participants: PEOPLE });
    expect(sys.contests.stored(contestId)).toMatchObject({ finalParticipants: PEOPLE, finalizedAt: expect.any(String) });
    // wait 1, finalize 16, count 1, runs 16, merge 3 (one page a step), finish 1; progress never goes back.
    expect(straight.steps).toBe(38);
    expect(straight.seen.at(-1)).toEqual({ done: 38, total: 38 });
    for (let i = 1; i < straight.seen.length; i++) expect(straight.seen[i]!.done).toBeGreaterThan(straight.seen[i - 1]!.done);
    expect(straight.seen.every((p) => p.done <= p.total)).toBe(true);

    for (let crashAt = 0; crashAt < straight.steps; crashAt++) {
      const run = await closing();
      await runAll(kinds(run.sys)[CLOSE_KIND], job(CLOSE_KIND, run.contestId), crashAt);
      expect(run.sys.data.finalPages.get(run.contestId), `crash after step ${crashAt}`).toEqual(expected);
      expect(run.sys.contests.stored(run.contestId)!.finalParticipants).toBe(PEOPLE);
    }
  });

  it('a contest nobody finished gets one empty page, as before', async () => {
    const sys = system();
    const created = await openContest(sys, { prediction: { prompt: 'Bao nhiêu người?' } });
    const stored = sys.contests.stored(created.id)!;
    await sys.contests.replace({ ...stored, status: 'closed', closedAt: sys.clock.iso(), closeJobId: 'job-1', version: stored.version + 1 });
    const { result } = await runAll(kinds(sys)[CLOSE_KIND], job(CLOSE_KIND, created.id));
    expect(result).toEqual({ participants: 0 });
    expect(sys.data.finalPages.get(created.id)).toEqual([[]]);
  });

  it('a partition that changed between the count and its run is counted again (the total stays that of the rows)', async () => {
    const { sys, contestId } = await closing();
    const kind = kinds(sys)[CLOSE_KIND];
    const gone = phoneOf(3);
    // Removed right before the first partition's run reads, after the count.
    let steps = 0;
    let state: Record<string, unknown> = {};
    for (; steps < 200; steps++) {
      if ((state.ranking as { phase?: string } | undefined)?.phase === 'run' && !(state.ranking as { shard?: number }).shard) sys.data.people.delete(`${contestId}#${gone}`);
      const out = await kind.step({ ...job(CLOSE_KIND, contestId), state, progress: { done: 0, total: 1 } });
      if (out.result) break;
      state = out.state;
    }
    const contest = sys.contests.stored(contestId)!;
    expect(contest.finalParticipants).toBe(PEOPLE - 1);
    expect(sys.data.finalPages.get(contestId)).toEqual(await inMemory(sys, contest));
  });

  it('the round close writes the round pages of the in-memory sort against the round count; killed after any step, the same', async () => {
    const { sys, contestId } = await closing(true);
    // Round 1 ended on its own: the contest is still open.
    const c = sys.contests.stored(contestId)!;
    await sys.contests.replace({ ...c, status: 'published', closedAt: undefined, closeJobId: undefined, version: c.version + 1 });
    const contest = sys.contests.stored(contestId)!;
    const expected = await inMemory(sys, contest, 1);
    const count = expected.flat().length;
    expect(count).toBeGreaterThan(FINAL_PAGE_ROWS);
    expect(count).toBeLessThan(PEOPLE);

    const straight = await runAll(kinds(sys)[CLOSE_ROUND_KIND], job(CLOSE_ROUND_KIND, contestId, { round: 1 }));
    expect(straight.result).toEqual({ roundId: 'r1', participants: count });
    expect(sys.data.finalPages.get(finalKey(contestId, 1))).toEqual(expected);
    expect(sys.data.finalPages.get(contestId)).toBeUndefined();
    expect(sys.contests.stored(contestId)!.roundState?.['1']).toMatchObject({ finalizedAt: expect.any(String), participants: count });
    expect(straight.seen.at(-1)).toEqual({ done: straight.steps, total: straight.steps });

    for (let crashAt = 0; crashAt < straight.steps; crashAt++) {
      const run = await closing(true);
      const rc = run.sys.contests.stored(run.contestId)!;
      await run.sys.contests.replace({ ...rc, status: 'published', closedAt: undefined, closeJobId: undefined, version: rc.version + 1 });
      await runAll(kinds(run.sys)[CLOSE_ROUND_KIND], job(CLOSE_ROUND_KIND, run.contestId, { round: 1 }), crashAt);
      expect(run.sys.data.finalPages.get(finalKey(run.contestId, 1)), `crash after step ${crashAt}`).toEqual(expected);
      expect(run.sys.contests.stored(run.contestId)!.roundState?.['1']?.participants).toBe(count);
    }
  });

  it('closing a contest with rounds ranks the contest and each held round (not the one never held); killed after any step, the same', async () => {
    const { sys, contestId } = await closing(true);
    const contest = sys.contests.stored(contestId)!;
    const expected = { contest: await inMemory(sys, contest), r1: await inMemory(sys, contest, 1), r2: await inMemory(sys, contest, 2) };
    const counts = { r1: expected.r1.flat().length, r2: expected.r2.flat().length };

    const straight = await runAll(kinds(sys)[CLOSE_KIND], job(CLOSE_KIND, contestId));
    const pagesOf = (s: FakeSystem, id: string) => ({ contest: s.data.finalPages.get(id), r1: s.data.finalPages.get(finalKey(id, 1)), r2: s.data.finalPages.get(finalKey(id, 2)) });
    expect(pagesOf(sys, contestId)).toEqual(expected);
    expect(sys.data.finalPages.has(finalKey(contestId, 3))).toBe(false);
    const after = sys.contests.stored(contestId)!;
    expect(after).toMatchObject({ finalParticipants: PEOPLE, roundState: { '1': { participants: counts.r1 }, '2': { participants: counts.r2 } } });
    expect(straight.seen.at(-1)).toEqual({ done: straight.steps, total: straight.steps });
    for (let i = 1; i < straight.seen.length; i++) expect(straight.seen[i]!.done).toBeGreaterThan(straight.seen[i - 1]!.done);

    for (let crashAt = 0; crashAt < straight.steps; crashAt++) {
      const run = await closing(true);
      const { seen } = await runAll(kinds(run.sys)[CLOSE_KIND], job(CLOSE_KIND, run.contestId), crashAt);
      expect(pagesOf(run.sys, run.contestId), `crash after step ${crashAt}`).toEqual(expected);
      expect(run.sys.contests.stored(run.contestId)).toMatchObject({ finalParticipants: PEOPLE, roundState: { '1': { participants: counts.r1 }, '2': { participants: counts.r2 } } });
      expect(seen.at(-1)).toEqual({ done: straight.steps, total: straight.steps });
    }
  });

  it('a checkpoint from before held rounds had steps of their own (finish, rounds not final) ranks them first', async () => {
    const { sys, contestId } = await closing(true);
    const contest = sys.contests.stored(contestId)!;
    const expected = { r1: await inMemory(sys, contest, 1), r2: await inMemory(sys, contest, 2) };
    const kind = kinds(sys)[CLOSE_KIND];
    let state: Record<string, unknown> = { phase: 'finish', participants: PEOPLE };
    let result: Record<string, unknown> | undefined;
    for (let n = 0; n < 100 && !result; n++) {
      const out = await kind.step({ ...job(CLOSE_KIND, contestId), state, progress: { done: 30, total: 36 } });
      state = out.state;
      result = out.result;
    }
    expect(result).toEqual({ participants: PEOPLE });
    expect({ r1: sys.data.finalPages.get(finalKey(contestId, 1)), r2: sys.data.finalPages.get(finalKey(contestId, 2)) }).toEqual(expected);
    expect(sys.contests.stored(contestId)!.roundState?.['2']?.finalizedAt).toBeDefined();
  });
});

describe('the export of a ranking not final yet, partition by partition', () => {
  function exportKind(sys: FakeSystem) {
    return exportJobKind({
      jobs: sys.jobs,
      files: sys.files,
      contest: (id) => sys.contests.get(id, true),
      finalPages: (id, from, max, roundNo) => sys.standings.finalPages(id, from, max, roundNo),
      liveScope: (id, round) => sys.standingsCases.liveScope(id, round),
      ranking: kindsRanking(sys),
      unitNames: async () => new Map((await sys.units.list()).map((u) => [u.id, u.name])),
      unitRanking: async (id) => (await sys.standingsCases.unitLeaderboard(id)).items,
      now: sys.clock.now,
      partBytes: 4000,
    });
  }
  const kindsRanking = (sys: FakeSystem) => finalRanking({ standings: sys.standings, jobs: sys.jobs, partitions: PEOPLE_SHARDS, rowsPerPage: FINAL_PAGE_ROWS, runPageRows: 4, runPagesPerRead: 2, pagesPerStep: 1 });

  /** The scenarios: an open contest (live rule), a closing one (final rule, not final yet), and with rounds round 1 ended (final rule against its count) or the open round 2 by default. */
  type Case = 'open' | 'closing' | 'round ended' | 'default round';
  async function scenario(which: Case) {
    const { sys, contestId } = await closing(which === 'round ended' || which === 'default round');
    if (which !== 'closing') {
      const c = sys.contests.stored(contestId)!;
      await sys.contests.replace({ ...c, status: 'published', closedAt: undefined, closeJobId: undefined, version: c.version + 1 });
    }
    return { sys, contestId, round: which === 'round ended' ? 'r1' : undefined };
  }

  async function exported(which: Case, format: 'json' | 'csv', crashAt = -1) {
    const { sys, contestId, round } = await scenario(which);
    const out = await runAll(exportKind(sys), job(EXPORT_KIND, contestId, { format, kind: 'results', ...(round ? { round } : {}) }), crashAt);
    return { ...out, sys, contestId, round, file: sys.files.objects.get(String(out.result.key))!.toString() };
  }

  it.each(['open', 'closing', 'round ended', 'default round'] as const)('%s: the rows GET results ranks in memory; killed after any step, the same file', async (which) => {
    const straight = await exported(which, 'json');
    // The in-memory ranking of every scored person, as the export itself ranked it before.
    const inMemory = await straight.sys.standingsCases.results(straight.contestId, straight.round);
    expect(inMemory.final).toBe(false);
    expect(inMemory.items.length).toBeGreaterThan(FINAL_PAGE_ROWS);
    const file = JSON.parse(straight.file);
    expect(file).toEqual({ final: false, participants: inMemory.participants, items: inMemory.items });
    expect(straight.result).toMatchObject({ rows: inMemory.items.length });
    // The rule the window gives: the final one measures predictions (an error on rows that gave one).
    const ranksAsFinal = which === 'closing' || which === 'round ended';
    expect(file.items.some((r: FinalRow) => r.predictionError !== null)).toBe(ranksAsFinal);
    // count 1, runs 16, merge 3 (one page a step), then parts and the completion; progress never goes back.
    expect(straight.seen.slice(0, 20).map((p) => p.done)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (let i = 1; i < straight.seen.length; i++) expect(straight.seen[i]!.done).toBeGreaterThanOrEqual(straight.seen[i - 1]!.done);
    expect(straight.seen.at(-1)).toEqual({ done: straight.seen.at(-1)!.total, total: straight.seen.at(-1)!.total });

    for (let crashAt = 0; crashAt < straight.steps; crashAt++) {
      const run = await exported(which, 'json', crashAt);
      expect(run.file, `crash after step ${crashAt}`).toBe(straight.file);
    }
  });

  it('CSV: killed after any step, the same bytes', async () => {
    const straight = await exported('round ended', 'csv');
    expect(straight.file.split('\n').length).toBeGreaterThan(FINAL_PAGE_ROWS);
    for (let crashAt = 0; crashAt < straight.steps; crashAt++) expect((await exported('round ended', 'csv', crashAt)).file, `crash after step ${crashAt}`).toBe(straight.file);
  });

  it.each(['open', 'closing'] as const)('%s: a person scored between the count and their partition\'s run is in the file, ranked as GET results ranks them after', async (which) => {
    const { sys, contestId } = await scenario(which);
    const kind = exportKind(sys);
    const late = person(contestId, PEOPLE + 40, true);
    const shard = shardOf(late.phone, PEOPLE_SHARDS);
    let state: Record<string, unknown> = {};
    let result: Record<string, unknown> | undefined;
    let progress = { done: 0, total: 3 };
    for (let n = 0; n < 200 && !result; n++) {
      const ranking = state.ranking as { phase?: string; shard?: number } | undefined;
      if (ranking?.phase === 'run' && ranking.shard === shard) sys.data.people.set(`${contestId}#${late.phone}`, late);
      const out = await kind.step({ ...job(EXPORT_KIND, contestId, { format: 'json', kind: 'results' }), state, progress });
      progress = { done: out.done, total: out.total ?? progress.total };
      state = out.state;
      result = out.result;
    }
    const inMemory = await sys.standingsCases.results(contestId);
    expect(inMemory.participants).toBe(PEOPLE + 1);
    expect(JSON.parse(sys.files.objects.get(String(result!.key))!.toString())).toEqual({ final: false, participants: PEOPLE + 1, items: inMemory.items });
  });
});
