// Issue 13: the library's pure rules: search folding, topic quotas, draws by topic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawAttemptByTopic, drawForContest } from '../../../functions/domain/draw.ts';
import { NotEnoughQuestions } from '../../../functions/domain/errors.ts';
import { assertCanPublish, contestIssues } from '../../../functions/domain/contest.ts';
import { checkLibraryQuestion, drawIssues, matchesSearch, searchField, searchKey, searchWords, topicShortages } from '../../../functions/domain/library.ts';
import { cleanMultilineText } from '../../../functions/domain/names.ts';
import { checkQuestion } from '../../../functions/domain/question.ts';
import { makeContest, makeQuestion, seededRng } from '../../factories/domain.ts';

describe('searchKey and searchWords', () => {
  it.each([
    ['Một cửa', 'mot cua'],
    ['ĐƯỜNG DÂY NÓNG', 'duong day nong'],
    ['Cơ chế  một\tcửa\nliên thông', 'co che mot cua lien thong'],
    ['Dịch vụ công trực tuyến toàn trình', 'dich vu cong truc tuyen toan trinh'],
    // Combining marks (a keyboard that types them apart) fold the same way.
    ['Mo\u0323\u0302t cu\u031b\u0309a', 'mot cua'],
    ['Zalo', 'zalo'],
  ])('%s -> %s', (text, key) => expect(searchKey(text)).toBe(key));

  it.each([
    ['mot cua', 'Thủ tục theo cơ chế một cửa', true],
    ['MỘT CỬA', 'thủ tục theo cơ chế một cửa', true],
    ['cua mot', 'Một cửa', true],
    ['mot cua', 'Một lần', false],
    ['dd', 'đđ', true],
    ['', 'anything', true],
    // A word matches at the start of a word only: a digit does not find every number holding it.
    ['so 3', 'Dịch vụ công số 3 mx7pq63r?', true],
    ['3', 'Dịch vụ công số 1 mx7pq63r?', false],
    ['ban tin', 'chuyên mục "Bản tin điện tử"', true],
  ])('"%s" in "%s": %s', (q, text, expected) => expect(matchesSearch(searchKey(text), searchWords(q))).toBe(expected));

  it('stores a space before every word, punctuation dropped', () => {
    expect(searchField('Một cửa:\nđặt ở "đâu"?')).toBe(' mot cua dat o dau');
    expect(matchesSearch(searchField('Một cửa:\nđặt ở đâu?'), searchWords('cửa: đâu'))).toBe(true);
  });

  it('keeps at most 8 distinct words', () => {
    expect(searchWords('a b a c d e f g h i j')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('every word of a text finds that text (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('một', 'cửa', 'Đăng', 'ký', 'hộ', 'tịch', 'Xã', 'Tư', 'Mơ', 'Rông'), { minLength: 1, maxLength: 8 }), fc.nat(), (words, pick) => {
        const text = words.join(' ');
        const word = words[pick % words.length]!;
        expect(matchesSearch(searchKey(text), searchWords(searchKey(word)))).toBe(true);
      }),
    );
  });
});

describe('question text keeps its line breaks', () => {
  it.each([
    ['Câu hỏi:\nA hay B?', 'Câu hỏi:\nA hay B?'],
    ['Dòng 1\r\nDòng 2', 'Dòng 1\nDòng 2'],
    ['  Dòng   1  \r  Dòng 2  ', 'Dòng 1\nDòng 2'],
    ['Một\n\n\n\nHai', 'Một\n\nHai'],
    ['\n\nMột\n', 'Một'],
    ['Một\u200b\tcửa', 'Một cửa'],
  ])('%j -> %j', (raw, clean) => expect(cleanMultilineText(raw)).toBe(clean));

  it('in the question, not in its options or topic', () => {
    const { question } = checkQuestion({ text: 'Bộ phận một cửa:\nở đâu?', options: ['UBND\nxã', 'Thôn'], correct: [0], topic: 'Một\ncửa' });
    expect(question).toMatchObject({ text: 'Bộ phận một cửa:\nở đâu?', options: ['UBND xã', 'Thôn'], topic: 'Một cửa' });
  });
});

describe('library questions and quotas', () => {
  it('a library question needs a topic', () => {
    expect(checkLibraryQuestion(makeQuestion({ topic: '  ' })).issues).toEqual([{ field: 'topic', message: 'required' }]);
    expect(checkLibraryQuestion(makeQuestion({ topic: 'Một cửa' })).issues).toEqual([]);
  });

  it.each([
    [[{ topic: 'A', count: 2 }, { topic: 'B', count: 3 }], 5, []],
    [[{ topic: 'A', count: 2 }, { topic: 'B', count: 2 }], 5, [{ field: 'draw', message: 'the counts add up to 4, questionsPerAttempt is 5' }]],
    [[], 5, [{ field: 'draw', message: 'from 1 to 50 topics' }]],
    [[{ topic: 'A', count: 0 }, { topic: 'B', count: 5 }], 5, [{ field: 'draw.0.count', message: 'an integer from 1 to 200' }]],
    [[{ topic: 'A', count: 1.5 }, { topic: 'B', count: 3.5 }], 5, [{ field: 'draw.0.count', message: 'an integer from 1 to 200' }, { field: 'draw.1.count', message: 'an integer from 1 to 200' }]],
    [[{ topic: ' A ', count: 2 }, { topic: 'A', count: 3 }], 5, [{ field: 'draw.1.topic', message: 'duplicate topic' }]],
    [[{ topic: '', count: 5 }], 5, [{ field: 'draw.0.topic', message: 'required' }]],
    [[{ topic: 'x'.repeat(101), count: 5 }], 5, [{ field: 'draw.0.topic', message: 'at most 100 characters' }]],
  ])('drawIssues(%j, %d)', (draw, perAttempt, issues) => expect(drawIssues(draw, perAttempt)).toEqual(issues));

  it('contest rules include the quotas', () => {
    const contest = makeContest({ questionsPerAttempt: 4, draw: [{ topic: 'A', count: 3 }] });
    expect(contestIssues(contest)).toContainEqual({ field: 'draw', message: 'the counts add up to 3, questionsPerAttempt is 4' });
  });

  it('topicShortages and the publish name every short topic', () => {
    const draw = [{ topic: 'A', count: 2 }, { topic: 'B', count: 3 }, { topic: 'C', count: 1 }];
    const available = new Map([['A', 5], ['B', 2]]);
    const short = [{ topic: 'B', needed: 3, available: 2 }, { topic: 'C', needed: 1, available: 0 }];
    expect(topicShortages(draw, available)).toEqual(short);
    const contest = makeContest({ status: 'draft', questionsPerAttempt: 6, draw, endsAt: '2100-01-01T00:00:00.000Z' });
    try {
      assertCanPublish(contest, 0, 0, available);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NotEnoughQuestions);
      expect((e as NotEnoughQuestions).details).toEqual({ needed: 6, available: 7, topics: short });
    }
    expect(() => assertCanPublish(contest, 0, 0, new Map([['A', 2], ['B', 3], ['C', 1]]))).not.toThrow();
  });
});

