import { describe, expect, it } from 'vitest';
import { checkQuestion } from '../../../functions/domain/question.ts';

const valid = { text: ' Hồ sơ  nộp ở đâu? ', options: ['UBND xã', ' Bưu điện '], correct: [1, 1] };

describe('checkQuestion', () => {
  it('cleans texts and de-duplicates the key', () => {
    expect(checkQuestion(valid)).toEqual({
      question: { text: 'Hồ sơ nộp ở đâu?', options: ['UBND xã', 'Bưu điện'], correct: [1] },
      issues: [],
    });
  });

  it.each([
    [{ text: '  ' }, 'text'],
    [{ text: 'x'.repeat(1001) }, 'text'],
    [{ options: ['only one'] }, 'options'],
    [{ options: ['1', '2', '3', '4', '5', '6', '7'] }, 'options'],
    [{ options: ['A', ''] }, 'options.1'],
    [{ options: ['Có', 'có '] }, 'options.1'],
    [{ correct: [] }, 'correct'],
    [{ correct: [2] }, 'correct'],
    [{ correct: [-1] }, 'correct'],
    [{ correct: [0.5] }, 'correct'],
    [{ topic: 'x'.repeat(101) }, 'topic'],
    [{ explanation: 'x'.repeat(2001) }, 'explanation'],
  ])('%j is reported on %s', (override, field) => {
    expect(checkQuestion({ ...valid, ...override }).issues.map((i) => i.field)).toContain(field);
  });

  it('accepts six options and several correct ones', () => {
    expect(checkQuestion({ text: 'q', options: ['1', '2', '3', '4', '5', '6'], correct: [5, 0] }).issues).toEqual([]);
  });
});
