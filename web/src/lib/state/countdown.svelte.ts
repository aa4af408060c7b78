/// <reference types="svelte" />
// Time left until a server deadline, on the server's clock: the offset between the
// server's "now" and the device clock is taken when the answer arrives, so a phone
// whose clock is hours off still counts down correctly.

export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
}

export interface CountdownOptions {
  deadline: string | number;
  /** The server's "now" from the same answer; read at construction time (receipt). */
  serverNow?: string | number;
  /** Or an offset measured earlier (server time minus device time). */
  offsetMs?: number;
  clock?: () => number;
  timers?: IntervalTimers;
  tickMs?: number;
  onExpire?: () => void;
}

const toMs = (v: string | number) => (typeof v === 'number' ? v : Date.parse(v));

const defaultTimers: IntervalTimers = {
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (id) => globalThis.clearInterval(id as ReturnType<typeof setInterval>),
};

export class Countdown {
  readonly #deadline: number;
  readonly #offset: number;
  readonly #clock: () => number;
  readonly #timers: IntervalTimers;
  readonly #tickMs: number;
  readonly #onExpire: (() => void) | undefined;
  #timer: unknown;
  #fired = false;
  /** Whole seconds left, rounded up: the only reactive value, so the page redraws once a second. */
  #seconds = $state(0);

  constructor(o: CountdownOptions) {
    this.#clock = o.clock ?? (() => Date.now());
    this.#deadline = toMs(o.deadline);
    this.#offset = o.offsetMs ?? (o.serverNow !== undefined ? toMs(o.serverNow) - this.#clock() : 0);
    this.#timers = o.timers ?? defaultTimers;
    this.#tickMs = o.tickMs ?? 250;
    this.#onExpire = o.onExpire;
    this.#seconds = Math.ceil(this.remainingMs() / 1000);
  }

  get offsetMs(): number {
    return this.#offset;
  }
  get seconds(): number {
    return this.#seconds;
  }
  get expired(): boolean {
    return this.#seconds <= 0;
  }

  serverNow(): number {
    return this.#clock() + this.#offset;
  }

  remainingMs(): number {
    const left = this.#deadline - this.serverNow();
    return Number.isFinite(left) ? Math.max(0, left) : 0;
  }

  /** Starts ticking (idempotent); fires onExpire once when time is up, then stops. */
  start(): this {
    if (this.#timer === undefined && !this.#fired) {
      this.#timer = this.#timers.setInterval(() => this.tick(), this.#tickMs);
      this.tick();
    }
    return this;
  }

  tick(): void {
    this.#seconds = Math.ceil(this.remainingMs() / 1000);
    if (this.#seconds <= 0 && !this.#fired) {
      this.#fired = true;
      this.stop();
      this.#onExpire?.();
    }
  }

  stop(): void {
    if (this.#timer !== undefined) this.#timers.clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** 75_000 -> "1:15", 3_725_000 -> "1:02:05". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
