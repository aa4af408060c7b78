// Personal data (Decree 13/2023): the audit log of staff access, a person's export and erasure on
// request, and the retention purge. Flows and what happens to each item kind: docs/personal-data.md.
import { personalDataDueAt } from '../domain/contest.ts';
import { roundsOf, roundStateOf, roundStatus } from '../domain/rounds.ts';
import { InvalidState, NotFound, ValidationFailed } from '../domain/errors.ts';
import { maskPhone, normalizePhone } from '../domain/phone.ts';
import { rankPeople } from '../domain/ranking.ts';
import { keyedAttemptId } from './attempts.ts';
import type { AttemptRecord, AttemptStore, ContestRecord, ContestRepository, FinalRow, StandingsStore } from './contest-ports.ts';
import type { JobRecord } from './job-ports.ts';
import { MAX_ATTEMPTS_PER_ERASURE, type Actor, type AuditAction, type AuditLog, type PersonDataStore, type StoredPerson } from './privacy-ports.ts';

/** The actor of scheduled work (the retention purge). */
export const SYSTEM_ACTOR: Actor = { userId: 'system', email: 'retention-schedule' };

export interface AuditDeps {
  audit: AuditLog;
  newId: (length?: number) => string;
  now: () => Date;
}

export interface AuditInput {
  action: AuditAction;
  contestId?: string;
  /** Normalised phone of the person concerned; stored masked. */
  phone?: string;
  format?: string;
  details?: Record<string, number | string | boolean>;
}

export function auditUseCases({ audit, newId, now }: AuditDeps) {
  return {
    /**
     * Writes the entry and resolves only once it is stored: callers await it before sending any
     * personal data, so an audit failure fails the request (no unaudited export).
     */
    async record(actor: Actor, input: AuditInput) {
      await audit.append({
        id: newId(10),
        at: now().toISOString(),
        actor: { userId: actor.userId, email: actor.email },
        action: input.action,
        ...(input.contestId ? { contestId: input.contestId } : {}),
        ...(input.phone ? { subject: maskPhone(input.phone) } : {}),
        ...(input.format ? { format: input.format } : {}),
        ...(input.details ? { details: input.details } : {}),
      });
    },
    /** Newest first. A minute of slack covers clock differences between execution environments. */
    list(limit = 50, before?: string) {
      return audit.list(limit, before ?? new Date(now().getTime() + 60_000).toISOString());
    },
  };
}

export type AuditUseCases = ReturnType<typeof auditUseCases>;

