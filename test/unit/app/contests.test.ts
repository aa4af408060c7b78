import { describe, expect, it } from 'vitest';
import { MAX_BANK_SIZE } from '../../../functions/app/contests.ts';
import {
  ImportInvalid,
  InvalidState,
  NotEnoughQuestions,
  NotFound,
  ValidationFailed,
} from '../../../functions/domain/errors.ts';
import { bankRows, contestBody, openContest, rejection, system } from './helpers.ts';

describe('contestUseCases.create', () => {
  it('stores a normalised draft with defaults and returns the admin view', async () => {
    const sys = system();
    const view = await sys.contestCases.create(
      contestBody({
        title: '  Tìm hiểu   CCHC\u200b 2024 ',
        startsAt: '2024-06-01T07:00:00+07:00',
        villages: [' Thôn  1 ', 'Thôn 2'],
        prediction: { prompt: '   ' },
        showAnswers: undefined,
      }),
      'staff-1',
    );
    expect(view).toMatchObject({
      status: 'draft',
      phase: 'draft',
      questionCount: 0,
      title: 'Tìm hiểu CCHC 2024',
      startsAt: '2024-06-01T00:00:00.000Z',
      villages: ['Thôn 1', 'Thôn 2'],
      prediction: null,
      showAnswers: 'after_close',
      createdAt: sys.clock.iso(),
    });
    // Internal bookkeeping stays out of the staff view.
    expect(view).not.toHaveProperty('version');
    expect(view).not.toHaveProperty('createdBy');
    expect(sys.contests.stored(view.id)).toMatchObject({ version: 1, createdBy: 'staff-1' });
  });

  it.each([
    ['endsAt before startsAt', { endsAt: '2024-05-31T00:00:00.000Z' }, 'endsAt'],
    ['endsAt equal to startsAt', { endsAt: '2024-06-01T00:00:00.000Z' }, 'endsAt'],
    ['no question drawn', { questionsPerAttempt: 0 }, 'questionsPerAttempt'],
    ['too many drawn', { questionsPerAttempt: 201 }, 'questionsPerAttempt'],
    ['a fractional draw', { questionsPerAttempt: 2.5 }, 'questionsPerAttempt'],
    ['too short a time limit', { timeLimitSec: 29 }, 'timeLimitSec'],
    ['too long a time limit', { timeLimitSec: 14_401 }, 'timeLimitSec'],
    ['no attempt', { maxAttempts: 0 }, 'maxAttempts'],
    ['too many attempts', { maxAttempts: 101 }, 'maxAttempts'],
    ['a two-letter title', { title: ' ab ' }, 'title'],
    ['no unit', { unitIds: [] }, 'unitIds'],
    ['a unit twice', { unitIds: ['u-nd', 'u-nd'] }, 'unitIds'],
    ['a village twice', { villages: ['Thôn 1', 'thôn 1'] }, 'villages'],
    ['a too short prediction prompt', { prediction: { prompt: 'ab' } }, 'prediction.prompt'],
  ])('refuses %s (ValidationFailed on %s) and stores nothing', async (_label, patch, field) => {
    const sys = system();
    const e = await rejection(() => sys.contestCases.create(contestBody(patch)));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect((e as ValidationFailed).details.map((d) => d.field)).toContain(field);
    expect(sys.contests.contests.size).toBe(0);
  });

  it('names each unknown unit by its position: unitIds.N', async () => {
    const sys = system();
    const e = await rejection(() => sys.contestCases.create(contestBody({ unitIds: ['u-nd', 'u-ghost', 'u-pn', 'u-nope'] })));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect((e as ValidationFailed).details).toEqual([
      { field: 'unitIds.1', message: expect.stringContaining('u-ghost') },
      { field: 'unitIds.3', message: expect.stringContaining('u-nope') },
    ]);
    expect(sys.contests.contests.size).toBe(0);
  });

  it('lists contests newest first, with their bank sizes', async () => {
    const sys = system();
    const first = await sys.contestCases.create(contestBody({ title: 'Cuộc thi thứ nhất' }));
    sys.clock.advanceSec(60);
    const second = await sys.contestCases.create(contestBody({ title: 'Cuộc thi thứ hai' }));
    await sys.contestCases.importQuestions(first.id, bankRows(3), []);
    const list = await sys.contestCases.list();
    expect(list.map((c) => [c.id, c.questionCount])).toEqual([
      [second.id, 0],
      [first.id, 3],
    ]);
  });

  it('get of an unknown contest is NotFound', async () => {
    await expect(system().contestCases.get('nope')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('contestUseCases.update', () => {
  it('a draft may change any field, re-validated as a whole', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    sys.clock.advanceSec(10);
    const view = await sys.contestCases.update(id, { title: 'Tên mới của cuộc thi', questionsPerAttempt: 10, unitIds: ['u-pn'] });
    expect(view).toMatchObject({ title: 'Tên mới của cuộc thi', questionsPerAttempt: 10, unitIds: ['u-pn'], updatedAt: sys.clock.iso() });
    expect(sys.contests.stored(id)!.version).toBe(2);

    const e = await rejection(() => sys.contestCases.update(id, { startsAt: '2024-07-01T00:00:00.000Z' }));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect((e as ValidationFailed).details).toEqual([{ field: 'endsAt', message: 'must be after startsAt' }]);
  });

  it('the award issuer: normalised, blank optional lines left out, checked, and editable once published (awards are printed late)', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(
      contestBody({ issuer: { body: ' Ban Tổ chức  cuộc thi ', parentBody: '  ', signerTitle: 'Trưởng ban', signerName: 'A Văn Nam', place: 'Tu Mơ Rông' } }),
    );
    expect(sys.contests.stored(id)!.issuer).toEqual({ body: 'Ban Tổ chức cuộc thi', signerTitle: 'Trưởng ban', signerName: 'A Văn Nam', place: 'Tu Mơ Rông' });
    const bad = await rejection(() => sys.contestCases.update(id, { issuer: { body: '', signerTitle: 'Trưởng ban', signerName: 'x'.repeat(151) } }));
    expect((bad as ValidationFailed).details).toEqual([
      { field: 'issuer.body', message: expect.any(String) },
      { field: 'issuer.signerName', message: expect.any(String) },
    ]);
    const open = await openContest(sys);
    const view = await sys.contestCases.update(open.id, { issuer: { body: 'UBND xã', signerTitle: 'Chủ tịch', signerName: 'Y Hoa' } });
    expect(view.issuer).toEqual({ body: 'UBND xã', signerTitle: 'Chủ tịch', signerName: 'Y Hoa' });
    expect((await sys.contestCases.update(open.id, { issuer: null })).issuer).toBeNull();
  });

  it('a draft update with an unknown unit is refused with unitIds.N', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    const e = await rejection(() => sys.contestCases.update(id, { unitIds: ['u-pn', 'u-ghost'] }));
    expect((e as ValidationFailed).details).toEqual([{ field: 'unitIds.1', message: expect.any(String) }]);
    expect(sys.contests.stored(id)!.unitIds).toEqual(contestBody().unitIds);
  });

  it.each([
    ['description', { description: 'Mô tả mới' }],
    ['rules', { rules: 'Thể lệ mới' }],
    ['a later endsAt', { endsAt: '2024-07-15T17:00:00.000Z' }],
    ['all three at once', { description: 'Mô tả', rules: 'Thể lệ', endsAt: '2024-07-01T00:00:00.000Z' }],
    ['other fields sent unchanged (a form sends all it shows)', { title: 'Tìm hiểu cải cách hành chính 2024', maxAttempts: 3, rules: 'Mới' }],
  ])('a published contest accepts %s', async (_label, patch) => {
    const sys = system();
    const { id } = await openContest(sys);
    const view = await sys.contestCases.update(id, patch);
    expect(view).toMatchObject(patch);
    expect(view.status).toBe('published');
  });

  it.each([
    ['title', { title: 'Tên khác hẳn' }],
    ['startsAt', { startsAt: '2024-06-02T00:00:00.000Z' }],
    ['questionsPerAttempt', { questionsPerAttempt: 6 }],
    ['timeLimitSec', { timeLimitSec: 600 }],
    ['maxAttempts', { maxAttempts: 5 }],
    ['unitIds', { unitIds: ['u-nd'] }],
    ['villages', { villages: ['Thôn 9'] }],
    ['prediction', { prediction: null }],
    ['showAnswers', { showAnswers: 'after_submit' as const }],
  ])('a published contest refuses a change of %s with InvalidState', async (field, patch) => {
    const sys = system();
    const { id } = await openContest(sys);
    const before = sys.contests.stored(id);
    const e = await rejection(() => sys.contestCases.update(id, { description: 'Mô tả mới', ...patch }));
    expect(e).toBeInstanceOf(InvalidState);
    expect(e.details).toEqual({ fields: [field] });
    expect(sys.contests.stored(id)).toEqual(before);
  });

  it('a published contest accepts its endsAt written in another offset (same instant: no change)', async () => {
    const sys = system();
    const { id } = await openContest(sys);
    const view = await sys.contestCases.update(id, { endsAt: '2024-07-01T00:00:00+07:00', description: 'Mô tả mới' });
    expect(view.endsAt).toBe('2024-06-30T17:00:00.000Z');
  });

  it('a published contest can only end later', async () => {
    const sys = system();
    const { id } = await openContest(sys);
    const e = await rejection(() => sys.contestCases.update(id, { endsAt: '2024-06-20T00:00:00.000Z' }));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect((e as ValidationFailed).details[0]!.field).toBe('endsAt');
  });

  it('a closed contest changes nothing', async () => {
    const sys = system();
    const { id } = await openContest(sys);
    await sys.standingsCases.close(id);
    await expect(sys.contestCases.update(id, { description: 'Mô tả mới' })).rejects.toBeInstanceOf(InvalidState);
  });

  it('a concurrent edit makes the stale one fail with InvalidState (version check)', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    // Someone else saves between our read and our write.
    sys.contests.beforeNext('replace', () => sys.contests.touch(id));
    const e = await rejection(() => sys.contestCases.update(id, { title: 'Tên của tôi' }));
    expect(e).toBeInstanceOf(InvalidState);
    expect(sys.contests.stored(id)!.title).toBe(contestBody().title);
  });
});

describe('contestUseCases.publish', () => {
  it('needs at least questionsPerAttempt questions in the bank', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody({ questionsPerAttempt: 5 }));
    await sys.contestCases.importQuestions(id, bankRows(4), []);
    const e = await rejection(() => sys.contestCases.publish(id));
    expect(e).toBeInstanceOf(NotEnoughQuestions);
    expect(e.details).toEqual({ needed: 5, available: 4 });
    expect(sys.contests.stored(id)!.status).toBe('draft');

    await sys.contestCases.addQuestion(id, bankRows(5)[4]!);
    const view = await sys.contestCases.publish(id);
    expect(view).toMatchObject({ status: 'published', phase: 'open', publishedAt: sys.clock.iso(), questionCount: 5 });
  });

  it('refuses a contest whose end has passed', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    await sys.contestCases.importQuestions(id, bankRows(5), []);
    sys.clock.set('2024-07-01T00:00:00.000Z');
    await expect(sys.contestCases.publish(id)).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('publishing twice is InvalidState', async () => {
    const sys = system();
    const { id } = await openContest(sys);
    await expect(sys.contestCases.publish(id)).rejects.toBeInstanceOf(InvalidState);
  });

  it('a published contest before its start is scheduled', async () => {
    const sys = system();
    const view = await openContest(sys, { startsAt: '2024-06-20T00:00:00.000Z' });
    expect(view.phase).toBe('scheduled');
  });
});

