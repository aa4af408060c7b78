/// <reference types="svelte" />
// Reloads something every few seconds while the page is visible (the live monitor), keeps
// the last good value through a failed reload, and stops when the screen goes away.

export interface PollerDeps {
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
  /** false while the tab is hidden: no requests then, one as soon as it shows again. */
  visible?: () => boolean;
}

export class Poller<T> {
  #value = $state.raw<T | undefined>(undefined);
  #error = $state.raw<unknown>(undefined);
  #loading = $state(false);
  #updatedAt = $state<number | undefined>(undefined);
  #load: (signal: AbortSignal) => Promise<T>;
  #intervalMs: number;
  #timer: unknown;
  #running = false;
  #inFlight: AbortController | undefined;
  #deps: Required<PollerDeps>;

  constructor(load: (signal: AbortSignal) => Promise<T>, intervalMs: number, deps: PollerDeps = {}) {
    this.#load = load;
    this.#intervalMs = intervalMs;
    this.#deps = {
      setTimer: deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms)),
      clearTimer: deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
      now: deps.now ?? Date.now,
      visible: deps.visible ?? (() => typeof document === 'undefined' || document.visibilityState !== 'hidden'),
    };
  }

  get value(): T | undefined {
    return this.#value;
  }
  get error(): unknown {
    return this.#error;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get updatedAt(): number | undefined {
    return this.#updatedAt;
  }
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Loads now and then every interval; returns the cleanup for $effect. */
  start(): () => void {
    this.#running = true;
    void this.refresh();
    const onVisible = () => {
      if (this.#running && this.#deps.visible()) void this.refresh();
    };
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisible);
    return () => {
      this.stop();
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisible);
    };
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#deps.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#inFlight?.abort();
    this.#inFlight = undefined;
    this.#loading = false;
  }

  /** One load now (also the "refresh" button); the next automatic one is counted from its end. */
  async refresh(): Promise<void> {
    if (this.#timer !== undefined) this.#deps.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#inFlight?.abort();
    const controller = new AbortController();
    this.#inFlight = controller;
    this.#loading = true;
    try {
      const value = await this.#load(controller.signal);
      if (controller.signal.aborted) return;
      this.#value = value;
      this.#error = undefined;
      this.#updatedAt = this.#deps.now();
    } catch (err) {
      if (controller.signal.aborted) return;
      this.#error = err;
    } finally {
      if (this.#inFlight === controller) {
        this.#inFlight = undefined;
        this.#loading = false;
        this.#schedule();
      }
    }
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = this.#deps.setTimer(() => {
      this.#timer = undefined;
      if (this.#deps.visible()) void this.refresh();
      else this.#schedule();
    }, this.#intervalMs);
  }
}
