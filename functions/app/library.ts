// Organizer use cases of the shared question library (contract v2). Published contests hold their
// own copies (app/contests.ts publish), so nothing here can change a published contest.
import { ImportInvalid, InvalidState, NotFound, ValidationFailed, type RowIssue } from '../domain/errors.ts';
import { checkLibraryQuestion, searchWords, type LibraryQuestion } from '../domain/library.ts';
import { LIMITS } from '../domain/limits.ts';
import { cleanText } from '../domain/names.ts';
import type { QuestionInput } from '../domain/question.ts';
import type { LibraryRepository } from './contest-ports.ts';

export interface LibraryDeps {
  library: LibraryRepository;
  newId: (length?: number) => string;
  now: () => Date;
}

export const DEFAULT_PAGE = 50;

export function libraryQuestionView(q: LibraryQuestion) {
  const { createdAt: _c, ...rest } = q;
  return { ...rest, multiple: q.correct.length > 1 };
}

/** Ids sort in creation order (time, then sequence), so the library lists as it was filled. */
const questionId = (nowMs: number, seq: number, random: string) =>
  `${nowMs.toString(36).padStart(9, '0')}${seq.toString(36).padStart(3, '0')}${random}`;

export function libraryUseCases(deps: LibraryDeps) {
  const { library, newId, now } = deps;

  async function room(adding: number, fromFile: boolean): Promise<void> {
    const existing = (await library.topics()).reduce((sum, t) => sum + t.questions, 0);
    const max = LIMITS.libraryQuestions.max;
    if (existing + adding > max) {
      const message = `the library holds at most ${max} questions (it has ${existing})`;
      throw fromFile ? new ImportInvalid([{ row: 0, message }]) : new ValidationFailed([{ field: 'questions', message }]);
    }
  }

  function stamp(inputs: (QuestionInput & { topic: string })[], idOf?: (i: number) => string): LibraryQuestion[] {
    const at = now();
    return inputs.map((q, i) => ({
      id: idOf ? idOf(i) : questionId(at.getTime(), i, newId(4)),
      ...q,
      usedBy: [],
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    }));
  }

  async function load(questionId: string): Promise<LibraryQuestion> {
    const q = await library.get(questionId);
    if (!q) throw new NotFound('Question', questionId);
    return q;
  }

  return {
    async list(query: { topic?: string; q?: string; limit?: number; cursor?: string }) {
      const topic = query.topic === undefined ? undefined : cleanText(query.topic) || undefined;
      const page = await library.list({ topic, words: searchWords(query.q), limit: query.limit ?? DEFAULT_PAGE, cursor: query.cursor });
      return { items: page.items.map(libraryQuestionView), ...(page.next ? { next: page.next } : {}) };
    },
    async topics() {
      return { items: await library.topics() };
    },
    async add(input: QuestionInput) {
      const { question, issues } = checkLibraryQuestion(input);
      if (issues.length) throw new ValidationFailed(issues);
      await room(1, false);
      const [stored] = stamp([question]);
      await library.add([stored!]);
      return libraryQuestionView(stored!);
    },
    /**
     * All or nothing: every row is checked (a topic on each) before anything is stored. `rows[i]`
     * came from spreadsheet row `sheetRows[i]`.
     */
    async importQuestions(rows: QuestionInput[], sheetRows: readonly number[] = [], options: { idOf?: (i: number) => string } = {}) {
      if (rows.length > 0 && rows.every((r) => !r.topic)) {
        throw new ImportInvalid([
          { row: 0, message: 'Thiếu cột "Chủ đề" (topic): ngân hàng câu hỏi dùng chung cần chủ đề của mỗi câu hỏi để cuộc thi rút theo chủ đề' },
        ]);
      }
      const issues: RowIssue[] = [];
      const questions = rows.map((row, i) => {
        const { question, issues: rowIssues } = checkLibraryQuestion(row);
        const at = sheetRows[i] ?? i + 2;
        for (const issue of rowIssues) {
          issues.push({ row: at, message: issue.field === 'topic' && issue.message === 'required' ? 'Thiếu chủ đề' : `${issue.field}: ${issue.message}` });
        }
        return question;
      });
      if (issues.length) throw new ImportInvalid(issues);
      if (questions.length === 0) throw new ImportInvalid([{ row: 0, message: 'Tệp không có câu hỏi nào' }]);
      let stamped = stamp(questions, options.idOf);
      if (options.idOf) {
        // Ids chosen by the caller (the demo seed) make a repeated import skip what is already stored.
        const stored = new Set((await library.ofTopics([...new Set(stamped.map((q) => q.topic))])).map((q) => q.id));
        stamped = stamped.filter((q) => !stored.has(q.id));
      }
      await room(stamped.length, true);
      await library.add(stamped);
      const total = (await library.topics()).reduce((sum, t) => sum + t.questions, 0);
      return { imported: stamped.length, total };
    },
    async update(questionId: string, input: QuestionInput) {
      const { question, issues } = checkLibraryQuestion(input);
      if (issues.length) throw new ValidationFailed(issues);
      const previous = await load(questionId);
      // Strictly later, so the optimistic check on updatedAt tells two edits in one millisecond apart.
      const at = new Date(Math.max(now().getTime(), Date.parse(previous.updatedAt) + 1)).toISOString();
      const { explanation: _old, ...kept } = previous;
      const next: LibraryQuestion = { ...kept, ...question, updatedAt: at };
      if (!(await library.replace(previous, next))) {
        throw new InvalidState('The question was changed or deleted by someone else; reload and try again');
      }
      return libraryQuestionView(next);
    },
    async delete(questionId: string) {
      const q = await load(questionId);
      if (!(await library.delete(q))) throw new NotFound('Question', questionId);
    },
  };
}

export type LibraryUseCases = ReturnType<typeof libraryUseCases>;
