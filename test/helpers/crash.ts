// Crash rounds (issues 3 and 7): a load of starts, saves and submits against the real local mode,
// kill -9 of the whole stack (server, DynamoDB Local, cognito-local) at a seeded random moment, a
// restart on the same data directory, then a check of everything acknowledged so far.
//
// Rounds chain through a `CrashSession`: the restarted server of round r carries the load of round
// r + 1 on the same data, so the checks of each round cover what was acknowledged in every round
// before it. Nothing here throws on a failed check: each round returns its figures and the list of
// what went wrong, for the test (vitest) and `bench/crash.ts` (tsx) alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { apiClient, type ApiResponse } from './api.ts';
import { attemptApi, createOpenContest, createUnit, mapLimit, resultPages, sleep, startAttempt, type AnswerKey, type PublicQuestion } from './contest.ts';
import { ADMIN, startServer, type LocalServer } from './server.ts';
import { seededRng } from '../../functions/domain/random.ts';

const QUESTIONS = 3;
/** Saves per attempt, one question each, so a save cut in flight cannot hide an acknowledged one. */
const SAVES = 2;
/** The load must never meet the per-address start limit: every request comes from 127.0.0.1. */
const SERVER_ENV = { START_RATE_PER_MINUTE: '1000000' };


/** The seed of round `round` (0-based) of a run seeded with `base`. */
export const roundSeed = (base: number, round: number) => (Math.imul((base >>> 0) ^ 0x5bd1e995, 1) + Math.imul(round + 1, 0x9e3779b9)) >>> 0;

export interface TrackedAttempt {
  round: number;
  attemptId: string;
  token: string;
  phone: string;
  questions: PublicQuestion[];
  /** Answers whose save got a 2xx. */
  acked: Record<string, string[]>;
  /** The result: acknowledged by a 2xx submit, or read back after a restart for a submit cut in flight. */
  result?: any;
  /** True when `result` came from a 2xx submit (false: an in-flight submit that turned out to have landed). */
  resultAcked?: boolean;
  saveCut?: boolean;
  submitCut?: boolean;
}

/** What the stack has acknowledged so far, across rounds. */
export interface CrashLedger {
  contestId: string;
  key: AnswerKey;
  unitIds: string[];
  attempts: TrackedAttempt[];
  nextPerson: number;
  rounds: number;
}

export interface CrashSession {
  dataDir: string;
  server: LocalServer;
  ledger: CrashLedger;
  /** Stops the live server and removes the data directory if the session created it. */
  close(): Promise<void>;
}

export interface CrashRoundOptions {
  /** Carry on from a previous round (same data directory, same ledger); omit for the first round. */
  session?: CrashSession;
  /** Data directory of the first round (kept); a fresh temporary one (removed on close) when omitted. */
  dataDir?: string;
  seed: number;
  /** Kill this many ms after the load starts; default: seeded, uniform in [minKillMs, maxKillMs). */
  killAfterMs?: number;
  /** Kill once this many operations (starts + saves + submits) got a 2xx, instead of after a delay. */
  killAfterAcks?: number;
  minKillMs?: number;
  maxKillMs?: number;
  workers?: number;
  log?: (line: string) => void;
}

export interface AggregateCheck {
  ok: boolean;
  problems: string[];
  /** Distinct people with a submission that landed, and those submissions (after the carry-on submits). */
  participants: number;
  submissions: number;
}

export interface CrashRoundResult {
  round: number;
  seed: number;
  /** How the kill moment was chosen, e.g. "7412 ms" or "40 acks". */
  killPlan: string;
  /** When the kill happened, ms after the load started, and what was in flight then. */
  killedAtMs: number;
  inFlightAtKill: { starts: number; saves: number; submits: number };
  /** Acknowledged (2xx) during this round's load. */
  ackedStarts: number;
  ackedSaves: number;
  ackedSubmits: number;
  /** Operations cut by the kill: sent, no answer; they may or may not have landed. */
  unknown: number;
  unknownDetail: { starts: number; saves: number; submits: number; submitsLanded: number };
  /** Acknowledged writes (of any round so far) missing or changed after the restart: must be 0. */
  lost: number;
  lostDetail: string[];
  /** Anything else wrong: errors before the kill, wrong scores, state nobody asked for. */
  problems: string[];
  aggregates: AggregateCheck;
  /** Open attempts submitted on the restarted server after the checks (acknowledged, then re-checked). */
  carriedOn: number;
  /** Everything acknowledged and checked so far, all rounds. */
  totals: { attempts: number; ackedSaves: number; ackedSubmits: number };
  restartMs: number;
  session: CrashSession;
}

