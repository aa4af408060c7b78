// The shared question library: questions tagged by topic, searched without diacritics, and the
// topic quotas (`draw`) a contest draws with. Pure: no storage, no clock.
import type { FieldIssue, TopicShortage } from './errors.ts';
import { LIMITS } from './limits.ts';
import { cleanText } from './names.ts';
import { checkQuestion, type Question, type QuestionInput } from './question.ts';

/** How many questions of a topic every attempt draws. */
export interface TopicQuota {
  topic: string;
  count: number;
}

export interface LibraryQuestion extends Question {
  topic: string;
  /** Contests whose published bank holds a copy of this question. */
  usedBy: string[];
  createdAt: string;
  updatedAt: string;
}

/**
 * The form a search compares: lower case, no diacritics, `đ` -> `d`, one space between words,
 * so "mot cua" (typed without a Vietnamese keyboard) finds "Một cửa".
 */
export function searchKey(text: string): string {
  return cleanText(text)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLocaleLowerCase('vi');
}

const NOT_A_WORD = /[^\p{L}\p{N}]+/u;

/**
 * The stored search form of a question's text: its folded words (punctuation dropped), each after
 * a space, so a search word matches at the start of a word only ("3" finds "số 3", not "2023").
 */
export function searchField(text: string): string {
  return ` ${searchKey(text).split(NOT_A_WORD).filter(Boolean).join(' ')}`;
}

/** The words of a search box, folded like searchKey; a question matches when its text holds every one. */
export function searchWords(q: string | undefined, max = 8): string[] {
  if (!q) return [];
  return [...new Set(searchKey(q).split(NOT_A_WORD).filter(Boolean))].slice(0, max);
}

/** Every word begins a word of `key` (folded text: a searchField or searchKey): the DynamoDB filter's rule. */
export function matchesSearch(key: string, words: readonly string[]): boolean {
  const field = ` ${key.split(NOT_A_WORD).filter(Boolean).join(' ')}`;
  return words.every((w) => field.includes(` ${w}`));
}

/** The question rules plus a required topic. */
export function checkLibraryQuestion(input: QuestionInput): { question: QuestionInput & { topic: string }; issues: FieldIssue[] } {
  const { question, issues } = checkQuestion(input);
  if (!question.topic && !issues.some((i) => i.field === 'topic')) issues.push({ field: 'topic', message: 'required' });
  return { question: { ...question, topic: question.topic ?? '' }, issues };
}

/** The quotas as stored: topics cleaned like a question's topic. */
export function normalizeDraw(draw: readonly TopicQuota[]): TopicQuota[] {
  return draw.map((q) => ({ topic: cleanText(q.topic), count: q.count }));
}

/** Every rule of a contest's quotas: 1..50 distinct topics, positive counts adding up to questionsPerAttempt. */
export function drawIssues(draw: readonly TopicQuota[], questionsPerAttempt: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const { min, max } = LIMITS.drawTopics;
  if (draw.length < min || draw.length > max) {
    issues.push({ field: 'draw', message: `from ${min} to ${max} topics` });
    return issues;
  }
  const seen = new Set<string>();
  draw.forEach((q, i) => {
    const topic = cleanText(q.topic);
    if (topic.length === 0) issues.push({ field: `draw.${i}.topic`, message: 'required' });
    else if (topic.length > LIMITS.topic.max) issues.push({ field: `draw.${i}.topic`, message: `at most ${LIMITS.topic.max} characters` });
    else if (seen.has(topic)) issues.push({ field: `draw.${i}.topic`, message: 'duplicate topic' });
    seen.add(topic);
    if (!Number.isInteger(q.count) || q.count < 1 || q.count > LIMITS.questionsPerAttempt.max) {
      issues.push({ field: `draw.${i}.count`, message: `an integer from 1 to ${LIMITS.questionsPerAttempt.max}` });
    }
  });
  const total = draw.reduce((sum, q) => sum + (Number.isInteger(q.count) ? q.count : 0), 0);
  if (issues.length === 0 && total !== questionsPerAttempt) {
    issues.push({ field: 'draw', message: `the counts add up to ${total}, questionsPerAttempt is ${questionsPerAttempt}` });
  }
  return issues;
}

/** The topics of `draw` that have fewer questions than their count (empty: every quota can be met). */
export function topicShortages(draw: readonly TopicQuota[], available: ReadonlyMap<string, number>): TopicShortage[] {
  return draw
    .map((q) => ({ topic: q.topic, needed: q.count, available: available.get(q.topic) ?? 0 }))
    .filter((s) => s.available < s.needed);
}

/** Questions per topic, topics in Vietnamese alphabetical order. */
export function countByTopic(questions: readonly { topic?: string }[]): { topic: string; questions: number }[] {
  const counts = new Map<string, number>();
  for (const q of questions) if (q.topic) counts.set(q.topic, (counts.get(q.topic) ?? 0) + 1);
  return [...counts].map(([topic, questions]) => ({ topic, questions })).sort((a, b) => a.topic.localeCompare(b.topic, 'vi'));
}
