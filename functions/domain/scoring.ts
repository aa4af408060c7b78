// Option ids: the letter of the position the option is shown at in this attempt
// ('a' = first shown, 'b' = second...). Options are shuffled per attempt, so an id says
// nothing about the option's place in the bank. Bank positions would leak: question
// banks are typed by hand and their correct answer sits in column A far more often than
// chance. Letters need no extra storage (the attempt already keeps `optionOrder`) and
// match the A-F labels on screen. They are only meaningful together with their attempt.
import type { DrawnQuestion } from './draw.ts';
import type { Question } from './question.ts';

/** Answers as the API carries them: question id -> chosen option ids. */
export type Answers = Record<string, readonly string[]>;

/** A drawn question joined with its answer key, as scoring needs it. */
export interface KeyedQuestion extends DrawnQuestion {
  correct: readonly number[];
}

export interface PublicOption {
  id: string;
  text: string;
}

/** A question as a participant's device receives it: no answer key. */
export interface PublicQuestion {
  id: string;
  text: string;
  multiple: boolean;
  options: PublicOption[];
}

export interface QuestionResult {
  questionId: string;
  isCorrect: boolean;
  /** Valid chosen option ids, deduplicated, in display order. */
  chosen: string[];
  /** Option ids of the correct options, in display order: only for the review. */
  correctOptionIds: string[];
}

export interface AttemptResult {
  correctCount: number;
  questionCount: number;
  results: QuestionResult[];
}

export function optionId(position: number): string {
  return String.fromCharCode(97 + position);
}

/** Display position of an option id, or -1 when the id cannot be one of `optionCount` options. */
export function positionOf(id: string, optionCount: number): number {
  const position = id.length === 1 ? id.charCodeAt(0) - 97 : -1;
  return position >= 0 && position < optionCount ? position : -1;
}

export function isMultiple(question: Pick<Question, 'correct'>): boolean {
  return question.correct.length > 1;
}

export function presentQuestion(question: Question, drawn: DrawnQuestion): PublicQuestion {
  return {
    id: question.id,
    text: question.text,
    multiple: isMultiple(question),
    options: drawn.optionOrder.map((original, position) => ({
      id: optionId(position),
      text: question.options[original] ?? '',
    })),
  };
}

function chosenIds(answers: Answers, questionId: string): readonly unknown[] {
  // hasOwn: a question id such as "constructor" must not pick up Object.prototype members.
  const value = Object.hasOwn(answers, questionId) ? answers[questionId] : undefined;
  return Array.isArray(value) ? value : [];
}

export function scoreQuestion(question: KeyedQuestion, answers: Answers): QuestionResult {
  const optionCount = question.optionOrder.length;
  const correct = new Set(question.correct);
  const chosenPositions = new Set<number>();
  let unknown = false;
  for (const id of chosenIds(answers, question.questionId)) {
    const position = typeof id === 'string' ? positionOf(id, optionCount) : -1;
    if (position < 0) unknown = true;
    else chosenPositions.add(position);
  }
  const positions = [...chosenPositions].sort((a, b) => a - b);
  const originals = new Set(positions.map((p) => question.optionOrder[p]));
  // Exactly the set of correct options: no partial credit, and an unknown id spoils the answer.
  const isCorrect =
    !unknown && correct.size > 0 && originals.size === correct.size && [...originals].every((o) => o !== undefined && correct.has(o));
  return {
    questionId: question.questionId,
    isCorrect,
    chosen: positions.map(optionId),
    correctOptionIds: question.optionOrder.flatMap((original, position) => (correct.has(original) ? [optionId(position)] : [])),
  };
}

/** Answers for questions that were not drawn are ignored; missing answers are wrong. */
export function scoreAttempt(drawn: readonly KeyedQuestion[], answers: Answers): AttemptResult {
  const results = drawn.map((q) => scoreQuestion(q, answers));
  return {
    correctCount: results.filter((r) => r.isCorrect).length,
    questionCount: results.length,
    results,
  };
}
