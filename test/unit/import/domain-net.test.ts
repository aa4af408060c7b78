// If the domain rules (checkQuestion) ever become stricter than the importer's
// own checks, the importer still reports the problem at the right row instead
// of handing the use case a question it will refuse.
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('../../../functions/domain/question.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../functions/domain/question.ts')>();
  return {
    ...real,
    checkQuestion: (input: Parameters<typeof real.checkQuestion>[0]) =>
      input.text.includes('STRICT')
        ? { question: input, issues: [{ field: 'options.1', message: 'at most 5 characters' }, { field: 'topic', message: 'bad' }] }
        : real.checkQuestion(input),
  };
});

// The unit project shares modules between the files of a worker (isolate: false): load the
// importer afresh so it sees the mock, and leave no mocked copy behind for the next file.
vi.resetModules();
const { parseQuestionFile } = await import('../../../functions/adapters/import/question-file.ts');
afterAll(() => {
  vi.doUnmock('../../../functions/domain/question.ts');
  vi.resetModules();
});

describe('domain safety net', () => {
  it('maps checkQuestion issues to Vietnamese column names at the data row', async () => {
    const text = 'question,a,b,correct\nfine,x,y,a\n\nSTRICT,x,y,a\n';
    const r = await parseQuestionFile(Buffer.from(text), 'text/csv');
    expect(r).toEqual({
      ok: false,
      errors: [
        { row: 4, message: 'Đáp án B: at most 5 characters' },
        { row: 4, message: 'Chủ đề: bad' },
      ],
    });
  });
});
