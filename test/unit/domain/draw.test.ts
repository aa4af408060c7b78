import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawAttempt, drawQuestions, keepsOptionOrder, shuffleOptions } from '../../../functions/domain/draw.ts';
import { NotEnoughQuestions } from '../../../functions/domain/errors.ts';
import { makeQuestion, seededRng } from '../../factories/domain.ts';

const bankOf = (n: number) => Array.from({ length: n }, (_, i) => `q${i}`);

describe('drawQuestions', () => {
  it('always returns exactly count distinct ids from the bank', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), (size, seed, share) => {
        const bank = bankOf(size);
        const count = Math.floor(size * share);
        const drawn = drawQuestions(bank, count, seededRng(seed));
        expect(drawn).toHaveLength(count);
        expect(new Set(drawn).size).toBe(count);
        for (const id of drawn) expect(bank).toContain(id);
      }),
    );
  });

  it('does not modify the bank', () => {
    const bank = bankOf(10);
    drawQuestions(bank, 10, seededRng(1));
    expect(bank).toEqual(bankOf(10));
  });

  it('is reproducible from the rng', () => {
    expect(drawQuestions(bankOf(50), 20, seededRng(7))).toEqual(drawQuestions(bankOf(50), 20, seededRng(7)));
  });

  it('copes with an rng at both ends of [0, 1)', () => {
    expect(drawQuestions(bankOf(5), 5, () => 0)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    expect(new Set(drawQuestions(bankOf(5), 5, () => 0.9999999999)).size).toBe(5);
  });

  it.each([[1], [-0.1], [Number.NaN]])('refuses a broken rng returning %d', (value) => {
    expect(() => drawQuestions(bankOf(5), 2, () => value)).toThrow(RangeError);
  });

  it('throws NotEnoughQuestions when count exceeds the bank', () => {
    expect(() => drawQuestions(bankOf(3), 4, seededRng(1))).toThrow(NotEnoughQuestions);
  });

  it.each([[-1], [1.5], [Number.NaN]])('refuses count %d', (count) => {
    expect(() => drawQuestions(bankOf(3), count, seededRng(1))).toThrow(RangeError);
  });

  it('is uniform enough: each question is drawn about count/size of the time', () => {
    const rng = seededRng(42);
    const hits = new Map<string, number>();
    const runs = 20_000;
    for (let i = 0; i < runs; i++) for (const id of drawQuestions(bankOf(10), 3, rng)) hits.set(id, (hits.get(id) ?? 0) + 1);
    for (const id of bankOf(10)) expect(Math.abs((hits.get(id) ?? 0) / runs - 0.3)).toBeLessThan(0.02);
  });
});

describe('shuffleOptions', () => {
  it('is a permutation of 0..n-1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer(), (n, seed) => {
        const order = shuffleOptions(n, seededRng(seed));
        expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('puts every option first about equally often', () => {
    const rng = seededRng(3);
    const first = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) first[shuffleOptions(4, rng)[0] ?? 0]! += 1;
    for (const n of first) expect(Math.abs(n / 20_000 - 0.25)).toBeLessThan(0.02);
  });
});

describe('drawAttempt', () => {
  it('draws questions and an option order for each, sized to its options', () => {
    const bank = [
      makeQuestion({ id: 'a', options: ['1', '2'] }),
      makeQuestion({ id: 'b', options: ['1', '2', '3', '4', '5', '6'] }),
      makeQuestion({ id: 'c' }),
    ];
    const drawn = drawAttempt(bank, 3, seededRng(5));
    expect(drawn.map((d) => d.questionId).sort()).toEqual(['a', 'b', 'c']);
    for (const d of drawn) {
      const q = bank.find((x) => x.id === d.questionId)!;
      expect([...d.optionOrder].sort()).toEqual(q.options.map((_, i) => i));
    }
  });
});

describe('options that refer to other options keep their order', () => {
  it.each([
    ['Cả A và B đều đúng', true],
    ['Cả A, B và C', true],
    ['Tất cả các đáp án trên', true],
    ['Cả ba phương án trên đều đúng', true],
    ['Đáp án A và C', true],
    ['Không có đáp án nào đúng', true],
    ['All of the above', true],
    ['None of these', true],
    ['A và B', true],
    ['Nộp trực tiếp tại Bộ phận một cửa', false],
    ['Cả hộ gia đình cùng đi nộp hồ sơ', false],
    ['Dịch vụ công trực tuyến toàn trình', false],
  ])('%s -> %s', (option, keeps) => {
    expect(keepsOptionOrder(['Phương án một', 'Phương án hai', option])).toBe(keeps);
  });

  it('drawAttempt leaves such a question in bank order and still shuffles the others', () => {
    const bank = [
      { id: 'q1', options: ['Trực tiếp', 'Qua bưu điện', 'Trực tuyến', 'Tất cả các đáp án trên'] },
      { id: 'q2', options: ['Một', 'Hai', 'Ba', 'Bốn', 'Năm', 'Sáu'] },
    ];
    const orders = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const rng = seededRng(seed);
      const drawn = drawAttempt(bank, 2, rng);
      expect(drawn.find((d) => d.questionId === 'q1')!.optionOrder).toEqual([0, 1, 2, 3]);
      orders.add(drawn.find((d) => d.questionId === 'q2')!.optionOrder.join(''));
    }
    expect(orders.size).toBeGreaterThan(1);
  });
});
