// Personal data (Decree 13/2023): the audit log of staff access, a person's export and erasure on
// request, and the retention purge. Flows and what happens to each item kind: docs/personal-data.md.
import { personalDataDueAt } from '../domain/contest.ts';
import { hasExplicitRounds, roundsOf, roundStateOf } from '../domain/rounds.ts';
import { InvalidState, NotFound, ValidationFailed } from '../domain/errors.ts';
import { maskPhone, normalizePhone } from '../domain/phone.ts';
import { rankPeople } from '../domain/ranking.ts';
import { keyedAttemptId } from './attempts.ts';
import type { AttemptRecord, AttemptStore, ContestRecord, ContestRepository, FinalRow, StandingsStore } from './contest-ports.ts';
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

const isFinal = (c: ContestRecord) => c.status === 'closed' && c.finalizedAt !== undefined;

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

/**
 * The final ranking again after rows left it: the participant count changed, so prediction errors
 * and the order they decide change too. The previous rank breaks exact ties (phones may be gone).
 */
export function rerankFinal(rows: readonly FinalRow[], contest: Pick<ContestRecord, 'prediction'>, participants: number): FinalRow[] {
  const entries = rows.map((r) => ({ ...r, personKey: String(r.rank).padStart(9, '0') }));
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
   * Takes the person's row out of a finalised ranking and re-ranks the rest against the participant
   * count that remains. Idempotent: a rerun after a crash finds no row and only fixes the count.
   */
  async function rewriteFinal(contest: ContestRecord, phone: string): Promise<boolean> {
    const rows = await standings.readFinal(contest.id);
    const remaining = rows.filter((r) => r.phone !== phone);
    // The final ranking holds every participant: those that remain are the participants now.
    const participants = remaining.length;
    if (remaining.length === rows.length && contest.finalParticipants === participants) return false;
    await people.replaceFinal(contest.id, rerankFinal(remaining, contest, participants));
    await updateContest(contest.id, (c) => (c.finalParticipants === participants ? null : { ...c, finalParticipants: participants }));
    return true;
  }

  /**
   * The same for every explicit round with a final ranking (docs/rounds.md): a round's ranking
   * changes only by erasure. Returns whether any was rewritten.
   */
  async function rewriteRoundFinals(contest: ContestRecord, phone: string): Promise<boolean> {
    let rewritten = false;
    for (const round of roundsOf(contest).filter((r) => r.explicit && roundStateOf(contest, r).finalizedAt)) {
      const rows = await standings.readFinal(contest.id, undefined, round.no);
      const remaining = rows.filter((r) => r.phone !== phone);
      if (remaining.length === rows.length) continue;
      await people.replaceFinal(contest.id, rerankFinal(remaining, contest, remaining.length), round.no);
      const no = String(round.no);
      await updateContest(contest.id, (c) =>
        c.roundState?.[no]?.participants === remaining.length ? null : { ...c, roundState: { ...c.roundState, [no]: { ...c.roundState?.[no], participants: remaining.length } } },
      );
      rewritten = true;
    }
    return rewritten;
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
  async function eraseFromContest(contest: ContestRecord, phone: string) {
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
    // Round rankings first: a contest with rounds may have final rounds while it is still open.
    let finalRankingRewritten = hasExplicitRounds(contest) ? await rewriteRoundFinals((await contests.get(contest.id, true)) ?? contest, phone) : false;
    // Nothing of theirs here, unless a finalised ranking still holds their row (an interrupted erasure).
    if (!erased && !isFinal(contest) && !finalRankingRewritten) return undefined;
    const fresh = await finalised(contest.id);
    if (fresh && isFinal(fresh) && (erased || (await standings.readFinal(fresh.id)).some((r) => r.phone === phone))) {
      finalRankingRewritten = (await rewriteFinal(fresh, phone)) || finalRankingRewritten;
    }
    if (!erased && !finalRankingRewritten) return undefined;
    return { contestId: contest.id, attemptsDeleted: erased?.attemptsDeleted ?? 0, wasParticipant: erased?.wasParticipant ?? false, finalRankingRewritten };
  }

  return {
    /** Everything stored about a phone number, across contests. Empty `contests` when nothing is. */
    async exportPerson(phoneInput: string) {
      const phone = phoneFrom(phoneInput);
      const out = [];
      for (const contest of await withPeople()) {
        const person = await people.getPerson(contest.id, phone);
        const row = isFinal(contest) ? (await standings.readFinal(contest.id)).find((r) => r.phone === phone) : undefined;
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
    async erasePerson(phoneInput: string) {
      const phone = phoneFrom(phoneInput);
      const all = await withPeople();
      // A close in progress ranks from a read that may predate the erasure: refuse before changing anything.
      for (const c of all.filter((x) => x.status === 'closed' && !x.finalizedAt)) {
        if (await people.getPerson(c.id, phone)) throw new InvalidState(`Contest ${c.id} is being closed; erase again once it is closed`, { contestId: c.id });
      }
      const results = [];
      for (const contest of all) {
        const done = await eraseFromContest(contest, phone);
        if (done) results.push(done);
      }
      return { phone, erasedAt: now().toISOString(), contests: results };
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
