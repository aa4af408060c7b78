// Organizer use cases: contests and their question banks.
import { applyContestPatch, assertCanPublish, contestIssues, contestPhase, DEFAULT_RETENTION_DAYS, DEFAULT_SHOW_ANSWERS, personalDataDueAt, type ContestInput } from '../domain/contest.ts';
import { ImportInvalid, InvalidState, NotFound, ValidationFailed, type FieldIssue, type RowIssue } from '../domain/errors.ts';
import { checkQuestion, type Question, type QuestionInput } from '../domain/question.ts';
import { cleanText } from '../domain/names.ts';
import type { ContestRecord, ContestRepository, LibraryRepository } from './contest-ports.ts';
import { normalizeDraw } from '../domain/library.ts';
import { hasExplicitRounds, roundViews } from '../domain/rounds.ts';
import type { UnitRepository } from './ports.ts';

/** Largest bank a contest may hold: every attempt start draws from the whole bank, held in memory. */
export const MAX_BANK_SIZE = 2_000;

export interface ContestDeps {
  contests: ContestRepository;
  units: UnitRepository;
  newId: (length?: number) => string;
  now: () => Date;
  /** The shared library a contest with `draw` copies its questions from at publish. */
  library?: LibraryRepository;
}

export type ContestBody = Omit<ContestInput, 'villages'> & { villages?: string[] };

function normalizeInput<T extends Partial<ContestInput>>(input: T): T {
  const out = { ...input };
  if (out.title !== undefined) out.title = cleanText(out.title);
  if (out.villages !== undefined) out.villages = out.villages.map(cleanText);
  if (out.prediction) out.prediction = out.prediction.prompt.trim() === '' ? null : { prompt: cleanText(out.prediction.prompt) };
  if (out.issuer) {
    // Blank optional lines are left out, so the certificate prints no empty line for them.
    const { body, parentBody, place, signerTitle, signerName } = out.issuer;
    const parent = cleanText(parentBody ?? '');
    const at = cleanText(place ?? '');
    out.issuer = { body: cleanText(body), signerTitle: cleanText(signerTitle), signerName: cleanText(signerName), ...(parent ? { parentBody: parent } : {}), ...(at ? { place: at } : {}) };
  }
  if (out.description !== undefined) out.description = out.description.normalize('NFC').trim();
  if (out.rules !== undefined) out.rules = out.rules.normalize('NFC').trim();
  if (out.startsAt !== undefined) out.startsAt = new Date(out.startsAt).toISOString();
  if (out.endsAt !== undefined) out.endsAt = new Date(out.endsAt).toISOString();
  if (out.draw) out.draw = normalizeDraw(out.draw);
  if (out.rounds !== undefined) {
    out.rounds =
      out.rounds === null || out.rounds.length === 0
        ? null
        : out.rounds.map((r) => ({ name: cleanText(r.name), startsAt: new Date(r.startsAt).toISOString(), endsAt: new Date(r.endsAt).toISOString() }));
  }
  return out;
}

export function adminView(contest: ContestRecord, questionCount: number, now: Date) {
  const { version: _v, createdBy: _c, finalizedAt: _f, finalParticipants: _p, closeJobId: _j, erasedPhones: _e, rerankJobId: _r, roundState: _s, rounds: _rounds, ...rest } = contest;
  const dueAt = personalDataDueAt(contest);
  return {
    ...rest,
    rounds: roundViews(contest, now.getTime()),
    hasRounds: hasExplicitRounds(contest),
    // Closed but not yet final: its close job is still running (contract v2).
    status: contest.status === 'closed' && !contest.finalizedAt ? ('closing' as const) : contest.status,
    retentionDays: contest.retentionDays ?? DEFAULT_RETENTION_DAYS,
    ...(dueAt ? { personalDataDueAt: dueAt } : {}),
    phase: contestPhase(contest, now.getTime()),
    questionCount,
  };
}

export function questionView(q: Question) {
  return { ...q, multiple: q.correct.length > 1 };
}

/** Question ids sort in creation order (time, then sequence), so the bank lists as it was typed. */
const questionId = (nowMs: number, seq: number, random: string) =>
  `${nowMs.toString(36).padStart(9, '0')}${seq.toString(36).padStart(3, '0')}${random}`;

