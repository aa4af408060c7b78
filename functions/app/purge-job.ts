// The retention purge as a job (docs/jobs.md, docs/personal-data.md): one step per people
// partition of the contest, then the final ranking, the contest's mark and the audit entry. The
// daily schedule starts one job per due contest (job id `purge-<contestId>`: a second run of the
// schedule finds the same job) and runs it at once; a purge cut short resumes on the job runner.
import type { JobRecord } from './job-ports.ts';
import type { JobKind, JobUseCases } from './jobs.ts';
import { SYSTEM_ACTOR } from './privacy.ts';
import type { PrivacyUseCases } from './privacy.ts';

export const PURGE_KIND = 'purge';

export const purgeJobId = (contestId: string) => `purge-${contestId}`;

interface PurgeState {
  shard?: number;
  people?: number;
  attempts?: number;
}

export function purgeJobKind(deps: { privacy: PrivacyUseCases; partitions: number }): JobKind {
  const { privacy, partitions } = deps;
  return {
    total: () => partitions + 1,
    async step(job: JobRecord) {
      const state = job.state as PurgeState;
      const shard = state.shard ?? 0;
      const counts = { people: state.people ?? 0, attempts: state.attempts ?? 0 };
      if (shard < partitions) {
        const done = await privacy.purgePartition(job.contestId, shard);
        return { state: { shard: shard + 1, people: counts.people + done.people, attempts: counts.attempts + done.attempts }, done: shard + 1 };
      }
      const at = new Date(String(job.params.at));
      return { state: { ...state }, done: partitions + 1, result: await privacy.finishPurge(job.contestId, at, counts) };
    },
  };
}

/**
 * The daily schedule: a purge job per due contest, each run at once here; one cut short (the
 * invocation ran out of time, a step kept failing) is left to the job runner, which resumes it.
 * Returns the contests purged by this run.
 */
export async function purgeDue(deps: { privacy: PrivacyUseCases; jobs: JobUseCases; shouldYield?: () => boolean }, at: Date) {
  const contests: Record<string, unknown>[] = [];
  for (const contest of await deps.privacy.dueForPurge(at)) {
    const job = await deps.jobs.start(PURGE_KIND, contest.id, SYSTEM_ACTOR.userId, { at: at.toISOString() }, purgeJobId(contest.id));
    const ran = await deps.jobs.run(job.id, { shouldYield: deps.shouldYield });
    if (ran?.status === 'succeeded' && ran.result) contests.push(ran.result);
  }
  return { at: at.toISOString(), contests };
}
