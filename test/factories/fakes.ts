// In-memory implementations of every port, mirroring the DynamoDB adapters' conditional checks,
// plus a fake clock and a composition root wired like functions/handlers/composition.ts.
// Stored values are copied on the way in and out, as a database would: a use case that mutates
// what it read must not change what is stored.
import { attemptUseCases } from '../../functions/app/attempts.ts';
import type {
  AttemptRecord,
  AttemptStore,
  ContestRecord,
  ContestRepository,
  FinalRow,
  LibraryFilter,
  LibraryRepository,
  PersonBestRecord,
  PersonRecord,
  StandingsStore,
  SubmitOutcome,
} from '../../functions/app/contest-ports.ts';
import { contestUseCases } from '../../functions/app/contests.ts';
import { libraryUseCases } from '../../functions/app/library.ts';
import { matchesSearch, searchField, type LibraryQuestion } from '../../functions/domain/library.ts';
import { auditUseCases, privacyUseCases } from '../../functions/app/privacy.ts';
import type { AuditEntry, AuditLog, ErasureCommit, PersonDataStore, StoredPerson as PrivacyPerson } from '../../functions/app/privacy-ports.ts';
import type { StaffDirectory, StaffUser, Unit, UnitRepository, UserRepository } from '../../functions/app/ports.ts';
import { standingsUseCases } from '../../functions/app/standings.ts';
import { unitUseCases } from '../../functions/app/units.ts';
import { userUseCases } from '../../functions/app/users.ts';
import { PEOPLE_SHARDS, shardOf } from '../../functions/adapters/dynamodb/keys.ts';
import { startClose, CLOSE_KIND, closeJobKind } from '../../functions/app/close-job.ts';
import { finalRanking } from '../../functions/app/final-ranking.ts';
import { roundUseCases } from '../../functions/app/rounds.ts';
import type { FileStore, JobRecord, JobStore, UploadedPart } from '../../functions/app/job-ports.ts';
import { jobUseCases } from '../../functions/app/jobs.ts';
import { PURGE_KIND, purgeDue, purgeJobKind } from '../../functions/app/purge-job.ts';
import { RERANK_KIND, rerankJobKind } from '../../functions/app/rerank-job.ts';
import type { RerankStarter } from '../../functions/app/privacy.ts';
import {
  addAggregates,
  attemptContribution,
  emptyAggregate,
  personContribution,
  type ContestAggregate,
} from '../../functions/domain/aggregate.ts';
import type { SavedAnswers } from '../../functions/domain/contest.ts';
import type { Rng } from '../../functions/domain/draw.ts';
import { AttemptsExhausted, InvalidState, NotFound, ValidationFailed } from '../../functions/domain/errors.ts';
import type { Question } from '../../functions/domain/question.ts';
import { nameKey } from '../../functions/domain/names.ts';
import type { Registration } from '../../functions/domain/registration.ts';
import { compareLive, replacesBest } from '../../functions/domain/ranking.ts';
import { seededRng } from './domain.ts';

const copy = <T>(value: T): T => structuredClone(value);

/** What a failed DynamoDB condition surfaces as when an adapter does not translate it. */
export class ConditionFailed extends Error {
  override name = 'ConditionalCheckFailedException';
}

/** Where a final ranking's pages are kept: the contest's under its id, a round's under `<id>#r<no>`. */
export const finalKey = (contestId: string, roundNo?: number) => (roundNo === undefined ? contestId : `${contestId}#r${roundNo}`);

// ---- clock and ids ----

