// Test doubles for the web state classes: a manual clock with timers, an in-memory
// store, and an attempt API whose answers each test scripts.
import { ApiError } from '../../../web/src/lib/api/client.ts';
import type { Answers, AttemptResume, AttemptStart, SubmitResult } from '../../../web/src/lib/api/types.ts';
import type { AttemptPort } from '../../../web/src/lib/state/attempt-session.svelte.ts';

export { MemoryStore } from '../../../web/src/lib/state/storage.ts';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
  every?: number;
}

/** Timers driven by advance(); the clock can sit far from the "server" time. */
export class ManualTime {
  now: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(start: number) {
    this.now = start;
  }
  clock = () => this.now;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.#seq;
    this.#pending.push({ id, at: this.now + Math.max(0, ms), fn });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.#pending = this.#pending.filter((p) => p.id !== id);
  };
  setInterval = (fn: () => void, ms: number): unknown => {
    const id = ++this.#seq;
    this.#pending.push({ id, at: this.now + ms, fn, every: ms });
    return id;
  };
  clearInterval = (id: unknown) => this.clearTimeout(id);
  get pendingCount() {
    return this.#pending.length;
  }
  /** Next due time, or undefined. */
  get nextAt(): number | undefined {
    return this.#pending.reduce<number | undefined>((m, p) => (m === undefined || p.at < m ? p.at : m), undefined);
  }

  /** Moves the clock forward, firing what falls due, letting promises settle in between. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const due = this.#pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.now = due.at;
      if (due.every) due.at += due.every;
      else this.#pending = this.#pending.filter((p) => p !== due);
      due.fn();
    }
    this.now = end;
    await settle();
  }
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export const networkError = () => new ApiError(0, 'NETWORK', 'Failed to fetch');
export const serverError = () => new ApiError(503, 'SERVER_ERROR', 'busy');

export function startPayload(over: Partial<AttemptStart> = {}): AttemptStart {
  return {
    attemptId: 'att-1',
    attemptToken: 'tok-1',
    contestId: 'c-1',
    attemptNo: 1,
    fullName: 'Y Thị Lan',
    attemptsLeft: 2,
    startedAt: '2024-05-01T01:00:00.000Z',
    deadline: '2024-05-01T01:10:00.000Z',
    serverNow: '2024-05-01T01:00:00.000Z',
    questions: [
      { id: 'q1', text: 'Một cửa là gì?', multiple: false, options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }] },
      { id: 'q2', text: 'Chọn các dịch vụ công', multiple: true, options: [{ id: 'c', text: 'C' }, { id: 'd', text: 'D' }, { id: 'e', text: 'E' }] },
      { id: 'q3', text: 'Câu ba', multiple: false, options: [{ id: 'f', text: 'F' }, { id: 'g', text: 'G' }] },
    ],
    prediction: { prompt: 'Bao nhiêu người tham gia?' },
    ...over,
  };
}

export function submitResult(over: Partial<SubmitResult> = {}): SubmitResult {
  return {
    attemptId: 'att-1',
    correctCount: 2,
    questionCount: 3,
    durationMs: 65_000,
    submittedAt: '2024-05-01T01:01:05.000Z',
    late: false,
    best: { correctCount: 2, durationMs: 65_000 },
    ...over,
  };
}

type Outcome<T> = T | Error;

/** Scripted API: each call takes the next scripted outcome (the last one repeats). */
export class FakePort implements AttemptPort {
  saves: Answers[] = [];
  saveOpts: ({ keepalive?: boolean } | undefined)[] = [];
  submits: { answers: Answers; prediction?: number }[] = [];
  gets = 0;
  tokens: string[] = [];
  saveScript: Outcome<{ savedAt: string }>[] = [{ savedAt: 'now' }];
  submitScript: Outcome<SubmitResult>[] = [submitResult()];
  getScript: Outcome<AttemptResume>[] = [];

  #take<T>(script: Outcome<T>[]): Promise<T> {
    const next = script.length > 1 ? script.shift()! : script[0]!;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(structuredClone(next));
  }
  get(_id: string, token: string) {
    this.gets++;
    this.tokens.push(token);
    return this.#take(this.getScript);
  }
  save(_id: string, token: string, answers: Answers, opts?: { keepalive?: boolean }) {
    this.tokens.push(token);
    this.saves.push(structuredClone(answers));
    this.saveOpts.push(opts);
    return this.#take(this.saveScript);
  }
  submit(_id: string, token: string, body: { answers: Answers; prediction?: number }) {
    this.tokens.push(token);
    this.submits.push(structuredClone(body));
    return this.#take(this.submitScript);
  }
}
