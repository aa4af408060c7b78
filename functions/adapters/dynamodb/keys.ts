// Every key of the single table is built here and nowhere else. Pure: no SDK imports.
// The README's access-pattern table lists what each key serves.

/**
 * Partitions of one contest's live leaderboard (the `ranking` index). At a province-wide deadline of
 * 1,000 submits/s every submit writes an entry (1 WCU: the projected item is under 1 KB) and a
 * better repeat moves one (2 WCU): 1,000 – 2,000 WCU/s on the index. Keeping a partition at a
 * quarter of DynamoDB's 1,000 WCU/s (room for an uneven hash and the last seconds before a
 * deadline, which run at about twice the minute's average) needs 2,000 × 2 / 250 = 16 partitions:
 * 63 – 125 WCU/s each on average (`npm run bench:partitions` prints the simulated busiest one).
 * The price: the top N reads 16 Queries of N entries (behind CloudFront's 5 s cache).
 */
export const LEADERBOARD_SHARDS = 16;
/** The leaderboard's shard count under its older name. */
export const SHARDS = LEADERBOARD_SHARDS;

/**
 * Number of partitions the people of one contest are spread over. A person is written about twice
 * per attempt: 1,000 starts and submits a second make ~125 write units/s per partition, far under
 * DynamoDB's 1,000, and closing reads every person with 16 strongly consistent Queries.
 */
export const PEOPLE_SHARDS = 16;

const pad = (n: number, width: number) => String(Math.max(0, Math.floor(n))).padStart(width, '0');