export interface PrivacyDeps {
  contests: ContestRepository;
  attempts: AttemptStore;
  standings: StandingsStore;
  people: PersonDataStore;
  audit: AuditUseCases;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** Starts (or finds) the re-rank job of a contest under the given id (handlers: jobCases.start). */
export interface RerankStarter {
  start(contestId: string, jobId: string): Promise<Pick<JobRecord, 'id' | 'status'>>;
  newId(): string;
}

/** A finalised ranking's rows as readers may show them: none of a phone erased since its last rewrite. */
export function shownFinal<T extends { phone: string }>(contest: Pick<ContestRecord, 'erasedPhones'>, rows: T[]): T[] {
  const erased = contest.erasedPhones;
  if (!erased?.length) return rows;
  return rows.filter((r) => r.phone === '' || !erased.includes(r.phone));
}

const isFinal = (c: ContestRecord) => c.status === 'closed' && c.finalizedAt !== undefined;

/** The final rankings a contest holds: its final rounds' (docs/rounds.md), then its own (0). */
export function finalRankings(contest: ContestRecord): number[] {
  const rounds = roundsOf(contest).filter((r) => r.explicit && roundStateOf(contest, r).finalizedAt).map((r) => r.no);
  return isFinal(contest) ? [...rounds, 0] : rounds;
}

function phoneFrom(input: string): string {
  const phone = normalizePhone(input);
  if (phone === null) throw new ValidationFailed([{ field: 'path.phone', message: 'a Vietnamese mobile number' }]);
  return phone;
}

/** Every attempt id a person item leads to: recorded ids, the best attempt, and those derived from start keys. */
export function attemptIdsOf(contestId: string, person: StoredPerson): string[] {
  return [
    ...new Set([
      ...person.attemptIds,
      ...(person.best ? [person.best.attemptId] : []),
      ...person.startKeys.map((key) => keyedAttemptId(contestId, key)),
    ]),
  ];
}

/** A final row's person key when it is ranked again: its previous rank, which sorts as the number. */
export const previousRankKey = (row: Pick<FinalRow, 'rank'>) => String(row.rank).padStart(9, '0');

/**
 * The final ranking again after rows left it: the participant count changed, so prediction errors
 * and the order they decide change too. The previous rank breaks exact ties (phones may be gone).
 */
export function rerankFinal(rows: readonly FinalRow[], contest: Pick<ContestRecord, 'prediction'>, participants: number): FinalRow[] {
  const entries = rows.map((r) => ({ ...r, personKey: previousRankKey(r) }));
  return rankPeople(entries, { mode: 'final', participants: contest.prediction ? participants : null }).map(
    ({ personKey: _k, ...row }) => row,
  );
}

function exportAttempt(a: AttemptRecord) {
  return {
    id: a.id,
    attemptNo: a.attemptNo,
    status: a.status,
    startedAt: a.startedAt,
    deadline: a.deadline,
    registration: a.registration,
    questionIds: a.drawn.map((d) => d.questionId),
    answers: a.answers,
    ...(a.prediction !== undefined ? { prediction: a.prediction } : {}),
    ...(a.outcome
      ? {
          outcome: {
            correctCount: a.outcome.correctCount,
            questionCount: a.outcome.questionCount,
            durationMs: a.outcome.durationMs,
            submittedAt: a.outcome.submittedAt,
            late: a.outcome.late,
          },
        }
      : {}),
  };
}

export function privacyUseCases(deps: PrivacyDeps) {
  const { contests, attempts, standings, people, audit, now } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  /** Contests that can hold people: drafts never do (starts are refused). */
  const withPeople = async () => (await contests.list()).filter((c) => c.status !== 'draft');

  /** Applies `change` to the stored contest with its version check, reloading on a conflict. */
  async function updateContest(contestId: string, change: (c: ContestRecord) => ContestRecord | null): Promise<void> {
    for (let tryNo = 0; tryNo < 10; tryNo++) {
      const current = await contests.get(contestId, true);
      if (!current) return;
      const next = change(current);
      if (!next) return;
      if (await contests.replace({ ...next, version: current.version + 1, updatedAt: now().toISOString() })) return;
    }
    throw new InvalidState('The contest keeps changing; try again');
  }

  /**
   * Hides the person's row of a finalised ranking at once (the contest's `erasedPhones`) and starts
   * the job that rewrites the ranking without it (app/rerank-job.ts). One job per contest at a time:
   * a second erasure adds its phone and the running job takes it in another pass.
   */
  async function scheduleRerank(contestId: string, phone: string, rerank: RerankStarter): Promise<string> {
    for (let tryNo = 0; tryNo < 3; tryNo++) {
      let jobId = '';
      await updateContest(contestId, (c) => {
        const phones = c.erasedPhones ?? [];
        jobId = c.rerankJobId ?? rerank.newId();
        if (phones.includes(phone) && c.rerankJobId) return null;
        return { ...c, erasedPhones: phones.includes(phone) ? phones : [...phones, phone], rerankJobId: jobId };
      });
      const job = await rerank.start(contestId, jobId);
      if (job.status !== 'succeeded' && job.status !== 'failed') return job.id;
      // The job the contest names has ended (it failed): the next try names a new one.
      await updateContest(contestId, (c) => {
        if (c.rerankJobId !== jobId) return null;
        const { rerankJobId: _j, ...rest } = c;
        return rest as ContestRecord;
      });
    }
    throw new InvalidState('The final ranking could not be scheduled for rewriting; erase again in a minute');
  }

  /** A close in progress writes the final ranking from a read that may predate the erasure: wait for it. */
  async function finalised(contestId: string): Promise<ContestRecord | undefined> {
    for (let i = 0; i < 120; i++) {
      const c = await contests.get(contestId, true);
      if (!c || c.status !== 'closed' || c.finalizedAt) return c;
      await sleep(250);
    }
    throw new InvalidState(`Contest ${contestId} is being closed; erase again once it is closed`);
  }

  /** Reads the attempts; a start reserved just before the person was read may not have written its attempt yet. */
  async function readAttempts(ids: string[]): Promise<(AttemptRecord | undefined)[]> {
    const found = await Promise.all(ids.map((id) => attempts.getAttempt(id)));
    for (let wait = 0; wait < 10 && found.some((a) => !a); wait++) {
      await sleep(200);
      await Promise.all(ids.map(async (id, i) => (found[i] ??= await attempts.getAttempt(id))));
    }
    return found;
  }

  /**
   * Person and attempts in one conditional transaction per try. Their share of the counters goes
   * with them: the stream consumer subtracts what each deleted item contributed.
   */
  async function eraseFromContest(contest: ContestRecord, phone: string, rerank?: RerankStarter) {
    /** Submitted attempts deleted ahead of the transaction (only when more than it holds). */
    const deletedAhead = new Set<string>();
    let erased: { attemptsDeleted: number; wasParticipant: boolean } | undefined;
    for (let tryNo = 0; ; tryNo++) {
      const person = await people.getPerson(contest.id, phone);
      if (!person) break;
      const ids = attemptIdsOf(contest.id, person).filter((id) => !deletedAhead.has(id));
      const found = await readAttempts(ids);
      let entries = ids.map((id, i) => ({ id, status: found[i]?.status ?? ('absent' as const) }));
      if (entries.length > MAX_ATTEMPTS_PER_ERASURE) {
        // Submitted attempts never change again: the overflow can go first.
        const overflow = entries.filter((e) => e.status === 'submitted').slice(0, entries.length - MAX_ATTEMPTS_PER_ERASURE);
        await people.deleteAttempts(overflow.map((e) => e.id));
        for (const e of overflow) deletedAhead.add(e.id);
        entries = entries.filter((e) => !deletedAhead.has(e.id));
      }
      const status = await people.erase({
        contestId: contest.id,
        phone,
        expected: { version: person.version, attemptsUsed: person.attemptsUsed, attemptIds: person.attemptIds.length },
        attempts: entries,
      });
      if (status === 'ok') {
        erased = { attemptsDeleted: deletedAhead.size + entries.filter((e) => e.status !== 'absent').length, wasParticipant: person.best !== undefined || (person.scoredIds?.length ?? 0) > 0 };
        break;
      }
      // A start or a score of this very person landed in between: read again and recompute.
      if (tryNo >= 9) throw new InvalidState('This person is taking part right now; erase again in a minute');
      await sleep(20 * 2 ** Math.min(tryNo, 6) * (1 + Math.random()));
    }
    if (!erased) return undefined;
    return { contestId: contest.id, attemptsDeleted: erased.attemptsDeleted, wasParticipant: erased.wasParticipant, finalRankingRewritten: false };
  }

  /**
   * A finalised contest whose final ranking holds the person (every scored person is in it): their
   * row is hidden and its rewrite scheduled before their items go, so a crash in between leaves
   * the job to finish rather than a row no later erasure would find.
   */
  async function scheduleIfRanked(contest: ContestRecord, phone: string, rerank?: RerankStarter): Promise<string | undefined> {
    if (finalRankings(contest).length === 0 || contest.purgedAt) return undefined;
    const person = await people.getPerson(contest.id, phone);
    if (person?.best === undefined && !person?.scoredIds?.length) return contest.erasedPhones?.includes(phone) && contest.rerankJobId ? contest.rerankJobId : undefined;
    if (!rerank) throw new InvalidState('The final ranking cannot be rewritten here');
    const fresh = await finalised(contest.id);
    if (!fresh || finalRankings(fresh).length === 0) return undefined;
    return scheduleRerank(contest.id, phone, rerank);
  }

  return {
    /** Everything stored about a phone number, across contests. Empty `contests` when nothing is. */
    async exportPerson(phoneInput: string) {
      const phone = phoneFrom(phoneInput);
      const out = [];
      for (const contest of await withPeople()) {
        const person = await people.getPerson(contest.id, phone);
        const row = isFinal(contest) && !contest.erasedPhones?.includes(phone) ? (await standings.readFinal(contest.id)).find((r) => r.phone === phone) : undefined;
        if (!person && !row) continue;
        const found = person ? await Promise.all(attemptIdsOf(contest.id, person).map((id) => attempts.getAttempt(id))) : [];
        out.push({
          contestId: contest.id,
          title: contest.title,
          status: contest.status,
          ...(person
            ? {
                person: {
                  fullName: person.fullName,
                  birthYear: person.birthYear ?? null,
                  ...(person.unitId !== undefined ? { unitId: person.unitId } : {}),
                  ...(person.village !== undefined ? { village: person.village } : {}),
                  attemptsUsed: person.attemptsUsed,
                  scoredAttempts: person.scoredAttempts,
                  ...(person.best ? { best: { ...person.best, prediction: person.best.prediction ?? null } } : {}),
                },
              }
            : {}),
          attempts: found
            .filter((a): a is AttemptRecord => a !== undefined)
            .sort((a, b) => a.attemptNo - b.attemptNo)
            .map(exportAttempt),
          ...(row
            ? {
                finalRank: {
                  rank: row.rank,
                  correctCount: row.correctCount,
                  prediction: row.prediction,
                  predictionError: row.predictionError,
                  durationMs: row.durationMs,
                },
              }
            : {}),
        });
      }
      return { phone, exportedAt: now().toISOString(), contests: out };
    },

    /**
     * Erases a phone number's data in every contest: person item (live leaderboard), attempt items,
     * its exact share of the aggregates, and its row of a final ranking (the rest re-ranked).
     * Idempotent: running it again finishes an interrupted erasure and otherwise changes nothing.
     */
    async erasePerson(phoneInput: string, rerank?: RerankStarter) {
      const phone = phoneFrom(phoneInput);
      const all = await withPeople();
      // A close in progress ranks from a read that may predate the erasure: refuse before changing anything.
      for (const c of all.filter((x) => x.status === 'closed' && !x.finalizedAt)) {
        if (await people.getPerson(c.id, phone)) throw new InvalidState(`Contest ${c.id} is being closed; erase again once it is closed`, { contestId: c.id });
      }
      // So does a round whose window is over and whose final ranking is being written (within a minute or two).
      const at = now().getTime();
      for (const c of all.filter((x) => x.status !== 'closed' && roundsOf(x).some((r) => r.explicit && roundStatus(x, r, at) === 'ended'))) {
        if (await people.getPerson(c.id, phone)) throw new InvalidState(`A round of contest ${c.id} is being finalised; erase again in a few minutes`, { contestId: c.id });
      }
      const results = [];
      const jobs: string[] = [];
      for (const contest of all) {
        const job = await scheduleIfRanked(contest, phone, rerank);
        const done = await eraseFromContest(contest, phone, rerank);
        if (job) jobs.push(job);
        if (done || job) {
          results.push({ contestId: contest.id, attemptsDeleted: done?.attemptsDeleted ?? 0, wasParticipant: done?.wasParticipant ?? false, finalRankingRewritten: job !== undefined });
        }
      }
      return { phone, erasedAt: now().toISOString(), contests: results, ...(jobs.length ? { jobs } : {}) };
    },

    /** Finalised contests whose closedAt + retentionDays has passed at `at` and that are not purged yet. */
    async dueForPurge(at: Date) {
      return (await contests.list()).filter((c) => isFinal(c) && !c.purgedAt && Date.parse(personalDataDueAt(c)!) <= at.getTime());
    },

    /**
     * Retention, one people partition of a contest (a step of the purge job, app/purge-job.ts):
     * deletes the person and attempt items. Running it again deletes what is left, nothing else.
     */
    async purgePartition(contestId: string, shard: number) {
      const everyone = await people.listPeople(contestId, shard);
      let attemptCount = 0;
      for (let i = 0; i < everyone.length; i += 25) {
        const chunk = everyone.slice(i, i + 25).map((p) => ({ phone: p.phone, attemptIds: attemptIdsOf(contestId, p) }));
        attemptCount += chunk.reduce((n, p) => n + p.attemptIds.length, 0);
        await people.purge(contestId, chunk);
      }
      return { people: everyone.length, attempts: attemptCount };
    },

    /**
     * The purge's last step: strips the phones from the final ranking rows (aggregates, unit
     * standings, statistics and the named award list stay), marks the contest purged, audits.
     */
    async finishPurge(contestId: string, at: Date, counts: { people: number; attempts: number }) {
      if ((await contests.get(contestId, true))?.purgedAt) return { contestId, ...counts };
      const rows = await standings.readFinal(contestId);
      if (rows.some((r) => r.phone !== '')) await people.replaceFinal(contestId, rows.map((r) => ({ ...r, phone: '' })));
      const contest = await contests.get(contestId, true);
      for (const round of contest ? roundsOf(contest).filter((r) => r.explicit) : []) {
        const inRound = await standings.readFinal(contestId, undefined, round.no);
        if (inRound.some((r) => r.phone !== '')) await people.replaceFinal(contestId, inRound.map((r) => ({ ...r, phone: '' })), round.no);
      }
      // Audited before the contest is marked: a crash in between audits twice rather than never.
      await audit.record(SYSTEM_ACTOR, { action: 'retention.purge', contestId, details: { ...counts } });
      const purgedAt = at.toISOString();
      await updateContest(contestId, (c) => (c.purgedAt ? null : { ...c, purgedAt }));
      return { contestId, ...counts };
    },
  };
}

export type PrivacyUseCases = ReturnType<typeof privacyUseCases>;

/** NotFound for an export with nothing in it (the lookup is audited all the same). */
export const nothingStored = (phone: string) => new NotFound('Personal data of', maskPhone(phone));