/** The server clock of the use cases: frozen until a test moves it. */
export class Clock {
  #ms: number;
  constructor(start: string | number = '2024-06-10T03:00:00.000Z') {
    this.#ms = typeof start === 'number' ? start : Date.parse(start);
  }
  /** Pass as `now` (bound: it can be handed around on its own). */
  readonly now = (): Date => new Date(this.#ms);
  get ms(): number {
    return this.#ms;
  }
  iso(): string {
    return new Date(this.#ms).toISOString();
  }
  advance(ms: number): this {
    this.#ms += ms;
    return this;
  }
  advanceSec(sec: number): this {
    return this.advance(sec * 1000);
  }
  set(instant: string | number): this {
    this.#ms = typeof instant === 'number' ? instant : Date.parse(instant);
    return this;
  }
}

/** Deterministic ids of the requested length (unique across one generator). */
export function sequentialIds(): (length?: number) => string {
  let n = 0;
  return (length = 14) => (++n).toString(36).padStart(length, '0');
}

// ---- one-shot interception, to stage races deterministically ----

type Hook = () => void | Promise<void>;

/** Lets a test run something just before the next call of a method (a concurrent request, a failure). */
class Interceptable<M extends string> {
  readonly #hooks = new Map<M, Hook[]>();
  /** Runs `hook` once, right before the next call of `method`; a throwing hook fails that call. */
  beforeNext(method: M, hook: Hook): void {
    this.#hooks.set(method, [...(this.#hooks.get(method) ?? []), hook]);
  }
  protected async hook(method: M): Promise<void> {
    const queue = this.#hooks.get(method);
    const next = queue?.shift();
    if (next) await next();
  }
}

// ---- units, users, staff directory ----

export class FakeUnitRepository extends Interceptable<keyof UnitRepository> implements UnitRepository {
  readonly items = new Map<string, Unit>();

  constructor(units: Unit[] = []) {
    super();
    for (const u of units) this.items.set(u.id, copy(u));
  }
  async list() {
    await this.hook('list');
    // Sort key order (UNIT#<id>), like the partition query.
    return [...this.items.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(copy);
  }
  async get(unitId: string) {
    await this.hook('get');
    const unit = this.items.get(unitId);
    return unit && copy(unit);
  }
  async create(unit: Unit) {
    await this.hook('create');
    if (this.items.has(unit.id)) throw new ConditionFailed(`unit ${unit.id} exists`);
    this.items.set(unit.id, copy(unit));
  }
  async update(unitId: string, patch: Partial<Omit<Unit, 'id'>>) {
    await this.hook('update');
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined);
    // The adapter would send `SET ` with nothing after it: DynamoDB rejects that request.
    if (fields.length === 0) throw new Error('ValidationException: empty update expression');
    const unit = this.items.get(unitId);
    if (!unit) throw new NotFound('Unit', unitId);
    const next = { ...unit, ...Object.fromEntries(fields) } as Unit;
    this.items.set(unitId, next);
    return copy(next);
  }
}

export class FakeUserRepository implements UserRepository {
  readonly items = new Map<string, StaffUser>();
  async list() {
    return [...this.items.values()].map(copy);
  }
  async save(user: StaffUser) {
    this.items.set(user.id, copy(user)); // a plain Put: overwrites
  }
}

/** Cognito as createStaffAccount uses it: unique emails, a password policy, a `sub` per account. */
export class FakeStaffDirectory implements StaffDirectory {
  readonly accounts = new Map<string, { sub: string; password: string; role: string; displayName?: string }>();
  #n = 0;
  async createAccount(input: { email: string; password: string; role: StaffUser['role']; displayName?: string }) {
    if (this.accounts.has(input.email.toLowerCase())) {
      throw new ValidationFailed([{ field: 'email', message: 'An account with this email already exists' }]);
    }
    if (input.password.length < 8) throw new ValidationFailed([{ field: 'password', message: 'Password did not conform with policy' }]);
    const sub = `sub-${++this.#n}`;
    this.accounts.set(input.email.toLowerCase(), {
      sub,
      password: input.password,
      role: input.role,
      ...(input.displayName ? { displayName: input.displayName } : {}),
    });
    return sub;
  }
}

// ---- contests and question banks ----

type ContestMethod = keyof ContestRepository;

export class FakeContestRepository extends Interceptable<ContestMethod> implements ContestRepository {
  readonly contests = new Map<string, ContestRecord>();
  readonly banks = new Map<string, Map<string, Question>>();

  /** The stored record, for assertions (a copy). */
  stored(contestId: string): ContestRecord | undefined {
    const c = this.contests.get(contestId);
    return c && copy(c);
  }
  /** Simulates another writer: bumps the stored version so the next replace() of a stale copy fails. */
  touch(contestId: string): void {
    const c = this.contests.get(contestId);
    if (c) c.version += 1;
  }
  #bank(contestId: string): Map<string, Question> {
    let bank = this.banks.get(contestId);
    if (!bank) this.banks.set(contestId, (bank = new Map()));
    return bank;
  }
  #assertDraft(contestId: string): void {
    if (this.contests.get(contestId)?.status !== 'draft') {
      throw new InvalidState('Questions can only change while the contest is a draft');
    }
  }