describe('contestUseCases: the question bank', () => {
  it('adds a cleaned question to a draft and lists it with its key', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    const q = await sys.contestCases.addQuestion(id, { text: '  Hỏi   gì? ', options: ['Có', ' Không '], correct: [1, 1] });
    expect(q).toMatchObject({ text: 'Hỏi gì?', options: ['Có', 'Không'], correct: [1], multiple: false });
    const multi = await sys.contestCases.addQuestion(id, { text: 'Chọn hai', options: ['A', 'B', 'C'], correct: [2, 0] });
    expect(multi).toMatchObject({ correct: [0, 2], multiple: true });
    expect((await sys.contestCases.questions(id)).map((x) => x.id)).toEqual([q.id, multi.id]);
  });

  it('refuses an invalid question with ValidationFailed', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    const e = await rejection(() => sys.contestCases.addQuestion(id, { text: '', options: ['Có', 'có'], correct: [3] }));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect((e as ValidationFailed).details.map((d) => d.field)).toEqual(['text', 'options.1', 'correct']);
    expect(await sys.contests.countQuestions(id)).toBe(0);
  });

  it.each([
    ['addQuestion', (sys: ReturnType<typeof system>, id: string) => sys.contestCases.addQuestion(id, bankRows(1)[0]!)],
    ['importQuestions', (sys: ReturnType<typeof system>, id: string) => sys.contestCases.importQuestions(id, bankRows(2), [])],
    ['deleteQuestion', async (sys: ReturnType<typeof system>, id: string) => {
      const [q] = await sys.contests.questions(id);
      return sys.contestCases.deleteQuestion(id, q!.id);
    }],
  ])('%s is InvalidState once the contest is published', async (_label, act) => {
    const sys = system();
    const { id } = await openContest(sys);
    await expect(act(sys, id)).rejects.toBeInstanceOf(InvalidState);
    expect(await sys.contests.countQuestions(id)).toBe(8);
  });

  it('the store itself refuses questions for a non-draft (a publish racing an add)', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    await sys.contestCases.importQuestions(id, bankRows(5), []);
    // The draft check of the use case passes, then the contest is published before the write.
    sys.contests.beforeNext('addQuestions', async () => {
      await sys.contestCases.publish(id);
    });
    await expect(sys.contestCases.addQuestion(id, bankRows(1)[0]!)).rejects.toBeInstanceOf(InvalidState);
    expect(await sys.contests.countQuestions(id)).toBe(5);
  });

  it('deletes a question of a draft; an unknown one is NotFound', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    await sys.contestCases.importQuestions(id, bankRows(3), []);
    const [first] = await sys.contestCases.questions(id);
    await sys.contestCases.deleteQuestion(id, first!.id);
    expect((await sys.contestCases.questions(id)).map((q) => q.id)).not.toContain(first!.id);
    await expect(sys.contestCases.deleteQuestion(id, first!.id)).rejects.toBeInstanceOf(NotFound);
  });

  it('question operations on an unknown contest are NotFound', async () => {
    const sys = system();
    await expect(sys.contestCases.addQuestion('nope', bankRows(1)[0]!)).rejects.toBeInstanceOf(NotFound);
    await expect(sys.contestCases.questions('nope')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('contestUseCases.importQuestions', () => {
  it('imports every row and reports the new bank size', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    await sys.contestCases.addQuestion(id, bankRows(1)[0]!);
    expect(await sys.contestCases.importQuestions(id, bankRows(4), [])).toEqual({ imported: 4, total: 5 });
    // Listed in the order they were typed: the form's one, then the file's rows.
    const texts = (await sys.contestCases.questions(id)).map((q) => q.text);
    expect(texts).toEqual([bankRows(1)[0]!.text, ...bankRows(4).map((r) => r.text)]);
  });

  it('one bad row rejects the whole file with ImportInvalid; nothing is stored', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    const rows = bankRows(5);
    rows[2] = { ...rows[2]!, correct: [7] };
    rows[4] = { ...rows[4]!, options: ['Chỉ một'] };
    const e = await rejection(() => sys.contestCases.importQuestions(id, rows, []));
    expect(e).toBeInstanceOf(ImportInvalid);
    // Rows as Excel shows them: with no row numbers given, question i sits on row i + 2 (header = 1).
    expect((e as ImportInvalid).details.map((d) => d.row)).toEqual([4, 6, 6]);
    expect((e as ImportInvalid).details[0]!.message).toMatch(/^correct: /);
    expect(await sys.contests.countQuestions(id)).toBe(0);
  });

  it('reports and previews the spreadsheet rows the reader gives (blank rows in between)', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    const rows = bankRows(3);
    const preview = await sys.contestCases.previewImport(id, rows, [], [2, 5, 9]);
    expect(preview.questions.map((q) => q.row)).toEqual([2, 5, 9]);
    rows[1] = { ...rows[1]!, correct: [7] };
    const e = await rejection(() => sys.contestCases.importQuestions(id, rows, [], [2, 5, 9]));
    expect((e as ImportInvalid).details.map((d) => d.row)).toEqual([5]);
  });

  it('errors reported by the file reader also reject it, listed first', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    const e = await rejection(() => sys.contestCases.importQuestions(id, bankRows(3), [{ row: 7, message: 'ô lỗi #N/A' }]));
    expect((e as ImportInvalid).details).toEqual([{ row: 7, message: 'ô lỗi #N/A' }]);
    expect(await sys.contests.countQuestions(id)).toBe(0);
  });

  it('an empty file is ImportInvalid on row 0', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    const e = await rejection(() => sys.contestCases.importQuestions(id, [], []));
    expect(e).toBeInstanceOf(ImportInvalid);
    expect((e as ImportInvalid).details).toEqual([{ row: 0, message: expect.any(String) }]);
  });

  it(`caps the bank at ${MAX_BANK_SIZE} questions`, async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    await sys.contestCases.importQuestions(id, bankRows(MAX_BANK_SIZE - 1), []);

    const over = await rejection(() => sys.contestCases.importQuestions(id, bankRows(2), []));
    expect(over).toBeInstanceOf(ImportInvalid);
    expect((over as ImportInvalid).details[0]!.row).toBe(0);
    expect(await sys.contests.countQuestions(id)).toBe(MAX_BANK_SIZE - 1);

    await sys.contestCases.addQuestion(id, bankRows(1)[0]!);
    expect(await sys.contests.countQuestions(id)).toBe(MAX_BANK_SIZE);
    await expect(sys.contestCases.addQuestion(id, bankRows(1)[0]!)).rejects.toBeInstanceOf(ValidationFailed);
    expect(await sys.contests.countQuestions(id)).toBe(MAX_BANK_SIZE);
  });

  it('a file larger than the cap stores nothing', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    await expect(sys.contestCases.importQuestions(id, bankRows(MAX_BANK_SIZE + 1), [])).rejects.toBeInstanceOf(ImportInvalid);
    expect(await sys.contests.countQuestions(id)).toBe(0);
  });
});