async function login(server: LocalServer) {
  const api = apiClient(server.baseUrl);
  return { api, token: await api.login(ADMIN.email, ADMIN.password) };
}

async function openSession(dataDir: string | undefined): Promise<CrashSession> {
  const owned = dataDir === undefined;
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'cuoc-thi-crash-'));
  const server = await startServer({ seedDemo: false, dataDir: dir, env: SERVER_ENV });
  const { api, token } = await login(server);
  const unitIds = [await createUnit(api, token, 'Hội Nông dân xã', 300), await createUnit(api, token, 'Hội Liên hiệp Phụ nữ xã', 200)];
  // An hour for every attempt too, so no deadline passes during a long run of rounds.
  const contest = await createOpenContest(api, token, {
    unitIds,
    bank: 6,
    questionsPerAttempt: QUESTIONS,
    maxAttempts: 2,
    timeLimitSec: 3600,
    villages: ['Thôn Long Tro', 'Thôn Kon Hia'],
  });
  const session: CrashSession = {
    dataDir: dir,
    server,
    ledger: { contestId: contest.id, key: contest.key, unitIds, attempts: [], nextPerson: 0, rounds: 0 },
    async close() {
      await session.server.stop();
      if (owned) rmSync(dir, { recursive: true, force: true });
    },
  };
  return session;
}

