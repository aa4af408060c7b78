// The local job runner: what the SQS queue and its worker Lambda are on AWS. Jobs run in this
// process, one loop per job, through the very `jobCases.run` the worker calls. At start it resumes
// every job not yet ended (a kill -9 of `npm start` mid-job, then a restart, picks it up from its
// last checkpoint); a step that throws is retried after a pause, as SQS would redeliver it.
import { registerLocalRunner } from '../adapters/jobs/queue.ts';

type Run = (jobId: string) => Promise<{ status: string } | undefined>;

export function startJobRunner(options: { run: Run; active: () => Promise<string[]>; retryMs?: number; log?: (message: string, error?: unknown) => void }) {
  const running = new Map<string, Promise<void>>();
  let stopped = false;
  const log = options.log ?? ((m, e) => console.error(`[local] ${m}`, e ?? ''));

  const kick = (jobId: string) => {
    if (stopped || running.has(jobId)) return;
    const loop = (async () => {
      for (let tryNo = 0; !stopped; tryNo++) {
        try {
          await options.run(jobId);
          return;
        } catch (error) {
          log(`job ${jobId} step failed (try ${tryNo + 1}), retrying`, error);
          await new Promise((r) => setTimeout(r, Math.min(30_000, (options.retryMs ?? 1000) * 2 ** tryNo)));
        }
      }
    })().finally(() => running.delete(jobId));
    running.set(jobId, loop);
  };

  registerLocalRunner(kick);
  void options.active().then((ids) => ids.forEach(kick), (error) => log('could not list the jobs to resume', error));

  return {
    kick,
    /** Stops taking steps; a step in flight finishes (its checkpoint is written) before this resolves. */
    async stop() {
      stopped = true;
      registerLocalRunner(undefined);
      await Promise.allSettled(running.values());
    },
  };
}
