/// <reference types="svelte" />
// One attempt on this device: every change is written to device storage at once, then
// sent to the server in batches (PUT answers) with backoff; submit retries until the
// server answers. Nothing here touches the DOM: the page wires online/offline events.
import { ApiError, retryDelay } from '../api/client.ts';
import type { Answers, AttemptQuestion, AttemptResume, AttemptStart, SubmitResult } from '../api/types.ts';
import { SAVE_BATCH_MS } from './save-cadence.ts';
import { KEYS, readJSON, storedAttemptIds, writeJSON, type KeyValueStore } from './storage.ts';

export interface AttemptPort {
  get(attemptId: string, token: string): Promise<AttemptResume>;
  save(attemptId: string, token: string, answers: Answers, opts?: { keepalive?: boolean }): Promise<{ savedAt: string }>;
  submit(attemptId: string, token: string, body: { answers: Answers; prediction?: number }): Promise<SubmitResult>;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface SessionDeps {
  port: AttemptPort;
  storage: KeyValueStore;
  clock?: () => number;
  timers?: Timers;
  random?: () => number;
  /** Wait this long after a change before sending, so quick taps go in one request. */
  saveDelayMs?: number;
}

export interface Person {
  fullName: string;
  phone: string;
  unitId: string;
  village?: string;
}

type StartInfo = Omit<AttemptStart, 'attemptToken'>;

interface StoredAttempt {
  v: 1;
  contestId: string;
  token: string;
  start: StartInfo;
  /** server time minus device time, measured when the server's answer arrived */
  offsetMs: number;
  answers: Answers;
  dirty: string[];
  prediction: string;
  index: number;
  done: boolean;
  result?: SubmitResult;
  person?: Person;
  contestTitle?: string;
  /** The server refused the submit (its code): nothing left to send. */
  refused?: string;
}

/** active: answering; submitting: waiting for the server; submitted: result known;
 * closed: the server refused the submit (ATTEMPT_CLOSED); lost: the token or attempt is unknown. */
export type SessionStatus = 'active' | 'submitting' | 'submitted' | 'closed' | 'lost';
export type SaveState = 'saved' | 'pending' | 'saving' | 'retrying' | 'failed';

export type Step =
  | { kind: 'question'; index: number; question: AttemptQuestion }
  | { kind: 'prediction' }
  | { kind: 'review' };

const OPEN_STATUSES = new Set(['open', 'active', 'in_progress', 'started']);
/** The batch interval (save-cadence.ts says why it is a minute, and what the cadence costs). */
export { SAVE_BATCH_MS as SAVE_DELAY_MS };
/** The server counts a submit's answers up to this long after the deadline (domain GRACE_MS). */
const SUBMIT_GRACE_MS = 30_000;
const SAVE_BACKOFF = { baseMs: 1000, maxMs: 30_000 };
const SUBMIT_BACKOFF = { baseMs: 1000, maxMs: 15_000 };

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
};

const sameChoice = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((x) => (b ?? []).includes(x));

export function parsePrediction(raw: string): number | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

export class AttemptSession {
  readonly attemptId: string;
  readonly contestId: string;
  readonly person: Person | undefined;
  readonly contestTitle: string | undefined;
  readonly #token: string;
  /** Raw state: replaced whole (a re-read brings the person's attempts left), never mutated. */
  #start: StartInfo = $state.raw(undefined as unknown as StartInfo);
  readonly #deps: Required<Omit<SessionDeps, 'saveDelayMs'>> & { saveDelayMs: number };

  #offsetMs = $state(0);
  #answers = $state<Answers>({});
  #prediction = $state('');
  #index = $state(0);
  #status = $state<SessionStatus>('active');
  #result = $state.raw<SubmitResult | undefined>(undefined);
  #saveState = $state<SaveState>('saved');
  #browserOnline = $state(true);
  #networkDown = $state(false);
  #dirtyCount = $state(0);
  #errorCode = $state<string | undefined>(undefined);

