import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  optionId,
  positionOf,
  presentQuestion,
  scoreAttempt,
  scoreQuestion,
  type KeyedQuestion,
} from '../../../functions/domain/scoring.ts';
import { makeQuestion } from '../../factories/domain.ts';

// Shown order: position a = original 2, b = original 0, c = original 3, d = original 1.
const single: KeyedQuestion = { questionId: 'q1', optionOrder: [2, 0, 3, 1], correct: [0] };
const multi: KeyedQuestion = { questionId: 'q2', optionOrder: [3, 1, 0, 2], correct: [1, 3] };

describe('option ids', () => {
  it('are the displayed position letters', () => {
    expect([0, 1, 2, 3, 4, 5].map(optionId)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(positionOf('c', 4)).toBe(2);
  });

  it.each([['e'], ['A'], [''], ['ab'], ['0'], ['`']])('%j is not an option of a 4-option question', (id) => {
    expect(positionOf(id, 4)).toBe(-1);
  });
});

describe('presentQuestion', () => {
  it('shows options in the drawn order under position ids and carries no answer key', () => {
    const q = makeQuestion({ options: ['A0', 'A1', 'A2', 'A3'], correct: [0], explanation: 'secret' });
    const shown = presentQuestion(q, { questionId: q.id, optionOrder: [2, 0, 3, 1] });
    expect(shown).toEqual({
      id: q.id,
      text: q.text,
      multiple: false,
      options: [
        { id: 'a', text: 'A2' },
        { id: 'b', text: 'A0' },
        { id: 'c', text: 'A3' },
        { id: 'd', text: 'A1' },
      ],
    });
    expect(JSON.stringify(shown)).not.toMatch(/correct|secret/);
  });

  it('flags multi-answer questions', () => {
    const q = makeQuestion({ correct: [0, 2] });
    expect(presentQuestion(q, { questionId: q.id, optionOrder: [0, 1, 2, 3] }).multiple).toBe(true);
  });
});

describe('scoreQuestion', () => {
  it.each([
    [single, ['b'], true, 'the correct option'],
    [single, ['b', 'b'], true, 'duplicates are ignored'],
    [single, ['a'], false, 'a wrong option'],
    [single, ['a', 'b'], false, 'the correct one plus a wrong one'],
    [single, [], false, 'nothing chosen'],
    [single, ['b', 'z'], false, 'an unknown id spoils the answer'],
    [single, ['b', 'e'], false, 'a position past the options'],
    [single, ['B'], false, 'ids are case-sensitive'],
    [multi, ['b', 'a'], true, 'both correct, any order'],
    [multi, ['a'], false, 'no partial credit'],
    [multi, ['a', 'b', 'c'], false, 'one too many'],
  ])('%#: %j <- %j is %s (%s)', (question, chosen, expected) => {
    expect(scoreQuestion(question, { [question.questionId]: chosen }).isCorrect).toBe(expected);
  });

  it('reports valid choices and the correct ids in display order', () => {
    expect(scoreQuestion(multi, { q2: ['b', 'z', 'c', 'b'] })).toEqual({
      questionId: 'q2',
      isCorrect: false,
      chosen: ['b', 'c'],
      correctOptionIds: ['a', 'b'],
    });
  });

  it('treats a non-array answer as no answer and ignores prototype keys', () => {
    expect(scoreQuestion(single, { q1: 'b' } as never).isCorrect).toBe(false);
    const proto: KeyedQuestion = { ...single, questionId: 'constructor' };
    expect(scoreQuestion(proto, {}).chosen).toEqual([]);
  });

  it('never credits a question without any correct option', () => {
    expect(scoreQuestion({ ...single, correct: [] }, { q1: [] }).isCorrect).toBe(false);
  });
});

// A random question: 2..6 options shuffled, a non-empty answer key.
const keyedQuestion = fc
  .integer({ min: 2, max: 6 })
  .chain((n) =>
    fc.record({
      questionId: fc.constant('q'),
      optionOrder: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      correct: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n }),
    }),
  );

describe('scoring properties', () => {
  it('exactly the correct set, in any order and with repeats, scores 1', () => {
    fc.assert(
      fc.property(keyedQuestion, fc.integer({ min: 1, max: 3 }), (q, repeat) => {
        const ids = q.optionOrder.flatMap((original, position) => (q.correct.includes(original) ? [optionId(position)] : []));
        const chosen = Array.from({ length: repeat }, () => ids).flat().reverse();
        expect(scoreAttempt([q], { q: chosen }).correctCount).toBe(1);
      }),
    );
  });

  it('any other set of chosen ids scores 0', () => {
    const idPool = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'A', '', 'zz');
    fc.assert(
      fc.property(keyedQuestion, fc.array(idPool, { maxLength: 8 }), (q, chosen) => {
        const chosenOriginals = new Set(chosen.map((id) => q.optionOrder[positionOf(id, q.optionOrder.length)]));
        const exact =
          chosen.every((id) => positionOf(id, q.optionOrder.length) >= 0) &&
          chosenOriginals.size === q.correct.length &&
          q.correct.every((c) => chosenOriginals.has(c));
        expect(scoreAttempt([q], { q: chosen }).correctCount).toBe(exact ? 1 : 0);
      }),
    );
  });

  it('counts correct questions and ignores answers to questions not drawn', () => {
    const result = scoreAttempt([single, multi], { q1: ['b'], q2: ['a'], q9: ['a'] });
    expect(result.correctCount).toBe(1);
    expect(result.questionCount).toBe(2);
    expect(result.results.map((r) => r.isCorrect)).toEqual([true, false]);
  });
});
