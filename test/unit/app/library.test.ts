// Issue 13: the library's use cases and a contest drawing from it, on in-memory fakes.
import { describe, expect, it } from 'vitest';
import { MAX_BANK_SIZE } from '../../../functions/app/contests.ts';
import type { FakeSystem } from '../../factories/fakes.ts';
import { bankRows, contestBody, openContest, participant, rejection, system } from './helpers.ts';

const row = (i: number, topic: string) => ({ text: `Câu ${i} về ${topic}?`, options: [`Đúng ${i}`, `Sai ${i}`], correct: [0], topic });

async function fill(sys: FakeSystem, perTopic: Record<string, number>) {
  const rows = Object.entries(perTopic).flatMap(([topic, n]) => Array.from({ length: n }, (_, i) => row(i, topic)));
  return sys.libraryCases.importQuestions(rows, rows.map((_, i) => i + 2));
}

async function libraryContest(sys: FakeSystem, draw: { topic: string; count: number }[]) {
  const created = await sys.contestCases.create(contestBody({ questionsPerAttempt: draw.reduce((s, q) => s + q.count, 0), draw }), 'staff-1');
  return sys.contestCases.publish(created.id);
}

describe('libraryUseCases', () => {
  it('imports all or nothing, a topic on every row, and counts per topic', async () => {
    const sys = system();
    const missing = await rejection(() => sys.libraryCases.importQuestions([row(1, 'A'), { ...row(2, 'A'), topic: '' }, row(3, 'B')], [2, 3, 4]));
    expect(missing).toMatchObject({ code: 'IMPORT_INVALID', details: [{ row: 3, message: 'Thiếu chủ đề' }] });
    const noColumn = await rejection(() => sys.libraryCases.importQuestions(bankRows(2).map(({ topic: _t, ...q }) => q)));
    expect(noColumn).toMatchObject({ code: 'IMPORT_INVALID', details: [{ row: 0, message: expect.stringContaining('Chủ đề') }] });
    expect(sys.library.questions.size).toBe(0);
    expect(await fill(sys, { A: 3, B: 2 })).toEqual({ imported: 5, total: 5 });
    expect(await sys.libraryCases.topics()).toEqual({ items: [{ topic: 'A', questions: 3 }, { topic: 'B', questions: 2 }] });
  });

  it('a caller-chosen id makes a repeated import add nothing (the demo seed)', async () => {
    const sys = system();
    const rows = [row(1, 'A'), row(2, 'A')];
    const idOf = (i: number) => `seed-${i}`;
    expect((await sys.libraryCases.importQuestions(rows, [], { idOf })).imported).toBe(2);
    expect((await sys.libraryCases.importQuestions(rows, [], { idOf })).imported).toBe(0);
    expect(sys.library.questions.size).toBe(2);
  });

  it('edits keep usedBy; a concurrent edit is refused', async () => {
    const sys = system();
    const q = await sys.libraryCases.add(row(1, 'A'));
    sys.library.questions.get(q.id)!.usedBy = ['c1'];
    sys.clock.advance(1000);
    const edited = await sys.libraryCases.update(q.id, { ...row(9, 'B'), explanation: 'Vì thế' });
    expect(edited).toMatchObject({ topic: 'B', usedBy: ['c1'], explanation: 'Vì thế' });
    sys.library.beforeNext('replace', () => void (sys.library.questions.get(q.id)!.updatedAt = 'someone else'));
    expect(await rejection(() => sys.libraryCases.update(q.id, row(2, 'B')))).toMatchObject({ code: 'INVALID_STATE' });
    expect(await rejection(() => sys.libraryCases.update('khong-co', row(2, 'B')))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('a contest drawing from the library', () => {
  it('publishes a snapshot of its topics and records usedBy', async () => {
    const sys = system();
    await fill(sys, { A: 4, B: 5, C: 3 });
    const contest = await libraryContest(sys, [{ topic: 'A', count: 2 }, { topic: 'B', count: 3 }]);
    expect(contest).toMatchObject({ status: 'published', questionCount: 9 });
    const bank = await sys.contestCases.questions(contest.id);
    expect(bank.map((q) => q.topic).sort()).toEqual([...'AAAABBBBB']);
    const used = [...sys.library.questions.values()].filter((q) => q.usedBy.includes(contest.id));
    expect(used.map((q) => q.id).sort()).toEqual(bank.map((q) => q.id).sort());
  });

  it('names every short topic and stays a draft', async () => {
    const sys = system();
    await fill(sys, { A: 1, B: 5 });
    const created = await sys.contestCases.create(contestBody({ questionsPerAttempt: 5, draw: [{ topic: 'A', count: 2 }, { topic: 'B', count: 2 }, { topic: 'Z', count: 1 }] }), 'staff-1');
    const e = await rejection(() => sys.contestCases.publish(created.id));
    expect(e).toMatchObject({ code: 'NOT_ENOUGH_QUESTIONS', details: { topics: [{ topic: 'A', needed: 2, available: 1 }, { topic: 'Z', needed: 1, available: 0 }] } });
    expect(sys.contests.stored(created.id)!.status).toBe('draft');
    expect(await sys.contestCases.questions(created.id)).toEqual([]);
  });

  it(`refuses a snapshot over a contest bank's ${MAX_BANK_SIZE} questions`, async () => {
    const sys = system();
    await fill(sys, { A: MAX_BANK_SIZE + 1 });
    const created = await sys.contestCases.create(contestBody({ questionsPerAttempt: 5, draw: [{ topic: 'A', count: 5 }] }), 'staff-1');
    expect(await rejection(() => sys.contestCases.publish(created.id))).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'draw' }] });
  });

  it('a library edit or delete after publish changes nothing published', async () => {
    const sys = system();
    await fill(sys, { A: 3, B: 3 });
    const contest = await libraryContest(sys, [{ topic: 'A', count: 1 }, { topic: 'B', count: 2 }]);
    const before = await sys.contestCases.questions(contest.id);
    const [first, second] = [...sys.library.questions.values()];
    await sys.libraryCases.update(first!.id, row(99, 'B'));
    await sys.libraryCases.delete(second!.id);
    await fill(sys, { A: 2 });
    expect(await sys.contestCases.questions(contest.id)).toEqual(before);
    const attempt = await sys.attemptCases.start(contest.id, participant(1));
    const texts = new Map(before.map((q) => [q.id, q.text]));
    for (const q of attempt.questions) expect(q.text).toBe(texts.get(q.id));
  });

  it('every start meets the quotas and makes the same storage calls as a start on an own bank', async () => {
    const sys = system();
    await fill(sys, { A: 6, B: 6 });
    const fromLibrary = await libraryContest(sys, [{ topic: 'A', count: 2 }, { topic: 'B', count: 3 }]);
    const own = await openContest(sys, {}, 12);
    const topicOf = new Map((await sys.contestCases.questions(fromLibrary.id)).map((q) => [q.id, q.topic]));

    // Count every port call of the start path, per contest, after one warm-up start each (caches).
    const calls = new Map<string, number>();
    for (const repo of [sys.contests, sys.attempts] as unknown as Record<string, (...a: unknown[]) => unknown>[]) {
      for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(repo))) {
        const fn = repo[name];
        if (name === 'constructor' || typeof fn !== 'function') continue;
        repo[name] = (...args: unknown[]) => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          return fn.apply(repo, args);
        };
      }
    }
    const countStarts = async (contestId: string, from: number) => {
      await sys.attemptCases.start(contestId, participant(from));
      calls.clear();
      const drawn = [];
      for (let i = 1; i <= 20; i++) drawn.push(await sys.attemptCases.start(contestId, participant(from + i)));
      return { calls: new Map(calls), drawn };
    };
    const library = await countStarts(fromLibrary.id, 100);
    const v1 = await countStarts(own.id, 200);
    expect(library.calls).toEqual(v1.calls);
    expect(library.calls.get('reserveAttempt')).toBe(20);
    expect(library.calls.get('questions') ?? 0).toBe(0);
    for (const a of library.drawn) {
      const topics = a.questions.map((q) => topicOf.get(q.id));
      expect([topics.filter((t) => t === 'A').length, topics.filter((t) => t === 'B').length]).toEqual([2, 3]);
    }
  });
});