/** Stable shard of a person in a contest (FNV-1a of the normalised phone). */
export function shardOf(value: string, shards = SHARDS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

export const keys = {
  unit: (unitId: string) => ({ PK: 'UNITS', SK: `UNIT#${unitId}` }),
  unitsPartition: () => ({ PK: 'UNITS', SKPrefix: 'UNIT#' }),

  user: (userId: string) => ({ PK: 'USERS', SK: `USER#${userId}` }),
  usersPartition: () => ({ PK: 'USERS', SKPrefix: 'USER#' }),

  contest: (contestId: string) => ({ PK: 'CONTESTS', SK: `CONTEST#${contestId}` }),
  contestsPartition: () => ({ PK: 'CONTESTS', SKPrefix: 'CONTEST#' }),

  question: (contestId: string, questionId: string) => ({ PK: `CONTEST#${contestId}`, SK: `Q#${questionId}` }),
  questionsOf: (contestId: string) => ({ PK: `CONTEST#${contestId}`, SKPrefix: 'Q#' }),

  /**
   * The shared question library (contract v2): one partition for the whole commune (hundreds to a
   * few thousand questions, staff traffic only), questions in creation order, and one counter item
   * per topic kept in step with them in the same transactions.
   */
  libraryQuestion: (questionId: string) => ({ PK: 'LIBRARY', SK: `Q#${questionId}` }),
  libraryQuestions: () => ({ PK: 'LIBRARY', SKPrefix: 'Q#' }),
  libraryTopic: (topic: string) => ({ PK: 'LIBRARY', SK: `TOPIC#${topic}` }),
  libraryTopics: () => ({ PK: 'LIBRARY', SKPrefix: 'TOPIC#' }),

  /**
   * One item per (contest, person): attempts used, best attempt, leaderboard entry. People live in
   * PEOPLE_SHARDS partitions per contest, so closing and exports list them with consistent Queries.
   */
  person: (contestId: string, phone: string) => ({ PK: `PEOPLE#${contestId}#${shardOf(phone, PEOPLE_SHARDS)}`, SK: `P#${phone}` }),
  peopleShard: (contestId: string, shard: number) => ({ PK: `PEOPLE#${contestId}#${shard}`, SKPrefix: 'P#' }),

  attempt: (attemptId: string) => ({ PK: `ATTEMPT#${attemptId}`, SK: 'ATTEMPT' }),

  /**
   * Aggregate counters of a contest (units, villages, days, score histogram), written only by the
   * stream consumer (adapters/dynamodb/aggregates.ts decides how many items hold them, by `part`);
   * read as the sum of every `AGG#` item. Layout 2 kept them all in `AGG#CONTEST#0`, still summed.
   */
  contestAggregate: (contestId: string, part: string | number) => ({ PK: `CONTEST#${contestId}`, SK: typeof part === 'number' ? `AGG#CONTEST#${part}` : `AGG#${part}` }),
  aggregatesOf: (contestId: string) => ({ PK: `CONTEST#${contestId}`, SKPrefix: 'AGG#' }),
  /**
   * A counter item in a partition of its own (the unit and village families, hashed over a few
   * items each): every stream shard's transaction touches them, so each gets its partition's
   * whole write budget. Read by key, next to the `aggregatesOf` Query.
   */
  counterPartition: (contestId: string, part: string) => ({ PK: `AGG#${contestId}#${part}`, SK: 'AGG' }),

  /**
   * The distinct villages typed in a contest without a village list (a string set), capped at
   * VILLAGE_CAP (app/villages.ts): it bounds the village counters' size. Written once per new village.
   */
  villages: (contestId: string) => ({ PK: `CONTEST#${contestId}`, SK: 'VILLAGES' }),

  /**
   * Final ranking, written once at close, in pages of rows. An explicit round's (docs/rounds.md) has
   * its own prefix; the implicit round of a contest without rounds keeps the v1 pages.
   */
  finalPage: (contestId: string, page: number, roundNo?: number) => ({
    PK: `CONTEST#${contestId}`,
    SK: roundNo === undefined ? `FINAL#${pad(page, 6)}` : `RFINAL#${pad(roundNo, 2)}#${pad(page, 6)}`,
  }),
  finalPagesOf: (contestId: string, roundNo?: number) => ({
    PK: `CONTEST#${contestId}`,
    SKPrefix: roundNo === undefined ? 'FINAL#' : `RFINAL#${pad(roundNo, 2)}#`,
  }),

  /**
   * Audit log of staff access to personal data: one partition per UTC year (staff actions are rare,
   * far below a partition's write limit), sort key = time + id, so newest-first pages are one
   * descending Query that walks back a year at a time.
   */
  audit: (at: string, id: string) => ({ PK: `AUDIT#${at.slice(0, 4)}`, SK: `${at}#${id}` }),
  auditYear: (year: number) => ({ PK: `AUDIT#${String(year).padStart(4, '0')}` }),

  /** The stream consumer's ledger: a chunk of stream records, by its first record, and the last sequence number it applied. */
  streamLedger: (firstEventId: string) => ({ PK: `STREAM#${firstEventId}`, SK: 'LEDGER' }),

  /** The table's data layout version and the migrations' checkpoint (functions/migrations/). */
  layout: () => ({ PK: 'META', SK: 'LAYOUT' }),
  /** Local mode: set by `npm run demo:remove`, so the next start does not write the demo again. */
  demoRemoved: () => ({ PK: 'META', SK: 'DEMO_REMOVED' }),
  /** Local mode: the ready-made bank was imported into the library once (a deleted question is not brought back). */
  demoLibrary: () => ({ PK: 'META', SK: 'DEMO_LIBRARY' }),

  /**
   * Background jobs (close, export, retention purge; app/jobs.ts): one item per job holding its
   * status, progress and checkpoint, expiring through TTL a while after it ends. Jobs are rare
   * (a few per contest), so their partitions are never hot.
   */
  job: (jobId: string) => ({ PK: `JOB#${jobId}`, SK: 'JOB' }),
  /**
   * Rows an export of a contest not yet final ranks once, in pages, then streams; with `run`, the
   * sorted runs a close merges into its final ranking (app/final-ranking.ts). TTL with the job.
   */
  jobRowsPage: (jobId: string, page: number, run?: string) => ({ PK: `JOB#${jobId}`, SK: run === undefined ? `ROWS#${pad(page, 6)}` : `RUN#${run}#${pad(page, 6)}` }),
  jobRowsOf: (jobId: string, run?: string) => ({ PK: `JOB#${jobId}`, SKPrefix: run === undefined ? 'ROWS#' : `RUN#${run}#` }),
  /** Jobs not yet ended, one small item each: the local runner resumes them at start, a sweeper may too. */
  activeJob: (jobId: string) => ({ PK: 'JOBS#ACTIVE', SK: `JOB#${jobId}` }),
  activeJobs: () => ({ PK: 'JOBS#ACTIVE', SKPrefix: 'JOB#' }),

  /** Fixed-window rate-limit counter (expires through TTL). */
  rateLimit: (scope: string, window: number) => ({ PK: `RATE#${scope}`, SK: `W#${window}` }),
};

/**
 * A person's attribute for an explicit round (docs/rounds.md): one person item per contest holds
 * every round as `<name>_r<no>` (attemptsUsed, best, scoredAttempts, firstScoredAt, lbKey); the
 * implicit round of a contest without rounds keeps the v1 names.
 */
export const roundAttr = (name: string, roundNo?: number) => (roundNo === undefined ? name : `${name}_r${roundNo}`);

/** GSI keys, named after the access pattern; `index` is the index's name in table.ts. */
export const indexKeys = {
  leaderboard: {
    /** Since layout 3: `ranking` (keys `LBPK`/`LBSK`, 16 shards, a projection of what the board shows). */
    index: 'ranking',
    pkAttribute: 'LBPK',
    skAttribute: 'LBSK',
    /** An explicit round's board has its own partitions; a person's entry is in the latest round they scored in. */
    pk: (contestId: string, shard: number, roundNo?: number) => (roundNo === undefined ? `LB#${contestId}#${shard}` : `LB#${contestId}#R${roundNo}#${shard}`),
    /**
     * Ascending order = better rank: more correct answers, then shorter duration, then earlier submission.
     * correct <= 999, duration < 10^10 ms, submittedAt an ISO string (sorts as time).
     */
    sk: (correctCount: number, durationMs: number, submittedAt: string) =>
      `${pad(999 - correctCount, 3)}#${pad(durationMs, 10)}#${submittedAt}`,
  },
};