describe('contestUseCases.previewImport (dry run)', () => {
  it('returns the cleaned questions and the bank size after, storing nothing', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    await sys.contestCases.importQuestions(id, bankRows(2), []);
    const rows = bankRows(5).map((r) => ({ ...r, text: `  ${r.text}  ` }));
    const preview = await sys.contestCases.previewImport(id, rows, []);
    expect(preview.total).toBe(7);
    expect(preview.questions).toHaveLength(5);
    expect(preview.questions[0]).toMatchObject({ text: bankRows(1)[0]!.text, multiple: false });
    expect(preview.questions[4]).toMatchObject({ correct: [0, 2], multiple: true });
    expect(preview.questions[0]).not.toHaveProperty('id');
    expect(await sys.contests.countQuestions(id)).toBe(2);
  });

  it('refuses what the import would refuse', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    const bad = bankRows(3);
    bad[1] = { ...bad[1]!, correct: [] };
    await expect(sys.contestCases.previewImport(id, bad, [])).rejects.toBeInstanceOf(ImportInvalid);
    await sys.contestCases.importQuestions(id, bankRows(MAX_BANK_SIZE - 1), []);
    await expect(sys.contestCases.previewImport(id, bankRows(2), [])).rejects.toBeInstanceOf(ImportInvalid);
    await sys.contestCases.publish(id);
    await expect(sys.contestCases.previewImport(id, bankRows(1), [])).rejects.toBeInstanceOf(InvalidState);
  });
});

