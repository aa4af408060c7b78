// Randomness is injected (`rng`, like Math.random: uniform in [0, 1)) so draws are
// reproducible in tests and the rules stay pure.
import { NotEnoughQuestions } from './errors.ts';

export type Rng = () => number;

/**
 * One drawn question of an attempt. `optionOrder[position] = original option index`:
 * the attempt stores this, and it is all that is needed to show the options and map
 * the participant's choices back to the answer key.
 */
export interface DrawnQuestion {
  questionId: string;
  optionOrder: number[];
}

function randomIndex(rng: Rng, n: number): number {
  const r = rng();
  if (!(r >= 0 && r < 1)) throw new RangeError(`rng must return a number in [0, 1), got ${r}`);
  return Math.floor(r * n);
}

/** Uniform sample of `count` distinct ids, in random order (partial Fisher-Yates: O(count) swaps). */
export function drawQuestions<T>(bank: readonly T[], count: number, rng: Rng): T[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (count > bank.length) throw new NotEnoughQuestions(count, bank.length);
  const pool = bank.slice();
  for (let i = 0; i < count; i++) {
    const j = i + randomIndex(rng, pool.length - i);
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, count);
}

/** A random permutation of 0..optionCount-1: position shown -> original option index. */
export function shuffleOptions(optionCount: number, rng: Rng): number[] {
  const order = Array.from({ length: optionCount }, (_, i) => i);
  return drawQuestions(order, optionCount, rng);
}

/**
 * Options that point at other options ("Cả A và B đều đúng", "Tất cả các đáp án trên",
 * "All of the above") only make sense in the order they were written, so a question with
 * one keeps its bank order. Vietnamese banks use them a lot.
 */
// Matched on folded text (no diacritics, lower case): JavaScript's \b only knows ASCII letters.
const REFERS_TO_OPTIONS = [
  /\b(ca|tat ca|ca hai|ca ba|ca bon)\b.*\b(dap an|phuong an|y|cau)\b.*\b(tren|deu)\b/,
  /\b(ca|tat ca)\b.*\b[a-f]\s*(,|va|hoac|&)\s*[a-f]\b/,
  /\b(dap an|phuong an|y|cau)\s+[a-f]\s*(,|va|hoac|&)\s*[a-f]\b/,
  /\b(dap an|phuong an|y)\s+(tren|neu tren|ke tren)\b/,
  /\bkhong( co)?\s+(dap an|phuong an|y)\s+nao\b/,
  /\b(all|none|both)\s+of\s+(the\s+)?(above|these)\b/,
  /^\s*[a-f]\s*(,|va|and|&)\s*[a-f]\s*(dung|correct)?\s*\.?\s*$/,
];

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/giu, 'd').toLowerCase();

export function keepsOptionOrder(options: readonly unknown[]): boolean {
  return options.some((o) => typeof o === 'string' && REFERS_TO_OPTIONS.some((re) => re.test(fold(o))));
}

/** The draw of one attempt: which questions, and in each the order its options are shown. */
export function drawAttempt(
  bank: readonly { id: string; options: readonly unknown[] }[],
  count: number,
  rng: Rng,
): DrawnQuestion[] {
  return drawQuestions(bank, count, rng).map((q) => ({
    questionId: q.id,
    optionOrder: keepsOptionOrder(q.options) ? q.options.map((_, i) => i) : shuffleOptions(q.options.length, rng),
  }));
}

/** How many questions of a topic an attempt draws (a contest's `draw`, from the library). */
export interface Quota {
  topic: string;
  count: number;
}

/**
 * The draw of one attempt under topic quotas: exactly `count` questions of each topic, each
 * topic's sample uniform, the whole shown in random order (topics interleaved). Throws
 * NotEnoughQuestions naming every topic that has too few.
 */
export function drawAttemptByTopic(
  bank: readonly { id: string; topic?: string; options: readonly unknown[] }[],
  quotas: readonly Quota[],
  rng: Rng,
): DrawnQuestion[] {
  const byTopic = new Map<string, { id: string; options: readonly unknown[] }[]>();
  for (const q of bank) {
    if (q.topic === undefined) continue;
    let pool = byTopic.get(q.topic);
    if (!pool) byTopic.set(q.topic, (pool = []));
    pool.push(q);
  }
  const short = quotas
    .map((q) => ({ topic: q.topic, needed: q.count, available: byTopic.get(q.topic)?.length ?? 0 }))
    .filter((s) => s.available < s.needed);
  const needed = quotas.reduce((sum, q) => sum + q.count, 0);
  if (short.length > 0) throw new NotEnoughQuestions(needed, bank.length, short);
  const picked = quotas.flatMap((q) => drawQuestions(byTopic.get(q.topic) ?? [], q.count, rng));
  return drawAttempt(picked, picked.length, rng);
}

/** A contest's draw: by its topic quotas when it has them, else `questionsPerAttempt` from the whole bank (v1). */
export function drawForContest(
  contest: { questionsPerAttempt: number; draw?: readonly Quota[] | null },
  bank: readonly { id: string; topic?: string; options: readonly unknown[] }[],
  rng: Rng,
): DrawnQuestion[] {
  return contest.draw && contest.draw.length > 0
    ? drawAttemptByTopic(bank, contest.draw, rng)
    : drawAttempt(bank, contest.questionsPerAttempt, rng);
}