export async function crashRound(options: CrashRoundOptions): Promise<CrashRoundResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const session = options.session ?? (await openSession(options.dataDir));
  const ledger = session.ledger;
  const round = ledger.rounds++;
  const workers = options.workers ?? 12;
  const random = seededRng(options.seed);
  const minKill = options.minKillMs ?? 2_000;
  const maxKill = options.maxKillMs ?? 12_000;
  const killAfterMs = options.killAfterMs ?? (options.killAfterAcks === undefined ? Math.floor(minKill + random() * (maxKill - minKill)) : undefined);
  const killPlan = killAfterMs !== undefined ? `${killAfterMs} ms` : `${options.killAfterAcks} acks`;
  log(`crash round ${round + 1}: seed ${options.seed}, kill after ${killPlan}`);

  const { api } = await login(session.server);
  const problems: string[] = [];
  const mine: TrackedAttempt[] = [];
  let killed = false;
  const acked = { starts: 0, saves: 0, submits: 0 };
  const inFlight = { starts: 0, saves: 0, submits: 0 };
  const unknown = { starts: 0, saves: 0, submits: 0, submitsLanded: 0 };

  /** A request during the load: its 2xx response, or undefined when it failed or the stack died under it. */
  async function send(kind: keyof typeof inFlight, call: () => Promise<ApiResponse>, what: string): Promise<ApiResponse | undefined> {
    inFlight[kind]++;
    try {
      const res = await call();
      if (res.status < 300) {
        acked[kind]++;
        return res;
      }
      if (!killed) problems.push(`${what}: ${res.status} ${res.text}`);
    } catch (e) {
      if (!killed) problems.push(`${what}: ${(e as Error).message}`);
    } finally {
      inFlight[kind]--;
    }
    if (killed) unknown[kind]++;
    return undefined;
  }

  async function worker(w: number) {
    let lastPhone: string | undefined;
    for (let n = 0; !killed; n++) {
      // Every third attempt is a second attempt of the worker's previous person.
      const phone = n % 3 === 2 && lastPhone ? lastPhone : `09${String(ledger.nextPerson++).padStart(8, '0')}`;
      lastPhone = phone;
      const started = await send(
        'starts',
        // One name per phone: another name on a known phone is a different person (docs/identity.md).
        () => startAttempt(api, ledger.contestId, { fullName: `Người ${phone.slice(-6)}`, phone, unitId: ledger.unitIds[w % 2]!, village: w % 3 ? 'Thôn Long Tro' : null }),
        `start ${phone}`,
      );
      if (!started) return;
      const a: TrackedAttempt = { round, attemptId: started.body.attemptId, token: started.body.attemptToken, phone, questions: started.body.questions, acked: {} };
      mine.push(a);
      ledger.attempts.push(a);
      const call = attemptApi(api, a.attemptId, a.token);
      const right = (w + n) % (QUESTIONS + 1);
      const answers = ledger.key.answers(a.questions, right);
      for (const q of a.questions.slice(0, SAVES)) {
        const saved = await send('saves', () => call.save({ [q.id]: answers[q.id]! }), `save ${a.attemptId}`);
        if (!saved) {
          a.saveCut = killed;
          return;
        }
        a.acked[q.id] = answers[q.id]!;
      }
      // Some people leave their attempt open.
      if (n % 4 === 3) continue;
      const res = await send('submits', () => call.submit({ answers }), `submit ${a.attemptId}`);
      if (!res) {
        a.submitCut = killed;
        return;
      }
      if (res.body.correctCount !== right) problems.push(`submit ${a.attemptId}: correctCount ${res.body.correctCount}, expected ${right}`);
      a.result = res.body;
      a.resultAcked = true;
    }
  }

  const loadStart = Date.now();
  const running = Array.from({ length: workers }, (_, w) => worker(w));
  if (killAfterMs !== undefined) await sleep(killAfterMs);
  else {
    const until = Date.now() + 60_000;
    while (acked.starts + acked.saves + acked.submits < options.killAfterAcks! && Date.now() < until) await sleep(5);
  }
  killed = true;
  const killedAtMs = Date.now() - loadStart;
  const inFlightAtKill = { ...inFlight };
  await session.server.kill9();
  await Promise.all(running);
  log(
    `  killed at ${killedAtMs} ms with ${inFlightAtKill.starts} starts, ${inFlightAtKill.saves} saves, ${inFlightAtKill.submits} submits in flight; acknowledged ${acked.starts} starts, ${acked.saves} saves, ${acked.submits} submits`,
  );

  const restartStart = Date.now();
  session.server = await startServer({ seedDemo: false, dataDir: session.dataDir, env: SERVER_ENV });
  const restartMs = Date.now() - restartStart;
  const { api: api2, token: token2 } = await login(session.server);

  // Every acknowledged start, save and submission of every round is there; unknown outcomes are read back.
  const lostDetail: string[] = [];
  let lost = 0;
  const loseIt = (n: number, what: string) => {
    lost += n;
    lostDetail.push(what);
  };
  // A submit's `rank` and `attemptsLeft` are live (docs/rounds.md): later starts and submits move them.
  const fixed = (result: unknown) => {
    const { rank: _r, attemptsLeft: _a, ...rest } = (result ?? {}) as Record<string, unknown>;
    return rest;
  };
  await mapLimit(ledger.attempts, 8, async (a) => {
    const call = attemptApi(api2, a.attemptId, a.token);
    const state = await call.get();
    if (state.status !== 200) {
      loseIt(1 + Object.keys(a.acked).length + (a.resultAcked ? 1 : 0), `attempt ${a.attemptId} (round ${a.round + 1}): GET ${state.status} ${state.text}`);
      return;
    }
    if (!isDeepStrictEqual(state.body.questions, a.questions)) problems.push(`attempt ${a.attemptId}: questions changed`);
    for (const [q, ids] of Object.entries(a.acked)) {
      if (!isDeepStrictEqual(state.body.savedAnswers?.[q], ids)) loseIt(1, `attempt ${a.attemptId} (round ${a.round + 1}): save of ${q} ${JSON.stringify(ids)} reads ${JSON.stringify(state.body.savedAnswers?.[q])}`);
    }
    if (a.result) {
      if (state.body.status !== 'submitted' || !isDeepStrictEqual(fixed(state.body.result), fixed(a.result))) {
        loseIt(a.resultAcked ? 1 : 0, `attempt ${a.attemptId} (round ${a.round + 1}): submitted ${JSON.stringify(a.result)}, reads ${state.body.status} ${JSON.stringify(state.body.result)}`);
        return;
      }
      const again = await call.submit({});
      if (again.status !== 200 || !isDeepStrictEqual(fixed(again.body), fixed(a.result))) {
        loseIt(a.resultAcked ? 1 : 0, `attempt ${a.attemptId} (round ${a.round + 1}): repeated submit answers ${again.status} ${again.text}`);
      }
    } else if (state.body.status === 'submitted') {
      if (a.submitCut) {
        a.result = state.body.result;
        a.resultAcked = false;
        unknown.submitsLanded++;
      } else problems.push(`attempt ${a.attemptId}: submitted without anyone asking`);
    } else if (state.body.status !== 'open') problems.push(`attempt ${a.attemptId}: status ${state.body.status}`);
  });

  const aggregates = await settledAggregates(api2, token2, ledger);

  // The restarted server carries on: the open attempts can be submitted and are counted once.
  let carriedOn = 0;
  await mapLimit(
    ledger.attempts.filter((a) => !a.result),
    8,
    async (a) => {
      const call = attemptApi(api2, a.attemptId, a.token);
      const state = await call.get();
      if (state.status !== 200 || state.body.status !== 'open') return;
      const res = await call.submit({});
      if (res.status !== 200) {
        problems.push(`carry-on submit ${a.attemptId}: ${res.status} ${res.text}`);
        return;
      }
      // Scored from what was saved: at most the saved answers can be right.
      if (res.body.correctCount > SAVES) problems.push(`carry-on submit ${a.attemptId}: ${res.body.correctCount} right from ${SAVES} saved answers`);
      a.result = res.body;
      a.resultAcked = true;
      carriedOn++;
    },
  );
  const after = await settledAggregates(api2, token2, ledger);
  const checked: AggregateCheck = {
    ok: aggregates.ok && after.ok,
    problems: [...aggregates.problems, ...after.problems.map((p) => `after carry-on: ${p}`)],
    participants: after.participants,
    submissions: after.submissions,
  };

  const totals = {
    attempts: ledger.attempts.length,
    ackedSaves: ledger.attempts.reduce((n, a) => n + Object.keys(a.acked).length, 0),
    ackedSubmits: ledger.attempts.filter((a) => a.resultAcked).length,
  };
  log(
    `  restart ${restartMs} ms; ${unknown.starts + unknown.saves + unknown.submits} cut (${unknown.submitsLanded} cut submits had landed); lost ${lost}; aggregates ${checked.ok ? 'exact' : 'WRONG'} (${checked.participants} people, ${checked.submissions} submissions); ${carriedOn} open attempts submitted after restart; totals ${totals.attempts} attempts, ${totals.ackedSaves} saves, ${totals.ackedSubmits} submits`,
  );
  return {
    round: round + 1,
    seed: options.seed,
    killPlan,
    killedAtMs,
    inFlightAtKill,
    ackedStarts: acked.starts,
    ackedSaves: acked.saves,
    ackedSubmits: acked.submits,
    unknown: unknown.starts + unknown.saves + unknown.submits,
    unknownDetail: unknown,
    lost,
    lostDetail,
    problems,
    aggregates: checked,
    carriedOn,
    totals,
    restartMs,
    session,
  };
}