/** `sheetRows[i]` is the spreadsheet row (header = 1) question i came from; without it, rows are assumed back to back. */
function checkImportRows(rows: QuestionInput[], rowErrors: RowIssue[], sheetRows: readonly number[] = []): QuestionInput[] {
  const issues: RowIssue[] = [...rowErrors];
  const questions: QuestionInput[] = [];
  rows.forEach((row, i) => {
    const { question, issues: rowIssues } = checkQuestion(row);
    for (const issue of rowIssues) issues.push({ row: sheetRows[i] ?? i + 2, message: `${issue.field}: ${issue.message}` });
    questions.push(question);
  });
  if (issues.length) throw new ImportInvalid(issues);
  if (questions.length === 0) throw new ImportInvalid([{ row: 0, message: 'Tệp không có câu hỏi nào' }]);
  return questions;
}

export function contestUseCases(deps: ContestDeps) {
  const { contests, units, newId, now, library } = deps;

  async function load(contestId: string): Promise<ContestRecord> {
    const contest = await contests.get(contestId, true);
    if (!contest) throw new NotFound('Contest', contestId);
    return contest;
  }

  async function checkUnits(unitIds: string[]): Promise<void> {
    const known = new Set((await units.list()).map((u) => u.id));
    const issues: FieldIssue[] = unitIds.flatMap((id, i) => (known.has(id) ? [] : [{ field: `unitIds.${i}`, message: `unknown unit ${id}` }]));
    if (issues.length) throw new ValidationFailed(issues);
  }

  async function save(contest: ContestRecord): Promise<ContestRecord> {
    const next = { ...contest, version: contest.version + 1, updatedAt: now().toISOString() };
    if (!(await contests.replace(next))) throw new InvalidState('The contest was changed by someone else; reload and try again');
    return next;
  }

  async function assertDraft(contestId: string) {
    const contest = await load(contestId);
    if (contest.status !== 'draft') throw new InvalidState(`Questions of a ${contest.status} contest cannot change`);
    return contest;
  }

  /** The bank's size now; a file that would overflow it is an IMPORT_INVALID like any other bad file. */
  async function bankRoom(contestId: string, adding: number, fromFile: boolean): Promise<number> {
    const existing = await contests.countQuestions(contestId);
    if (existing + adding > MAX_BANK_SIZE) {
      const message = `a contest holds at most ${MAX_BANK_SIZE} questions (it has ${existing})`;
      throw fromFile ? new ImportInvalid([{ row: 0, message }]) : new ValidationFailed([{ field: 'questions', message }]);
    }
    return existing;
  }

  async function addChecked(contestId: string, inputs: QuestionInput[], fromFile = false): Promise<Question[]> {
    await bankRoom(contestId, inputs.length, fromFile);
    const t = now().getTime();
    const questions = inputs.map((q, i) => ({ id: questionId(t, i, newId(4)), ...q }));
    await contests.addQuestions(contestId, questions);
    return questions;
  }

  /**
   * Copies every library question of the contest's topics into its bank (the snapshot the attempts
   * draw from, so a later library edit changes nothing published), then publishes and records the
   * contest on the questions it copied.
   */
  async function publishFromLibrary(contest: ContestRecord, ownCount: number) {
    if (!library) throw new InvalidState('This deployment has no question library');
    const pool = contest.status === 'draft' ? await library.ofTopics(contest.draw!.map((q) => q.topic)) : [];
    const perTopic = new Map<string, number>();
    for (const q of pool) perTopic.set(q.topic, (perTopic.get(q.topic) ?? 0) + 1);
    assertCanPublish(contest, ownCount, now().getTime(), perTopic);
    // Every start holds the whole bank in memory: the snapshot keeps to a contest bank's bound.
    if (ownCount + pool.length > MAX_BANK_SIZE) {
      throw new ValidationFailed([
        { field: 'draw', message: `the chosen topics hold ${pool.length} questions; a contest holds at most ${MAX_BANK_SIZE}` },
      ]);
    }
    await contests.addQuestions(
      contest.id,
      pool.map(({ usedBy: _u, createdAt: _c, updatedAt: _a, ...q }) => q),
    );
    const saved = await save({ ...contest, status: 'published', publishedAt: now().toISOString() });
    await library.markUsed(contest.id, pool.map((q) => q.id));
    return adminView(saved, await contests.countQuestions(contest.id), now());
  }

  return {
    load,
    async list() {
      const all = await contests.list();
      const counts = await Promise.all(all.map((c) => contests.countQuestions(c.id)));
      return all
        .map((c, i) => adminView(c, counts[i]!, now()))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async get(contestId: string) {
      const contest = await load(contestId);
      return adminView(contest, await contests.countQuestions(contestId), now());
    },
    async create(body: ContestBody, createdBy?: string) {
      const { draw, ...rest } = body;
      const input = normalizeInput({ ...rest, villages: body.villages ?? [], prediction: body.prediction ?? null, ...(draw ? { draw } : {}) });
      const issues = contestIssues(input);
      if (issues.length) throw new ValidationFailed(issues);
      await checkUnits(input.unitIds);
      const at = now().toISOString();
      const contest: ContestRecord = {
        ...input,
        villages: input.villages ?? [],
        prediction: input.prediction ?? null,
        showAnswers: input.showAnswers ?? DEFAULT_SHOW_ANSWERS,
        retentionDays: input.retentionDays ?? DEFAULT_RETENTION_DAYS,
        id: newId(),
        status: 'draft',
        createdAt: at,
        updatedAt: at,
        ...(createdBy ? { createdBy } : {}),
        version: 1,
      };
      await contests.create(contest);
      return adminView(contest, 0, now());
    },
    async update(contestId: string, patch: Partial<ContestBody>) {
      const contest = await load(contestId);
      if (contest.purgedAt && patch.retentionDays !== undefined && patch.retentionDays !== contest.retentionDays) {
        throw new InvalidState('The phone numbers of this contest were already removed; its retention can no longer change', { fields: ['retentionDays'] });
      }
      const next = applyContestPatch(contest, normalizeInput(patch), now().getTime()) as ContestRecord;
      if (patch.unitIds) await checkUnits(next.unitIds);
      const saved = await save(next);
      return adminView(saved, await contests.countQuestions(contestId), now());
    },
    async publish(contestId: string) {
      const contest = await load(contestId);
      const count = await contests.countQuestions(contestId);
      if (contest.draw && contest.draw.length > 0) return publishFromLibrary(contest, count);
      assertCanPublish(contest, count, now().getTime());
      const saved = await save({ ...contest, status: 'published', publishedAt: now().toISOString() });
      return adminView(saved, count, now());
    },
    async questions(contestId: string) {
      await load(contestId);
      return (await contests.questions(contestId)).map(questionView);
    },
    async addQuestion(contestId: string, input: QuestionInput) {
      await assertDraft(contestId);
      const { question, issues } = checkQuestion(input);
      if (issues.length) throw new ValidationFailed(issues);
      const [stored] = await addChecked(contestId, [question]);
      return questionView(stored!);
    },
    /** All or nothing: every row is checked before anything is stored. */
    async importQuestions(contestId: string, rows: QuestionInput[], rowErrors: RowIssue[], sheetRows?: readonly number[]) {
      await assertDraft(contestId);
      const questions = checkImportRows(rows, rowErrors, sheetRows);
      await addChecked(contestId, questions, true);
      return { imported: questions.length, total: await contests.countQuestions(contestId) };
    },
    /** The same checks as importQuestions, nothing stored: what the bank would receive and its size after. */
    async previewImport(contestId: string, rows: QuestionInput[], rowErrors: RowIssue[], sheetRows: readonly number[] = []) {
      await assertDraft(contestId);
      const questions = checkImportRows(rows, rowErrors, sheetRows);
      const existing = await bankRoom(contestId, questions.length, true);
      return {
        questions: questions.map((q, i) => ({ ...q, multiple: q.correct.length > 1, row: sheetRows[i] ?? i + 2 })),
        total: existing + questions.length,
      };
    },
    /** Replaces a question of a draft in place (same id, so the bank keeps its order). */
    async updateQuestion(contestId: string, questionId: string, input: QuestionInput) {
      await assertDraft(contestId);
      const { question, issues } = checkQuestion(input);
      if (issues.length) throw new ValidationFailed(issues);
      if (!(await contests.questions(contestId)).some((q) => q.id === questionId)) throw new NotFound('Question', questionId);
      const stored = { id: questionId, ...question };
      await contests.addQuestions(contestId, [stored]);
      return questionView(stored);
    },
    async deleteQuestion(contestId: string, questionId: string) {
      await assertDraft(contestId);
      await contests.deleteQuestion(contestId, questionId);
    },
    save,
  };
}

export type ContestUseCases = ReturnType<typeof contestUseCases>;