describe('contestUseCases.updateQuestion', () => {
  it('replaces a draft question in place, keeping its id and its place in the bank', async () => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    await sys.contestCases.importQuestions(id, bankRows(3), []);
    const before = await sys.contestCases.questions(id);
    const updated = await sys.contestCases.updateQuestion(id, before[1]!.id, { text: ' Câu đã sửa? ', options: ['Đúng', 'Sai', 'Không rõ'], correct: [0, 1] });
    expect(updated).toEqual({ id: before[1]!.id, text: 'Câu đã sửa?', options: ['Đúng', 'Sai', 'Không rõ'], correct: [0, 1], multiple: true });
    const after = await sys.contestCases.questions(id);
    expect(after.map((q) => q.id)).toEqual(before.map((q) => q.id));
    // A full replacement: the old explanation and topic are gone.
    expect(after[1]).toEqual(updated);
  });

  it.each([
    ['an unknown question', 'draft', 'nope', NotFound],
    ['an invalid question', 'draft', 'invalid', ValidationFailed],
    ['a question of a published contest', 'published', 'first', InvalidState],
  ])('refuses %s', async (_label, status, which, error) => {
    const sys = system();
    const { id } = await sys.contestCases.create(contestBody());
    await sys.contestCases.importQuestions(id, bankRows(5), []);
    if (status === 'published') await sys.contestCases.publish(id);
    const [first] = await sys.contests.questions(id);
    const questionId = which === 'nope' ? 'nope' : first!.id;
    const input = which === 'invalid' ? { text: 'Hỏi', options: ['Một'], correct: [0] } : { text: 'Hỏi', options: ['Có', 'Không'], correct: [0] };
    await expect(sys.contestCases.updateQuestion(id, questionId, input)).rejects.toBeInstanceOf(error);
    expect((await sys.contests.questions(id)).find((q) => q.id === first!.id)!.text).toBe(bankRows(1)[0]!.text);
    expect(await sys.contests.countQuestions(id)).toBe(5);
  });
});