  async list() {
    await this.hook('list');
    return [...this.contests.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(copy);
  }
  async get(contestId: string, _consistent?: boolean) {
    await this.hook('get');
    return this.stored(contestId);
  }
  async create(contest: ContestRecord) {
    await this.hook('create');
    if (this.contests.has(contest.id)) throw new ConditionFailed(`contest ${contest.id} exists`);
    this.contests.set(contest.id, copy(contest));
  }
  async replace(contest: ContestRecord) {
    await this.hook('replace');
    // `version = :previous`: also false when the item does not exist.
    if (this.contests.get(contest.id)?.version !== contest.version - 1) return false;
    this.contests.set(contest.id, copy(contest));
    return true;
  }
  async questions(contestId: string) {
    await this.hook('questions');
    // Sort key order (Q#<id>): ids sort in creation order.
    return [...this.#bank(contestId).values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(copy);
  }
  async countQuestions(contestId: string) {
    await this.hook('countQuestions');
    return this.#bank(contestId).size;
  }
  async addQuestions(contestId: string, questions: Question[]) {
    await this.hook('addQuestions');
    this.#assertDraft(contestId);
    const bank = this.#bank(contestId);
    for (const q of questions) bank.set(q.id, copy(q));
  }
  async deleteQuestion(contestId: string, questionId: string) {
    await this.hook('deleteQuestion');
    // The adapter reads the cancellation reasons in this order: a missing question wins.
    if (!this.#bank(contestId).has(questionId)) throw new NotFound('Question', questionId);
    this.#assertDraft(contestId);
    this.#bank(contestId).delete(questionId);
  }
}

// ---- the shared question library ----

/** The library partition and its topic counters, as adapters/dynamodb/library.ts keeps them. */
export class FakeLibraryRepository extends Interceptable<keyof LibraryRepository> implements LibraryRepository {
  readonly questions = new Map<string, LibraryQuestion>();
  async get(questionId: string) {
    await this.hook('get');
    const q = this.questions.get(questionId);
    return q && copy(q);
  }
  async list(filter: LibraryFilter) {
    await this.hook('list');
    const all = [...this.questions.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .filter((q) => (filter.cursor === undefined || q.id > filter.cursor) && (filter.topic === undefined || q.topic === filter.topic))
      .filter((q) => matchesSearch(searchField(q.text), filter.words));
    const items = all.slice(0, filter.limit).map(copy);
    return all.length > filter.limit ? { items, next: items[items.length - 1]!.id } : { items };
  }
  async topics() {
    await this.hook('topics');
    const counts = new Map<string, number>();
    for (const q of this.questions.values()) counts.set(q.topic, (counts.get(q.topic) ?? 0) + 1);
    return [...counts].map(([topic, questions]) => ({ topic, questions })).sort((a, b) => a.topic.localeCompare(b.topic, 'vi'));
  }
  async ofTopics(topics: readonly string[]) {
    await this.hook('ofTopics');
    return [...this.questions.values()].filter((q) => topics.includes(q.topic)).map(copy);
  }
  async add(questions: LibraryQuestion[]) {
    await this.hook('add');
    for (const q of questions) if (this.questions.has(q.id)) throw new ConditionFailed(`library question ${q.id} exists`);
    for (const q of questions) this.questions.set(q.id, copy(q));
  }
  async replace(previous: LibraryQuestion, next: LibraryQuestion) {
    await this.hook('replace');
    const stored = this.questions.get(previous.id);
    if (stored?.updatedAt !== previous.updatedAt) return false;
    this.questions.set(previous.id, { ...copy(next), usedBy: stored.usedBy });
    return true;
  }
  async delete(question: LibraryQuestion) {
    await this.hook('delete');
    return this.questions.delete(question.id);
  }
  async markUsed(contestId: string, questionIds: readonly string[]) {
    await this.hook('markUsed');
    for (const id of questionIds) {
      const q = this.questions.get(id);
      if (q && !q.usedBy.includes(contestId)) q.usedBy = [...q.usedBy, contestId].sort();
    }
  }
}

// ---- attempts, people, aggregates, leaderboard ----

/** The person item: the record plus what only storage sees (start keys, whether it is on the leaderboard index). */
/** What a person item holds per explicit round (`<name>_r<no>` in the adapter): only seeded by tests, the fake attempt store keeps none. */
type RoundView = Pick<PersonRecord, 'attemptsUsed' | 'scoredAttempts' | 'best' | 'firstScoredAt'>;

export type StoredPerson = PersonRecord & { birthYear?: number | null; startKeys?: string[]; attemptIds?: string[]; scored: boolean; purged?: boolean; rounds?: Record<string, RoundView> };

const personKey = (contestId: string, phone: string) => `${contestId}#${phone}`;

/**
 * Attempt and person items plus the leaderboard index they feed. The counters are what the stream
 * consumer converges to: the contributions of the stored items, plus those of items deleted by
 * retention (which keeps them).
 */
export class FakeContestData {
  readonly attempts = new Map<string, AttemptRecord>();
  readonly people = new Map<string, StoredPerson>();
  /** contestId -> what purged items contributed before retention deleted them. */
  readonly retained = new Map<string, ContestAggregate>();
  /** contestId -> pages of the final ranking. */
  /** By contest id, or `<contestId>#r<no>` for a round's (finalKey). */
  readonly finalPages = new Map<string, FinalRow[][]>();
  /** contestId -> villages typed in a contest without a list. */
  readonly villages = new Map<string, Set<string>>();
}

type AttemptMethod = keyof AttemptStore;

export class FakeAttemptStore extends Interceptable<AttemptMethod> implements AttemptStore {
  constructor(readonly data: FakeContestData = new FakeContestData()) {
    super();
  }

  /** The stored attempt, for assertions (a copy): its `drawn` is what the participant was shown. */
  attempt(attemptId: string): AttemptRecord {
    const a = this.data.attempts.get(attemptId);
    if (!a) throw new Error(`no attempt ${attemptId}`);
    return copy(a);
  }
  /** The stored person item, for assertions (a copy). */
  person(contestId: string, phone: string): PersonRecord | undefined {
    const p = this.data.people.get(personKey(contestId, phone));
    if (!p) return undefined;
    const { scored: _s, startKeys: _k, purged: _p, ...rest } = p;
    return copy({ ...rest, attemptIds: rest.attemptIds ?? [], scoredIds: rest.scoredIds ?? [] });
  }

  async reserveAttempt(contestId: string, registration: Registration, maxAttempts: number, idempotencyKey?: string, attemptId?: string, asRegistered = false) {
    await this.hook('reserveAttempt');
    const key = personKey(contestId, registration.phone);
    const person = this.data.people.get(key);
    // `(attribute_not_exists(attemptsUsed) OR attemptsUsed < :max) AND NOT contains(startKeys, :key)
    //  AND (attribute_not_exists(nameKey) OR nameKey = :nameKey)` (the last unless asRegistered)
    const underMax = !person || person.attemptsUsed < maxAttempts;
    const keySeen = idempotencyKey !== undefined && (person?.startKeys?.includes(idempotencyKey) ?? false);
    const otherName = !asRegistered && person !== undefined && nameKey(person.fullName) !== nameKey(registration.fullName);
    if (!underMax || keySeen || otherName) {
      // The adapter reads the old item from the failed write: a recorded key means a copy of this start took the attempt.
      if (keySeen) return 'duplicate' as const;
      if (otherName) return { otherName: person.fullName, attemptsUsed: person.attemptsUsed };
      throw new AttemptsExhausted(maxAttempts);
    }
    const next: StoredPerson = {
      // toPerson's defaults for an item that only the reservation has written.
      scoredAttempts: 0,
      version: 0,
      scored: false,
      ...person,
      contestId,
      phone: registration.phone,
      fullName: asRegistered && person ? person.fullName : registration.fullName,
      birthYear: registration.birthYear,
      attemptsUsed: (person?.attemptsUsed ?? 0) + 1,
      ...(idempotencyKey !== undefined ? { startKeys: [...(person?.startKeys ?? []), idempotencyKey] } : {}),
      // `ADD attemptIds :idSet` in the same UpdateItem.
      ...(attemptId !== undefined ? { attemptIds: [...new Set([...(person?.attemptIds ?? []), attemptId])] } : {}),
    };
    this.data.people.set(key, next);
    return { attemptNo: next.attemptsUsed, fullName: next.fullName };
  }

  async createAttempt(attempt: AttemptRecord) {
    await this.hook('createAttempt');
    if (this.data.attempts.has(attempt.id)) throw new ConditionFailed(`attempt ${attempt.id} exists`);
    this.data.attempts.set(attempt.id, copy(attempt));
  }

  async getAttempt(attemptId: string) {
    await this.hook('getAttempt');
    const a = this.data.attempts.get(attemptId);
    return a && copy(a);
  }

  async saveAnswers(attemptId: string, answers: SavedAnswers) {
    await this.hook('saveAnswers');
    if (Object.keys(answers).length === 0) return true; // the adapter sends nothing at all
    const a = this.data.attempts.get(attemptId);
    if (!a || a.status !== 'open') return false; // `#status = :open`
    a.answers = { ...a.answers, ...copy(answers) };
    return true;
  }

  async getPerson(contestId: string, phone: string) {
    await this.hook('getPerson');
    return this.person(contestId, phone);
  }

  async submitAttempt(attempt: AttemptRecord & { status: 'submitted'; outcome: SubmitOutcome }) {
    await this.hook('submitAttempt');
    const stored = this.data.attempts.get(attempt.id);
    if (!stored || stored.status !== 'open') return false; // `#status = :open`
    // Only the attributes the adapter SETs change.
    this.data.attempts.set(attempt.id, {
      ...stored,
      status: 'submitted',
      outcome: copy(attempt.outcome),
      answers: copy(attempt.answers),
      prediction: attempt.prediction ?? null,
    });
    return true;
  }

  async applyToPerson(attempt: AttemptRecord & { outcome: SubmitOutcome }, candidate: PersonBestRecord) {
    await this.hook('applyToPerson');
    const key = personKey(attempt.contestId, attempt.phone);
    const stored = this.data.people.get(key);
    // `attribute_exists(PK)`: an erased person is not recreated; `contains(scoredIds, :id)`: applied once.
    if (!stored) return undefined;
    if ((stored.scoredIds ?? []).includes(attempt.id)) return copy(stored.best);
    // The adapter compares leaderboard sort keys, which order attempts as replacesBest does.
    const better = replacesBest(candidate, stored.best);
    this.data.people.set(key, {
      ...stored,
      unitId: attempt.registration.unitId,
      village: attempt.registration.village ?? null,
      scoredAttempts: stored.scoredAttempts + 1,
      version: (stored.version ?? 0) + 1,
      scoredIds: [...(stored.scoredIds ?? []), attempt.id],
      ...(better
        ? {
            best: copy(candidate),
            scored: true, // now on the leaderboard index (GSI1PK set)
            // `firstScoredAt = if_not_exists(firstScoredAt, :at)`
            firstScoredAt: stored.firstScoredAt ?? candidate.submittedAt,
          }
        : {}),
    });
    return copy(this.data.people.get(key)!.best);
  }

  async setOutcomeBest(attemptId: string, best: SubmitOutcome['best']) {
    await this.hook('setOutcomeBest');
    const stored = this.data.attempts.get(attemptId);
    if (stored?.outcome) stored.outcome = { ...stored.outcome, best: copy(best) };
  }

  async people(contestId: string, shard?: number) {
    await this.hook('people');
    return [...this.data.people.values()].filter((p) => p.contestId === contestId && inShard(p.phone, shard)).map((p) => this.person(contestId, p.phone)!);
  }

  async villages(contestId: string) {
    await this.hook('villages');
    return [...(this.data.villages.get(contestId) ?? [])];
  }

  async admitVillage(contestId: string, village: string, cap: number) {
    await this.hook('admitVillage');
    const names = this.data.villages.get(contestId) ?? new Set<string>();
    // `attribute_not_exists(names) OR contains(names, :one) OR size(names) < :cap`
    const admitted = names.has(village) || names.size < cap;
    if (admitted) names.add(village);
    this.data.villages.set(contestId, names);
    return { admitted, villages: [...names] };
  }
}

/** Whether a phone lives in people partition `shard` (every partition when undefined), as in keys.ts. */
const inShard = (phone: string, shard: number | undefined) => shard === undefined || shardOf(phone, PEOPLE_SHARDS) === shard;

/** Rows per final-ranking item, as in the DynamoDB adapter. */
export const FINAL_PAGE_ROWS = 100;

/** Puts final pages from `firstPage` on, leaving the others as they are. */
function putFinalPages(data: FakeContestData, contestId: string, firstPage: number, pages: FinalRow[][], roundNo?: number) {
  const stored = data.finalPages.get(finalKey(contestId, roundNo)) ?? [];
  pages.forEach((rows, i) => (stored[firstPage + i] = copy(rows)));
  data.finalPages.set(finalKey(contestId, roundNo), stored);
}

type StandingsMethod = keyof StandingsStore;

export class FakeStandingsStore extends Interceptable<StandingsMethod> implements StandingsStore {
  constructor(readonly data: FakeContestData) {
    super();
  }

  /** Scored people (in round `roundNo`, seen as in that round, as the adapter's toPerson), of one partition or all. */
  #scored(contestId: string, roundNo?: number, shard?: number): PersonRecord[] {
    const inRound = (p: StoredPerson) => (roundNo === undefined ? p.scored : p.rounds?.[String(roundNo)]?.best !== undefined);
    return [...this.data.people.values()]
      .filter((p) => p.contestId === contestId && inShard(p.phone, shard) && inRound(p))
      .map(({ scored: _s, startKeys: _k, purged: _p, rounds, ...p }) => {
        const person = copy({ ...p, attemptIds: p.attemptIds ?? [], scoredIds: p.scoredIds ?? [] });
        if (roundNo === undefined) return person;
        const { best: _b, firstScoredAt: _f, ...rest } = person;
        const round = copy(rounds![String(roundNo)]!);
        return { ...rest, ...round, attemptsUsed: round.attemptsUsed ?? 0, scoredAttempts: round.scoredAttempts ?? 0 };
      });
  }

  async aggregate(contestId: string) {
    await this.hook('aggregate');
    let agg = this.data.retained.get(contestId) ?? emptyAggregate();
    for (const p of this.data.people.values()) if (p.contestId === contestId) agg = addAggregates(agg, personContribution(p));
    for (const a of this.data.attempts.values()) if (a.contestId === contestId) agg = addAggregates(agg, attemptContribution(a));
    return agg;
  }

  async liveTop(contestId: string, limit: number) {
    await this.hook('liveTop');
    const entry = (p: PersonRecord) => ({ ...p.best!, personKey: p.phone });
    return this.#scored(contestId)
      .sort((a, b) => compareLive(entry(a), entry(b)))
      .slice(0, limit);
  }

  async allScored(contestId: string, roundNo?: number) {
    await this.hook('allScored');
    // Shard by shard, in no particular order overall: the use case ranks them.
    return this.#scored(contestId, roundNo).sort((a, b) => shardOf(a.phone) - shardOf(b.phone));
  }

  async countScored(contestId: string, shard: number, roundNo?: number) {
    await this.hook('countScored');
    return this.#scored(contestId, roundNo, shard).length;
  }

  async scoredIn(contestId: string, shard: number, roundNo?: number) {
    await this.hook('scoredIn');
    // In sort-key order (`P#<phone>`), as a Query returns them.
    return this.#scored(contestId, roundNo, shard).sort((a, b) => (a.phone < b.phone ? -1 : 1));
  }

  async writeFinal(contestId: string, rows: FinalRow[], roundNo?: number) {
    await this.hook('writeFinal');
    // Pages are put one by one (no delete of pages beyond the new last one), like the adapter.
    const pages: FinalRow[][] = [];
    for (let i = 0; i < rows.length || i === 0; i += FINAL_PAGE_ROWS) pages.push(rows.slice(i, i + FINAL_PAGE_ROWS));
    putFinalPages(this.data, contestId, 0, pages, roundNo);
  }

  async writeFinalPages(contestId: string, firstPage: number, pages: FinalRow[][], roundNo?: number) {
    await this.hook('writeFinalPages');
    putFinalPages(this.data, contestId, firstPage, pages, roundNo);
  }

  async readFinal(contestId: string, limit?: number, roundNo?: number) {
    await this.hook('readFinal');
    const pages = this.data.finalPages.get(finalKey(contestId, roundNo)) ?? [];
    if (limit === undefined) return copy(pages.flat());
    return copy(pages.slice(0, Math.max(1, Math.ceil(limit / FINAL_PAGE_ROWS))).flat().slice(0, limit));
  }

  async finalPages(contestId: string, fromPage: number, maxPages: number, roundNo?: number) {
    await this.hook('finalPages');
    return copy((this.data.finalPages.get(finalKey(contestId, roundNo)) ?? []).slice(fromPage, fromPage + maxPages));
  }
}

// ---- personal data: audit log, erasure, retention ----

/** The audit log: listed newest first by sort key (`<at>#<id>`); `beforeNext('append', throwing hook)` makes a write fail. */
export class FakeAuditLog extends Interceptable<keyof AuditLog> implements AuditLog {
  readonly entries: AuditEntry[] = [];

  async append(entry: AuditEntry) {
    await this.hook('append');
    this.entries.push(copy(entry));
  }

  async list(limit: number, before: string) {
    await this.hook('list');
    const sorted = this.entries
      .map((e) => ({ sk: `${e.at}#${e.id}`, e }))
      .filter(({ sk }) => sk < before)
      .sort((a, b) => (a.sk < b.sk ? 1 : -1))
      .slice(0, limit);
    const items = sorted.map(({ e }) => copy(e));
    return sorted.length === limit ? { items, next: sorted.at(-1)!.sk } : { items };
  }
}

/** The privacy adapter over the same items as the attempt and standings fakes. */
export class FakePersonDataStore extends Interceptable<keyof PersonDataStore> implements PersonDataStore {
  constructor(readonly data: FakeContestData) {
    super();
  }

  #stored(p: StoredPerson): PrivacyPerson {
    const { scored: _s, purged: _p, startKeys, attemptIds, ...rest } = p;
    return copy({ ...rest, birthYear: rest.birthYear ?? null, attemptIds: attemptIds ?? [], startKeys: startKeys ?? [] });
  }

  async getPerson(contestId: string, phone: string) {
    await this.hook('getPerson');
    const p = this.data.people.get(personKey(contestId, phone));
    return p && this.#stored(p);
  }

  async listPeople(contestId: string, shard?: number) {
    await this.hook('listPeople');
    return [...this.data.people.values()].filter((p) => p.contestId === contestId && inShard(p.phone, shard)).map((p) => this.#stored(p));
  }

  async erase({ contestId, phone, expected, attempts }: ErasureCommit) {
    await this.hook('erase');
    const key = personKey(contestId, phone);
    const person = this.data.people.get(key);
    // The transaction's conditions, all checked before anything is written.
    const personOk =
      person !== undefined &&
      person.attemptsUsed === expected.attemptsUsed &&
      (expected.version === 0 ? person.version === undefined || person.version === 0 : person.version === expected.version);
    const attemptsOk = attempts.every((a) => {
      const stored = this.data.attempts.get(a.id);
      return a.status === 'absent' ? stored === undefined : stored?.status === a.status;
    });
    if (!personOk || !attemptsOk) return 'changed' as const;
    this.data.people.delete(key);
    for (const a of attempts) this.data.attempts.delete(a.id);
    return 'ok' as const;
  }

  async deleteAttempts(attemptIds: string[]) {
    await this.hook('deleteAttempts');
    for (const id of attemptIds) this.data.attempts.delete(id);
  }

  async purge(contestId: string, people: { phone: string; attemptIds: string[] }[]) {
    await this.hook('purge');
    // Marked `purged` before the delete: the counters keep what the items contributed.
    const retain = (delta: ContestAggregate) => this.data.retained.set(contestId, addAggregates(this.data.retained.get(contestId) ?? emptyAggregate(), delta));
    for (const p of people) {
      for (const id of p.attemptIds) {
        const a = this.data.attempts.get(id);
        if (a) retain(attemptContribution(a));
        this.data.attempts.delete(id);
      }
    }
    for (const p of people) {
      const person = this.data.people.get(personKey(contestId, p.phone));
      if (person) retain(personContribution(person));
      this.data.people.delete(personKey(contestId, p.phone));
    }
  }

  async replaceFinal(contestId: string, rows: FinalRow[], roundNo?: number) {
    await this.hook('replaceFinal');
    const pages: FinalRow[][] = [];
    for (let i = 0, page = 0; i < rows.length || page === 0; i += FINAL_PAGE_ROWS, page++) pages[page] = copy(rows.slice(i, i + FINAL_PAGE_ROWS));
    this.data.finalPages.set(finalKey(contestId, roundNo), pages);
  }

  async writeFinalPages(contestId: string, firstPage: number, pages: FinalRow[][], roundNo?: number) {
    await this.hook('writeFinalPages');
    putFinalPages(this.data, contestId, firstPage, pages, roundNo);
  }

  async dropFinalPages(contestId: string, fromPage: number, roundNo?: number) {
    await this.hook('dropFinalPages');
    const stored = this.data.finalPages.get(finalKey(contestId, roundNo)) ?? [];
    this.data.finalPages.set(finalKey(contestId, roundNo), stored.slice(0, fromPage));
  }
}

// ---- the whole engine, wired like functions/handlers/composition.ts ----

export interface FakeSystemOptions {
  units?: Unit[];
  clock?: Clock;
  rng?: Rng;
  newId?: (length?: number) => string;
  /** Distinct villages typed in a contest without a list (default: the production cap). */
  villageCap?: number;
}

export function fakeSystem(options: FakeSystemOptions = {}) {
  const clock = options.clock ?? new Clock();
  const rng = options.rng ?? seededRng(42);
  const newId = options.newId ?? sequentialIds();
  const units = new FakeUnitRepository(options.units ?? []);
  const users = new FakeUserRepository();
  const directory = new FakeStaffDirectory();
  const contests = new FakeContestRepository();
  const data = new FakeContestData();
  const attempts = new FakeAttemptStore(data);
  const standings = new FakeStandingsStore(data);

  const audit = new FakeAuditLog();
  const personData = new FakePersonDataStore(data);
  const library = new FakeLibraryRepository();
  const contestCases = contestUseCases({ contests, units, newId, now: clock.now, library });
  const libraryCases = libraryUseCases({ library, newId, now: clock.now });
  const attemptCases = attemptUseCases({ contests, attempts, newId, now: clock.now, rng, ...(options.villageCap !== undefined ? { villageCap: options.villageCap } : {}) });
  const standingsBase = standingsUseCases({
    contests,
    units,
    standings,
    attempts: attemptCases,
    contestCases,
    now: clock.now,
  });
  const unitCases = unitUseCases({ units, newId });
  const userCases = userUseCases({ users, directory, now: clock.now });
  const auditCases = auditUseCases({ audit, newId, now: clock.now });
  const privacyBase = privacyUseCases({ contests, attempts, standings, people: personData, audit: auditCases, now: clock.now, sleep: async () => {} });

  const jobs = new FakeJobStore();
  const files = new FakeFileStore();
  const ranking = finalRanking({ standings, jobs, partitions: PEOPLE_SHARDS, rowsPerPage: FINAL_PAGE_ROWS });
  const roundCases = roundUseCases({ contests, attempts: attemptCases, contestCases, now: clock.now });
  const kinds = {
    [CLOSE_KIND]: closeJobKind({ contests, contestCases, attempts: attemptCases, ranking, rounds: roundCases, now: clock.now, sleep: async () => {}, partitions: PEOPLE_SHARDS }),
    [PURGE_KIND]: purgeJobKind({ privacy: privacyBase, partitions: PEOPLE_SHARDS }),
    [RERANK_KIND]: rerankJobKind({ contests, standings, jobs, people: personData, now: clock.now, rowsPerPage: FINAL_PAGE_ROWS }),
  };
  const queued: string[] = [];
  const jobCases = jobUseCases({ jobs, queue: { enqueue: async (id) => void queued.push(id) }, kinds, newId, now: clock.now, sleep: async () => {} });
  /** Starts the close job and runs it to its end, as the runner would; the contest as the API shows it after. */
  async function close(contestId: string, owner = 'staff') {
    const job = await startClose({ contests, contestCases, attempts: attemptCases, jobs: jobCases, newId, now: clock.now }, contestId, owner);
    const ran = await jobCases.run(job.id);
    if (ran?.status === 'failed') throw Object.assign(new Error(ran.error?.message), { code: ran.error?.code, job: ran });
    return contestCases.get(contestId);
  }
  const standingsCases = { ...standingsBase, close };
  /** Runs every queued job to its end, as the runner would (a re-rank started by an erasure...). */
  async function runQueued() {
    while (queued.length) await jobCases.run(queued.shift()!);
  }
  const rerankStarter: RerankStarter = { start: (contestId, jobId) => jobCases.start(RERANK_KIND, contestId, 'staff', {}, jobId), newId: () => newId(16) };
  const privacyCases = {
    ...privacyBase,
    erasePerson: (phone: string, rerank: RerankStarter = rerankStarter) => privacyBase.erasePerson(phone, rerank),
    purgeExpired: (at: Date) => purgeDue({ privacy: privacyBase, jobs: jobCases }, at) };

  return {
    clock,
    units,
    users,
    directory,
    contests,
    data,
    attempts,
    standings,
    audit,
    personData,
    contestCases,
    attemptCases,
    standingsCases,
    library,
    libraryCases,
    unitCases,
    userCases,
    auditCases,
    privacyCases,
    jobs,
    files,
    jobCases,
    queued,
    runQueued,
  };
}

export type FakeSystem = ReturnType<typeof fakeSystem>;

// ---- background jobs ----

const stageKey = (jobId: string, run?: string) => (run === undefined ? jobId : `${jobId}#${run}`);

/** Jobs by id, with the version check of the adapter; `beforeNext` hooks make a write fail. */
export class FakeJobStore extends Interceptable<keyof JobStore> implements JobStore {
  readonly items = new Map<string, JobRecord>();
  readonly activeIds = new Set<string>();
  /** Staged pages by job id, or `<jobId>#<run>` for a close's sorted run. */
  readonly rows = new Map<string, FinalRow[][]>();
  async create(job: JobRecord) {
    await this.hook('create');
    if (this.items.has(job.id)) return false;
    this.items.set(job.id, copy(job));
    this.activeIds.add(job.id);
    return true;
  }
  async get(jobId: string) {
    await this.hook('get');
    const job = this.items.get(jobId);
    return job && copy(job);
  }
  async replace(job: JobRecord) {
    await this.hook('replace');
    const stored = this.items.get(job.id);
    if (!stored || stored.version !== job.version - 1) return false;
    this.items.set(job.id, copy(job));
    if (job.status === 'succeeded' || job.status === 'failed') this.activeIds.delete(job.id);
    return true;
  }
  async dropActive(jobId: string) {
    this.activeIds.delete(jobId);
  }
  async active() {
    return [...this.activeIds];
  }
  async putRowPages(jobId: string, firstPage: number, pages: FinalRow[][], run?: string) {
    await this.hook('putRowPages');
    const all = this.rows.get(stageKey(jobId, run)) ?? [];
    pages.forEach((p, i) => (all[firstPage + i] = copy(p)));
    this.rows.set(stageKey(jobId, run), all);
  }
  async dropRowPages(jobId: string, fromPage: number, run?: string) {
    this.rows.set(stageKey(jobId, run), (this.rows.get(stageKey(jobId, run)) ?? []).slice(0, fromPage));
  }
  async rowPages(jobId: string, fromPage: number, maxPages: number, run?: string) {
    await this.hook('rowPages');
    return copy((this.rows.get(stageKey(jobId, run)) ?? []).slice(fromPage, fromPage + maxPages));
  }
}

/** Multipart uploads in memory: parts by number, joined on completion. */
export class FakeFileStore extends Interceptable<keyof FileStore> implements FileStore {
  readonly minPartBytes = 1;
  readonly objects = new Map<string, Buffer>();
  readonly uploads = new Map<string, Map<number, Buffer>>();
  #next = 0;
  async startUpload(key: string) {
    await this.hook('startUpload');
    const id = `${key}#${++this.#next}`;
    this.uploads.set(id, new Map());
    return id;
  }
  async putPart(_key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
    await this.hook('putPart');
    this.uploads.get(uploadId)!.set(partNumber, Buffer.from(body));
    return { partNumber, etag: `"${uploadId}-${partNumber}"` };
  }
  async complete(key: string, uploadId: string, parts: UploadedPart[]) {
    await this.hook('complete');
    const upload = this.uploads.get(uploadId);
    if (!upload) {
      if (this.objects.has(key)) return;
      throw new Error('NoSuchUpload');
    }
    this.objects.set(key, Buffer.concat(parts.map((p) => upload.get(p.partNumber)!)));
    this.uploads.delete(uploadId);
  }
  async abort(_key: string, uploadId: string) {
    this.uploads.delete(uploadId);
  }
  async size(key: string) {
    return this.objects.get(key)?.length;
  }
  async signedUrl(key: string, _filename: string, now: Date, seconds: number) {
    return `https://files.test/${key}?expires=${now.getTime() + seconds * 1000}`;
  }
}
