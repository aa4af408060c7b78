/// <reference types="svelte" />
// A background job (close, export) as the console follows it: started, then polled until it ends,
// its id kept in localStorage per contest and purpose, so a page reload finds it and polls on.

import { untrack } from 'svelte';
import type { Job } from './types.ts';

export interface JobDeps {
  /** GET /api/admin/jobs/{id}. */
  read: (jobId: string) => Promise<Job>;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  intervalMs?: number;
}

const ended = (job: Job | undefined) => job?.status === 'succeeded' || job?.status === 'failed';

export class JobTracker {
  #job = $state.raw<Job | undefined>(undefined);
  #error = $state.raw<unknown>(undefined);
  #timer: unknown;
  #stopped = false;
  #polling = false;
  readonly #key: string;
  readonly #deps: Required<Omit<JobDeps, 'storage'>> & { storage: JobDeps['storage'] };
  /** Called once when the job ends (a close reloads its contest). */
  onend: ((job: Job) => void) | undefined;

  constructor(key: string, deps: JobDeps) {
    this.#key = `cuoc-thi.job.${key}`;
    this.#deps = {
      read: deps.read,
      storage: 'storage' in deps ? deps.storage : typeof localStorage === 'undefined' ? undefined : localStorage,
      setTimer: deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms)),
      clearTimer: deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
      intervalMs: deps.intervalMs ?? 1000,
    };
  }

  get job(): Job | undefined {
    return this.#job;
  }
  get error(): unknown {
    return this.#error;
  }
  get running(): boolean {
    return this.#job !== undefined && !ended(this.#job);
  }
  /** Done out of total, 0..1 (0 while the total is unknown). */
  get fraction(): number {
    const p = this.#job?.progress;
    return p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  }
  /** The download link of a finished export. */
  get url(): string | undefined {
    const result = this.#job?.status === 'succeeded' ? (this.#job.result as { url?: unknown } | undefined) : undefined;
    return typeof result?.url === 'string' ? result.url : undefined;
  }

  /** Follows a job just started (the 202 of a close or an export). */
  follow(job: Job): void {
    this.#deps.storage?.setItem(this.#key, job.id);
    this.#set(job);
  }

  /** Picks up the job this page followed before a reload, if any; returns the cleanup for $effect. */
  resume(): () => void {
    // Untracked: an $effect calling this must not re-run (and stop polling) each time the job changes.
    return untrack(() => {
      this.#stopped = false;
      const id = this.#job?.id ?? this.#deps.storage?.getItem(this.#key);
      if (id && (!this.#job || this.running) && this.#timer === undefined && !this.#polling) void this.#poll(id);
      return () => this.stop();
    });
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#deps.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #set(job: Job) {
    const wasRunning = this.running;
    this.#job = job;
    this.#error = undefined;
    if (!ended(job)) this.#schedule(job.id);
    else if (wasRunning) this.onend?.(job);
  }

  #schedule(id: string) {
    if (this.#stopped) return;
    if (this.#timer !== undefined) this.#deps.clearTimer(this.#timer);
    this.#timer = this.#deps.setTimer(() => {
      this.#timer = undefined;
      void this.#poll(id);
    }, this.#deps.intervalMs);
  }

  async #poll(id: string) {
    this.#polling = true;
    try {
      const job = await this.#deps.read(id);
      this.#polling = false;
      this.#set(job);
    } catch (err) {
      this.#polling = false;
      const status = (err as { status?: number }).status;
      // Gone (expired) or not ours: forget it.
      if (status === 404 || status === 403) {
        this.#deps.storage?.removeItem(this.#key);
        this.#job = undefined;
        return;
      }
      this.#error = err;
      this.#schedule(id);
    }
  }
}