const bank = (perTopic: Record<string, number>) =>
  Object.entries(perTopic).flatMap(([topic, n]) => Array.from({ length: n }, (_, i) => makeQuestion({ id: `${topic}-${i}`, topic })));

describe('drawAttemptByTopic', () => {
  it.each([
    [{ A: 5, B: 5 }, [{ topic: 'A', count: 2 }, { topic: 'B', count: 3 }]],
    [{ A: 2, B: 3 }, [{ topic: 'A', count: 2 }, { topic: 'B', count: 3 }]],
    [{ A: 10, B: 1, C: 4 }, [{ topic: 'B', count: 1 }, { topic: 'C', count: 4 }]],
    [{ A: 1 }, [{ topic: 'A', count: 1 }]],
  ])('bank %j, quotas %j', (sizes, quotas) => {
    const drawn = drawAttemptByTopic(bank(sizes), quotas, seededRng(3));
    for (const q of quotas) expect(drawn.filter((d) => d.questionId.startsWith(`${q.topic}-`))).toHaveLength(q.count);
    expect(drawn).toHaveLength(quotas.reduce((s, q) => s + q.count, 0));
  });

  it('draws exactly each quota, distinct questions of that topic, for any bank that has enough (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ size: fc.integer({ min: 0, max: 30 }), share: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 6 }),
        fc.integer(),
        (topics, seed) => {
          const sizes = Object.fromEntries(topics.map((t, i) => [`T${i}`, t.size]));
          const quotas = topics.map((t, i) => ({ topic: `T${i}`, count: Math.floor(t.size * t.share) })).filter((q) => q.count > 0);
          const drawn = drawAttemptByTopic(bank(sizes), quotas, seededRng(seed));
          expect(new Set(drawn.map((d) => d.questionId)).size).toBe(drawn.length);
          for (const q of quotas) expect(drawn.filter((d) => d.questionId.startsWith(`${q.topic}-`))).toHaveLength(q.count);
          expect(drawn).toHaveLength(quotas.reduce((s, q) => s + q.count, 0));
          for (const d of drawn) expect([...d.optionOrder].sort()).toEqual([0, 1, 2, 3]);
        },
      ),
    );
  });

  it('interleaves topics and samples each topic uniformly', () => {
    const rng = seededRng(11);
    const hits = new Map<string, number>();
    const firsts = new Set<string>();
    const runs = 10_000;
    for (let i = 0; i < runs; i++) {
      const drawn = drawAttemptByTopic(bank({ A: 4, B: 10 }), [{ topic: 'A', count: 1 }, { topic: 'B', count: 5 }], rng);
      firsts.add(drawn[0]!.questionId[0]!);
      for (const d of drawn) hits.set(d.questionId, (hits.get(d.questionId) ?? 0) + 1);
    }
    expect(firsts).toEqual(new Set(['A', 'B']));
    for (let i = 0; i < 4; i++) expect(Math.abs(hits.get(`A-${i}`)! / runs - 0.25)).toBeLessThan(0.02);
    for (let i = 0; i < 10; i++) expect(Math.abs(hits.get(`B-${i}`)! / runs - 0.5)).toBeLessThan(0.02);
  });

  it('names every short topic', () => {
    try {
      drawAttemptByTopic(bank({ A: 1, B: 5 }), [{ topic: 'A', count: 2 }, { topic: 'B', count: 2 }, { topic: 'Z', count: 1 }], seededRng(1));
      expect.unreachable();
    } catch (e) {
      expect((e as NotEnoughQuestions).details).toMatchObject({ topics: [{ topic: 'A', needed: 2, available: 1 }, { topic: 'Z', needed: 1, available: 0 }] });
    }
  });

  it('drawForContest: quotas when the contest has them, the whole bank otherwise', () => {
    const b = bank({ A: 3, B: 3 });
    expect(drawForContest({ questionsPerAttempt: 3, draw: [{ topic: 'B', count: 3 }] }, b, seededRng(5)).every((d) => d.questionId.startsWith('B-'))).toBe(true);
    expect(drawForContest({ questionsPerAttempt: 6, draw: null }, b, seededRng(5))).toHaveLength(6);
    expect(drawForContest({ questionsPerAttempt: 2 }, b, seededRng(5))).toHaveLength(2);
  });
});