  #dirty = new Set<string>();
  #saveTimer: unknown;
  #saveFailures = 0;
  #inFlight: Promise<void> | undefined;
  #submitting: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #destroyed = false;
  /** Submit was asked for (by the person or the clock); survives a reload. */
  #done = false;

  private constructor(attemptId: string, stored: StoredAttempt, deps: SessionDeps) {
    this.attemptId = attemptId;
    this.contestId = stored.contestId;
    this.person = stored.person;
    this.contestTitle = stored.contestTitle;
    this.#token = stored.token;
    this.#start = stored.start;
    this.#deps = {
      port: deps.port,
      storage: deps.storage,
      clock: deps.clock ?? (() => Date.now()),
      timers: deps.timers ?? defaultTimers,
      random: deps.random ?? Math.random,
      // Answers are on the device at once; the server gets them in batches of up to a minute (one
      // request per batch, not per answer: about 5 for a 6-minute attempt of 20 questions instead of
      // 20), and at once when the page is hidden, the network returns, the review screen is reached
      // or the attempt is submitted (save-cadence.ts).
      saveDelayMs: deps.saveDelayMs ?? SAVE_BATCH_MS,
    };
    this.#offsetMs = stored.offsetMs;
    this.#answers = stored.answers;
    this.#prediction = stored.prediction;
    this.#index = Math.min(Math.max(0, stored.index), this.stepCount - 1);
    for (const q of stored.dirty) this.#dirty.add(q);
    this.#dirtyCount = this.#dirty.size;
    this.#saveState = this.#dirty.size ? 'pending' : 'saved';
    if (stored.result) {
      this.#result = stored.result;
      this.#status = 'submitted';
    }
    this.#done = stored.done;
  }

  /** A fresh attempt from the start response; call it as soon as the response arrives. */
  static begin(
    contestId: string,
    start: AttemptStart,
    person: Person | undefined,
    deps: SessionDeps,
    meta: { contestTitle?: string } = {},
  ): AttemptSession {
    const clock = deps.clock ?? (() => Date.now());
    const { attemptToken, ...info } = start;
    const stored: StoredAttempt = {
      v: 1,
      contestId: start.contestId ?? contestId,
      token: attemptToken,
      start: info,
      offsetMs: Date.parse(start.serverNow) - clock(),
      answers: {},
      dirty: [],
      prediction: '',
      index: 0,
      done: false,
      ...(person ? { person } : {}),
      ...(meta.contestTitle ? { contestTitle: meta.contestTitle } : {}),
    };
    const session = new AttemptSession(start.attemptId, stored, deps);
    session.#persist();
    return session;
  }

  /** The attempt as this device last kept it, or undefined when it was never started here. */
  static restore(attemptId: string, deps: SessionDeps): AttemptSession | undefined {
    const stored = readJSON<StoredAttempt>(deps.storage, KEYS.attempt(attemptId));
    if (!stored || stored.v !== 1 || !stored.token || !stored.start?.questions) return undefined;
    return new AttemptSession(attemptId, stored, deps);
  }

  /** The unfinished attempt of a contest kept on this device, if any. */
  static findUnfinished(storage: KeyValueStore, contestId: string): string | undefined {
    for (const id of storedAttemptIds(storage)) {
      const s = readJSON<StoredAttempt>(storage, KEYS.attempt(id));
      if (s && s.contestId === contestId && !s.done && !s.result) return id;
    }
    return undefined;
  }

  /**
   * A submit made on this device that the server has not answered yet (the browser was closed
   * offline), while the deadline plus grace still lets its answers count: the app opens it to send.
   */
  static findPendingSubmit(storage: KeyValueStore, now: number): string | undefined {
    for (const id of storedAttemptIds(storage)) {
      const s = readJSON<StoredAttempt>(storage, KEYS.attempt(id));
      if (s?.done && !s.result && !s.refused && now + s.offsetMs <= Date.parse(s.start.deadline) + SUBMIT_GRACE_MS) return id;
    }
    return undefined;
  }

  // ---- read side ----
  get questions(): AttemptQuestion[] {
    return this.#start.questions;
  }
  get predictionPrompt(): string | undefined {
    return this.#start.prediction?.prompt || undefined;
  }
  get deadline(): string {
    return this.#start.deadline;
  }
  get offsetMs(): number {
    return this.#offsetMs;
  }
  get attemptNo(): number {
    return this.#start.attemptNo;
  }
  get attemptsLeft(): number {
    return this.#start.attemptsLeft;
  }
  get answers(): Answers {
    return this.#answers;
  }
  get prediction(): string {
    return this.#prediction;
  }
  get index(): number {
    return this.#index;
  }
  get status(): SessionStatus {
    return this.#status;
  }
  get result(): SubmitResult | undefined {
    return this.#result;
  }
  get errorCode(): string | undefined {
    return this.#errorCode;
  }
  get saveState(): SaveState {
    return this.#saveState;
  }
  /** Answers kept on the device but not yet confirmed by the server. */
  get unsavedCount(): number {
    return this.#dirtyCount;
  }
  get offline(): boolean {
    return !this.#browserOnline || this.#networkDown;
  }
  get stepCount(): number {
    return this.questions.length + (this.predictionPrompt ? 1 : 0) + 1;
  }
  get step(): Step {
    const i = this.#index;
    const question = this.questions[i];
    if (question) return { kind: 'question', index: i, question };
    if (this.predictionPrompt && i === this.questions.length) return { kind: 'prediction' };
    return { kind: 'review' };
  }
  get answeredCount(): number {
    return this.questions.filter((q) => this.isAnswered(q.id)).length;
  }
  isAnswered(questionId: string): boolean {
    return (this.#answers[questionId]?.length ?? 0) > 0;
  }
  isChosen(questionId: string, optionId: string): boolean {
    return this.#answers[questionId]?.includes(optionId) ?? false;
  }
  /** Server time now, whatever the phone's clock says. */
  serverNow(): number {
    return this.#deps.clock() + this.#offsetMs;
  }

  // ---- navigation ----
  goTo(index: number): void {
    const last = this.stepCount - 1;
    this.#index = Math.min(Math.max(0, index), last);
    this.#persist();
    // At the review screen (the last) the person is about to submit: the server gets every answer
    // now, so a submit lost on a weak network leaves nothing behind but the press of a button.
    if (index >= last) void this.flush();
  }
  next(): void {
    this.goTo(this.#index + 1);
  }
  prev(): void {
    this.goTo(this.#index - 1);
  }

  // ---- answering ----
  /** Radio: choose this option. Checkbox (multiple): toggle it. */
  choose(questionId: string, optionId: string): void {
    const q = this.questions.find((x) => x.id === questionId);
    if (!q || !q.options.some((o) => o.id === optionId)) return;
    const current = this.#answers[questionId] ?? [];
    let next: string[];
    if (q.multiple) next = current.includes(optionId) ? current.filter((x) => x !== optionId) : [...current, optionId];
    else next = [optionId];
    this.setAnswer(questionId, next);
  }

  setAnswer(questionId: string, optionIds: string[]): void {
    if (this.#status !== 'active') return;
    if (sameChoice(this.#answers[questionId], optionIds)) return;
    this.#answers[questionId] = [...optionIds];
    this.#dirty.add(questionId);
    this.#dirtyCount = this.#dirty.size;
    if (this.#saveState !== 'saving' && this.#saveState !== 'retrying') this.#saveState = 'pending';
    this.#persist();
    // A batch never waits past the attempt's last 5 s: the server has the answers before time is up.
    this.#schedule(Math.min(this.#deps.saveDelayMs, Date.parse(this.deadline) - this.serverNow() - 5_000));
  }

  setPrediction(raw: string): void {
    if (this.#status !== 'active') return;
    this.#prediction = raw;
    this.#persist();
  }

  // ---- network ----
  setOnline(online: boolean): void {
    this.#browserOnline = online;
    if (!online) return;
    // Back online: stop waiting out the backoff.
    this.#saveFailures = 0;
    this.#wake?.();
    if (this.#dirty.size && this.#status === 'active') this.#schedule(0, true);
  }

  /** Send every unsaved answer now. keepalive lets it outlive a closing tab. */
  flush(opts: { keepalive?: boolean } = {}): Promise<void> {
    this.#clearTimer();
    if (this.#inFlight) return this.#inFlight;
    if (this.#status !== 'active' || this.#dirty.size === 0 || this.#destroyed) return Promise.resolve();
    const batch: Answers = {};
    for (const id of this.#dirty) batch[id] = [...(this.#answers[id] ?? [])];
    this.#saveState = 'saving';
    const run = (async () => {
      try {
        await this.#deps.port.save(this.attemptId, this.#token, batch, opts);
        this.#saveFailures = 0;
        this.#networkDown = false;
        for (const [id, sent] of Object.entries(batch)) {
          // Changed again while in flight: it stays dirty for the next batch.
          if (sameChoice(this.#answers[id], sent)) this.#dirty.delete(id);
        }
        this.#dirtyCount = this.#dirty.size;
        this.#saveState = this.#dirty.size ? 'pending' : 'saved';
        this.#persist();
        if (this.#dirty.size) this.#schedule(this.#deps.saveDelayMs);
      } catch (err) {
        this.#onSaveError(err);
      }
    })();
    this.#inFlight = run.finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  #onSaveError(err: unknown): void {
    if (err instanceof ApiError && err.retryable) {
      this.#networkDown = err.isNetwork;
      this.#saveState = 'retrying';
      this.#schedule(retryDelay(err, this.#saveFailures++, SAVE_BACKOFF, this.#deps.random), true);
      return;
    }
    if (err instanceof ApiError && err.code === 'ATTEMPT_CLOSED') {
      // Time is up on the server: get the result (submit is safe to repeat).
      void this.submit();
      return;
    }
    if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) {
      this.#status = 'lost';
      this.#errorCode = err.code;
    }
    // Any other refusal: keep the answers on the device; the submit carries them all.
    this.#saveState = 'failed';
  }

  #schedule(delayMs: number, replace = false): void {
    if (this.#destroyed || this.#status !== 'active') return;
    if (this.#saveTimer !== undefined) {
      if (!replace) return;
      this.#clearTimer();
    }
    this.#saveTimer = this.#deps.timers.setTimeout(() => {
      this.#saveTimer = undefined;
      void this.flush();
    }, delayMs);
  }

  #clearTimer(): void {
    if (this.#saveTimer !== undefined) this.#deps.timers.clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const id = this.#deps.timers.setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        this.#deps.timers.clearTimeout(id);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /**
   * Submit every answer (and the prediction). Retries network failures, 5xx and 429
   * until the server answers: a repeated submit returns the same body by contract.
   */
  submit(): Promise<void> {
    if (this.#submitting) return this.#submitting;
    if (this.#status === 'submitted' || this.#status === 'lost' || this.#destroyed) return Promise.resolve();
    this.#clearTimer();
    this.#status = 'submitting';
    this.#done = true;
    this.#persist();
    const run = async () => {
      for (let attempt = 0; !this.#destroyed; attempt++) {
        const body: { answers: Answers; prediction?: number } = { answers: this.#plainAnswers() };
        const prediction = this.predictionPrompt ? parsePrediction(this.#prediction) : undefined;
        if (prediction !== undefined) body.prediction = prediction;
        try {
          const result = await this.#deps.port.submit(this.attemptId, this.#token, body);
          this.#result = result;
          this.#status = 'submitted';
          this.#networkDown = false;
          this.#dirty.clear();
          this.#dirtyCount = 0;
          this.#saveState = 'saved';
          this.#persist();
          return;
        } catch (err) {
          if (err instanceof ApiError && err.retryable) {
            this.#networkDown = err.isNetwork;
            await this.#sleep(retryDelay(err, attempt, SUBMIT_BACKOFF, this.#deps.random));
            continue;
          }
          this.#errorCode = err instanceof ApiError ? err.code : 'UNKNOWN';
          this.#status = err instanceof ApiError && (err.status === 401 || err.status === 404) ? 'lost' : 'closed';
          this.#persist();
          return;
        }
      }
    };
    this.#submitting = run().finally(() => {
      this.#submitting = undefined;
    });
    return this.#submitting;
  }

  /** After a reload: finish an interrupted submit, or catch up with the server. */
  resume(): Promise<void> {
    if (this.#done && !this.#result) return this.submit();
    return this.refresh();
  }

  /**
   * After a reload: ask the server what it has (new clock offset, saved answers, status).
   * Answers changed on this device and not yet saved win over the server's copy.
   * Offline, this quietly keeps the device copy.
   */
  async refresh(): Promise<void> {
    if (this.#destroyed) return;
    if (this.#status === 'submitted') return this.#refreshResult();
    let r: AttemptResume;
    try {
      r = await this.#deps.port.get(this.attemptId, this.#token);
    } catch (err) {
      if (err instanceof ApiError && err.retryable) {
        this.#networkDown = err.isNetwork;
        return;
      }
      if (err instanceof ApiError && err.code === 'ATTEMPT_CLOSED') return this.submit();
      if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) {
        this.#status = 'lost';
        this.#errorCode = err.code;
      }
      return;
    }
    this.#networkDown = false;
    if (r.serverNow) this.#offsetMs = Date.parse(r.serverNow) - this.#deps.clock();
    for (const [id, saved] of Object.entries(r.savedAnswers ?? {})) {
      if (!this.#dirty.has(id) && Array.isArray(saved)) this.#answers[id] = [...saved];
    }
    if (r.result) {
      // Scored already (on another tab, or by the contest closing): nothing left to send.
      this.#result = r.result;
      this.#status = 'submitted';
      this.#done = true;
      this.#dirty.clear();
      this.#dirtyCount = 0;
      this.#saveState = 'saved';
      this.#persist();
      return;
    }
    this.#persist();
    if (r.status && !OPEN_STATUSES.has(r.status)) return this.submit();
    if (this.#status === 'submitting') return;
    if (this.#dirty.size) void this.flush();
  }

  /**
   * A submitted attempt, read again: the review appears once the contest allows it (after the
   * close), the attempts left follow the person's other attempts. Offline, the kept result stands.
   */
  async #refreshResult(): Promise<void> {
    let r: AttemptResume;
    try {
      r = await this.#deps.port.get(this.attemptId, this.#token);
    } catch {
      return;
    }
    if (!r.result || this.#destroyed) return;
    this.#result = r.result;
    this.#start = { ...this.#start, attemptsLeft: r.attemptsLeft };
    this.#persist();
  }

  /** Stop timers and pending waits; the device copy stays for a later reload. */
  destroy(): void {
    this.#destroyed = true;
    this.#clearTimer();
    this.#wake?.();
  }

  /** A plain copy (answers are string arrays; cheaper than $state.snapshot in the bundle). */
  #plainAnswers(): Answers {
    const out: Answers = {};
    for (const [id, v] of Object.entries(this.#answers)) out[id] = [...v];
    return out;
  }

  #persist(): void {
    const stored: StoredAttempt = {
      v: 1,
      contestId: this.contestId,
      token: this.#token,
      start: this.#start,
      offsetMs: this.#offsetMs,
      answers: this.#plainAnswers(),
      dirty: [...this.#dirty],
      prediction: this.#prediction,
      index: this.#index,
      done: this.#done,
      ...(this.#result ? { result: this.#result } : {}),
      ...(this.person ? { person: this.person } : {}),
      ...(this.contestTitle ? { contestTitle: this.contestTitle } : {}),
      ...(this.#status === 'closed' || this.#status === 'lost' ? { refused: this.#errorCode } : {}),
    };
    writeJSON(this.#deps.storage, KEYS.attempt(this.attemptId), stored);
  }
}