/** Stats and results against every submission known to have landed (acknowledged, or cut and read back). */
/**
 * The counters follow the table's stream, and a submit cut between its two writes is completed by
 * the stream consumer: both converge within moments of the restart. Exact within 20 s, or the last
 * problems found.
 */
async function settledAggregates(api: ReturnType<typeof apiClient>, token: string, ledger: CrashLedger): Promise<AggregateCheck> {
  const until = Date.now() + 20_000;
  for (;;) {
    const check = await checkAggregates(api, token, ledger);
    if (check.ok || Date.now() > until) return check;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function checkAggregates(api: ReturnType<typeof apiClient>, token: string, ledger: CrashLedger): Promise<AggregateCheck> {
  const problems: string[] = [];
  const check = (what: string, actual: unknown, expected: unknown) => {
    if (!isDeepStrictEqual(actual, expected)) problems.push(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  const landed = ledger.attempts.filter((a) => a.result).map((a) => ({ phone: a.phone, correctCount: a.result.correctCount as number }));
  const phones = new Set(landed.map((l) => l.phone));
  const result = { participants: phones.size, submissions: landed.length };

  const stats = await api.get(`/api/admin/contests/${ledger.contestId}/stats`, token);
  // Pages of 500: three long rounds on a quick machine acknowledge more people than one page holds.
  const results = await resultPages(api, ledger.contestId, token);
  if (stats.status !== 200 || results.failed) {
    problems.push(`stats ${stats.status}, results ${results.failed?.status ?? 200}: ${stats.text.slice(0, 200)} ${results.failed?.text.slice(0, 200) ?? ''}`);
    return { ok: false, problems, ...result };
  }
  check('stats.participants', stats.body.participants, phones.size);
  check('stats.attempts', stats.body.attempts, landed.length);
  check('stats.byUnit participants', stats.body.byUnit.reduce((n: number, u: any) => n + u.participants, 0), phones.size);
  check('results.participants', results.pages.map((p) => p.participants), results.pages.map(() => phones.size));
  check('results rows', results.items.length, phones.size);
  check('results attempts', results.items.reduce((n: number, r: any) => n + r.attempts, 0), landed.length);
  for (const row of results.items) {
    const theirs = landed.filter((l) => l.phone === row.phone);
    check(`results ${row.phone} attempts`, row.attempts, theirs.length);
    check(`results ${row.phone} best`, row.correctCount, theirs.length ? Math.max(...theirs.map((l) => l.correctCount)) : null);
  }
  const histogram = new Map<number, number>();
  for (const row of results.items) histogram.set(row.correctCount, (histogram.get(row.correctCount) ?? 0) + 1);
  check(
    'stats.scoreHistogram',
    stats.body.scoreHistogram,
    [...histogram.entries()].sort(([a], [b]) => a - b).map(([correctCount, people]) => ({ correctCount, people })),
  );
  return { ok: problems.length === 0, problems, ...result };
}
