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
import { finalRanking } from '../app/final-ranking.ts';
import { jobUseCases, type JobKind } from '../app/jobs.ts';
import { PURGE_KIND, purgeJobKind } from '../app/purge-job.ts';
import { CLOSE_ROUND_KIND, roundCloseJobKind, startDueRoundCloses, startRoundClose } from '../app/round-close-job.ts';
import { shownFinal, type RerankStarter } from '../app/privacy.ts';
import { RERANK_KIND, rerankJobKind } from '../app/rerank-job.ts';
import { personDataStore } from '../adapters/dynamodb/privacy.ts';
import { FINAL_PAGE_ROWS } from '../adapters/dynamodb/standings.ts';
import { attemptCases, contestCases, privacyCases, roundCases, standingsCases } from './composition.ts';
import { now } from './composition-contests.ts';

const number = (v: string | undefined) => (v && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** One implementation of the ranking for the contest close, the round close and the export of a ranking not final yet. */
const ranking = finalRanking({ standings: standingsStore, jobs: jobStore, partitions: PEOPLE_SHARDS, rowsPerPage: FINAL_PAGE_ROWS });

const kinds: Record<string, JobKind> = {
  [CLOSE_KIND]: closeJobKind({ contests: contestRepository, contestCases, attempts: attemptCases, ranking, rounds: roundCases, now, partitions: PEOPLE_SHARDS }),
  [EXPORT_KIND]: exportJobKind({
    jobs: jobStore,
    files: s3FileStore,
    contest: (id) => contestRepository.get(id, true),
    // Rows of a phone erased since the last rewrite stay hidden while its re-rank job runs.
    finalPages: async (id, from, max, roundNo) => {
      const [contest, pages] = await Promise.all([contestRepository.get(id, true), standingsStore.finalPages(id, from, max, roundNo)]);
      return contest ? pages.map((rows) => shownFinal(contest, rows)) : pages;
    },
    liveScope: (id, round) => standingsCases.liveScope(id, round),
    ranking,
    unitNames: async () => new Map((await unitRepository.list()).map((u) => [u.id, u.name])),
    unitRanking: async (id) => (await standingsCases.unitLeaderboard(id)).items,
    now,
    // Tests only (local mode): small parts, so a small export has many of them.
    partBytes: number(process.env.EXPORT_PART_BYTES),
  }),
  [CLOSE_ROUND_KIND]: roundCloseJobKind({ contests: contestRepository, attempts: attemptCases, rounds: roundCases, ranking, now, partitions: PEOPLE_SHARDS }),
  [PURGE_KIND]: purgeJobKind({ privacy: privacyCases, partitions: PEOPLE_SHARDS }),
  [RERANK_KIND]: rerankJobKind({ contests: contestRepository, standings: standingsStore, jobs: jobStore, people: personDataStore, now, rowsPerPage: FINAL_PAGE_ROWS }),
};

export const jobCases = jobUseCases({
  jobs: jobStore,
  queue: jobQueue,
  kinds,
  newId,
  now,
  pauseMs: number(process.env.JOB_STEP_PAUSE_MS),
  pauseKinds: process.env.JOB_STEP_PAUSE_KINDS?.split(',').filter(Boolean),
});

export const closeContest = (contestId: string, owner: string) =>
  startClose({ contests: contestRepository, contestCases, attempts: attemptCases, jobs: jobCases, newId, now }, contestId, owner);

/** How an erasure started by `owner` starts the re-rank job of a finalised contest (app/rerank-job.ts). */
export const rerankStarter = (owner: string): RerankStarter => ({
  start: (contestId, jobId) => jobCases.start(RERANK_KIND, contestId, owner, {}, jobId),
  newId: () => newId(16),
});

const roundCloseDeps = () => ({ contests: contestRepository, rounds: roundCases, jobs: jobCases, newId, now });
export const closeRound = (contestId: string, roundId: string, owner: string) => startRoundClose(roundCloseDeps(), contestId, roundId, owner);
/** The round schedule's run (every minute): close jobs for the rounds whose window plus grace has passed. */
export const closeDueRounds = () => startDueRoundCloses(roundCloseDeps());
