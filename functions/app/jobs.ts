// Background jobs (docs/jobs.md): closing a contest, exporting results, the retention purge. A job
// is a sequence of small steps; after each, its checkpoint (`state`) is written with a version
// check. A step writes its output before the checkpoint and writes it under keys fixed by the
// checkpoint it started from, so a step redone after a crash writes the same items and parts
// again: nothing twice, nothing missing. Whatever runs jobs (an SQS worker on AWS, the local
// runner) only calls `run(jobId)`, which picks up from the last checkpoint.
import { DomainError, Forbidden, NotFound } from '../domain/errors.ts';
import type { Role } from '../domain/staff.ts';
import type { JobQueue, JobRecord, JobStore } from './job-ports.ts';

/** A step that throws this many times in a row fails the job (a bug or an outage that outlived the retries). */
export const MAX_STEP_FAILURES = 5;

export interface StepOutcome {
  /** The checkpoint the next step starts from. */
  state: Record<string, unknown>;
  /** Steps done so far, and the total when it changed (an export learns its pages). */
  done: number;
  total?: number;
  /** Set on the last step: the job succeeded with this result. */
  result?: Record<string, unknown>;
}

/**
 * One kind of job. Adding one (e.g. `closeRound`): write its `JobKind` (a `step` that reads
 * `job.state`, does one bounded piece of work, and returns the next state), register it under its
 * name in the composition root (handlers/composition-jobs.ts), and start it with `jobs.start`.
 */
export interface JobKind {
  /** Progress total at creation (steps, partitions, pages...). */
  total(params: Record<string, unknown>): number;
  step(job: JobRecord): Promise<StepOutcome>;
  /** The result as the API shows it (an export signs a fresh link each time it is read). */
  present?(job: JobRecord): Promise<Record<string, unknown>>;
  /** Clean-up once the job failed for good. */
  failed?(job: JobRecord): Promise<void>;
}

export interface JobDeps {
  jobs: JobStore;
  queue: JobQueue;
  kinds: Record<string, JobKind>;
  newId: (length?: number) => string;
  now: () => Date;
  /** Pause between steps (local mode's JOB_STEP_PAUSE_MS, so tests can kill a process mid-job). */
  pauseMs?: number;
  /** The kinds whose steps pause (JOB_STEP_PAUSE_KINDS); every kind when omitted. */
  pauseKinds?: readonly string[];
  sleep?: (ms: number) => Promise<void>;
}

export interface StaffRef {
  userId: string;
  roles: readonly Role[];
}

export type JobView = {
  id: string;
  kind: string;
  contestId: string;
  status: JobRecord['status'];
  progress: { done: number; total: number };
  createdAt: string;
  finishedAt?: string;
  error?: { code: string; message: string };
  result?: Record<string, unknown>;
};

const ended = (job: JobRecord) => job.status === 'succeeded' || job.status === 'failed';

export function jobUseCases(deps: JobDeps) {
  const { jobs, queue, kinds, newId, now } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  function kindOf(job: JobRecord): JobKind {
    const kind = kinds[job.kind];
    if (!kind) throw new Error(`Unknown job kind ${job.kind}`);
    return kind;
  }

  async function view(job: JobRecord): Promise<JobView> {
    const kind = kinds[job.kind];
    const result = job.status === 'succeeded' && job.result ? (kind?.present ? await kind.present(job) : job.result) : undefined;
    return {
      id: job.id,
      kind: job.kind,
      contestId: job.contestId,
      status: job.status,
      progress: job.progress,
      createdAt: job.createdAt,
      ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
      ...(job.error ? { error: job.error } : {}),
      ...(result ? { result } : {}),
    };
  }

  /** Writes `next` over `job`; false when another runner moved it first. */
  const save = (next: JobRecord) => jobs.replace({ ...next, version: next.version + 1 });

  return {
    view,

    /**
     * Creates a queued job and hands it to the runner. With `id` (a close, a purge), a job that
     * already exists under it is returned instead: starting twice is one job.
     */
    async start(kind: string, contestId: string, owner: string, params: Record<string, unknown> = {}, id?: string): Promise<JobRecord> {
      const def = kinds[kind];
      if (!def) throw new Error(`Unknown job kind ${kind}`);
      const job: JobRecord = {
        id: id ?? newId(16),
        kind,
        contestId,
        owner,
        status: 'queued',
        progress: { done: 0, total: def.total(params) },
        createdAt: now().toISOString(),
        params,
        state: {},
        failures: 0,
        version: 1,
      };
      if (!(await jobs.create(job))) {
        const existing = await jobs.get(job.id);
        if (!existing) throw new Error(`Job ${job.id} could not be created`);
        if (!ended(existing)) await queue.enqueue(existing.id);
        return existing;
      }
      await queue.enqueue(job.id);
      return job;
    },

    /** The job for a staff member: its starter and admins only (403 for other staff). */
    async get(jobId: string, staff: StaffRef): Promise<JobView> {
      const job = await jobs.get(jobId);
      if (!job) throw new NotFound('Job', jobId);
      if (!staff.roles.includes('admin') && job.owner !== staff.userId) throw new Forbidden('Only the staff member who started this job, or an admin, may read it');
      return view(job);
    },

    load: (jobId: string) => jobs.get(jobId),

    /**
     * Runs the job's steps from its checkpoint until it ends or `shouldYield()` says to stop (a
     * Lambda near its timeout: the caller enqueues it again). A domain error fails the job; any
     * other error is thrown for the caller to retry, until MAX_STEP_FAILURES in a row.
     */
    async run(jobId: string, options: { shouldYield?: () => boolean } = {}): Promise<JobRecord | undefined> {
      for (;;) {
        let job = await jobs.get(jobId);
        if (!job) return undefined;
        if (ended(job)) {
          // Its active marker may have outlived it (a crash between the two writes).
          await jobs.dropActive(job.id);
          return job;
        }
        if (job.status === 'queued') {
          const running: JobRecord = { ...job, status: 'running', startedAt: now().toISOString() };
          if (!(await save(running))) continue;
          job = { ...running, version: running.version + 1 };
        }
        const kind = kindOf(job);
        let next: JobRecord;
        try {
          const out = await kind.step(job);
          next = {
            ...job,
            state: out.state,
            failures: 0,
            progress: { done: out.done, total: out.total ?? job.progress.total },
            ...(out.result ? { status: 'succeeded' as const, result: out.result, finishedAt: now().toISOString() } : {}),
          };
        } catch (error) {
          const failures = job.failures + 1;
          const final = error instanceof DomainError || failures >= MAX_STEP_FAILURES;
          const failed: JobRecord = final
            ? {
                ...job,
                failures,
                status: 'failed',
                finishedAt: now().toISOString(),
                error: error instanceof DomainError ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: 'The job stopped on an unexpected error' },
              }
            : { ...job, failures };
          await save(failed);
          if (!final) throw error;
          await kind.failed?.(failed).catch(() => undefined);
          return failed;
        }
        if (!(await save(next))) continue;
        if (ended(next)) return { ...next, version: next.version + 1 };
        if (options.shouldYield?.()) return { ...next, version: next.version + 1 };
        if (deps.pauseMs && (!deps.pauseKinds || deps.pauseKinds.includes(job.kind))) await sleep(deps.pauseMs);
      }
    },
  };
}

export type JobUseCases = ReturnType<typeof jobUseCases>;
