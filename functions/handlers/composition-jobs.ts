// Composition root of the background jobs: every job kind by its name, wired to its adapters.
// Adding a kind (docs/jobs.md): write its JobKind, add it to `kinds` below, start it with
// `jobCases.start(kind, contestId, owner, params)`.
import { jobStore } from '../adapters/dynamodb/jobs.ts';
import { PEOPLE_SHARDS } from '../adapters/dynamodb/keys.ts';
import { contestRepository } from '../adapters/dynamodb/contests.ts';
import { standingsStore } from '../adapters/dynamodb/standings.ts';
import { unitRepository } from '../adapters/dynamodb/units.ts';
import { EXPORT_KIND, exportJobKind } from '../adapters/export/job.ts';
import { newId } from '../adapters/ids.ts';
import { jobQueue } from '../adapters/jobs/queue.ts';
import { s3FileStore } from '../adapters/storage/s3.ts';
import { CLOSE_KIND, closeJobKind, startClose } from '../app/close-job.ts';
import { jobUseCases, type JobKind } from '../app/jobs.ts';
import { PURGE_KIND, purgeJobKind } from '../app/purge-job.ts';
import { attemptCases, contestCases, privacyCases, roundCases, standingsCases } from './composition.ts';
import { now } from './composition-contests.ts';

const number = (v: string | undefined) => (v && Number.isFinite(Number(v)) ? Number(v) : undefined);

const kinds: Record<string, JobKind> = {
  [CLOSE_KIND]: closeJobKind({ contests: contestRepository, contestCases, attempts: attemptCases, standings: standingsStore, now, partitions: PEOPLE_SHARDS, afterClose: (id) => roundCases.afterContestClose(id) }),
  [EXPORT_KIND]: exportJobKind({
    jobs: jobStore,
    files: s3FileStore,
    contest: (id) => contestRepository.get(id, true),
    finalPages: (id, from, max, roundNo) => standingsStore.finalPages(id, from, max, roundNo),
    liveRows: (id, round) => standingsCases.liveRows(id, round),
    unitNames: async () => new Map((await unitRepository.list()).map((u) => [u.id, u.name])),
    unitRanking: async (id) => (await standingsCases.unitLeaderboard(id)).items,
    now,
    // Tests only (local mode): small parts, so a small export has many of them.
    partBytes: number(process.env.EXPORT_PART_BYTES),
  }),
  [PURGE_KIND]: purgeJobKind({ privacy: privacyCases, partitions: PEOPLE_SHARDS }),
};

export const jobCases = jobUseCases({ jobs: jobStore, queue: jobQueue, kinds, newId, now, pauseMs: number(process.env.JOB_STEP_PAUSE_MS) });

export const closeContest = (contestId: string, owner: string) =>
  startClose({ contests: contestRepository, contestCases, attempts: attemptCases, jobs: jobCases, newId, now }, contestId, owner);
