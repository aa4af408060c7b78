// The rules a question must meet, shared by the form (POST) and the file import.
import { LIMITS } from './limits.ts';
import type { FieldIssue } from './errors.ts';
import { cleanMultilineText, cleanText } from './names.ts';

export interface Question {
  id: string;
  text: string;
  /** 2..6 option texts, in bank order. */
  options: string[];
  /** Indexes into `options` of every correct option; more than one makes it a multiple-choice question. */
  correct: number[];
  topic?: string;
  explanation?: string;
}

export type QuestionInput = Omit<Question, 'id'>;

const tooLong = (field: string, max: number): FieldIssue => ({ field, message: `at most ${max} characters` });

/** Cleans the texts and reports every broken rule at once (empty list = valid). */
export function checkQuestion(input: QuestionInput): { question: QuestionInput; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  // The question keeps its line breaks (a list inside the question); options are one-line buttons.
  const text = cleanMultilineText(input.text);
  const options = input.options.map(cleanText);
  const correct = [...new Set(input.correct)].sort((a, b) => a - b);
  const topic = input.topic === undefined ? undefined : cleanText(input.topic);
  const explanation = input.explanation === undefined ? undefined : input.explanation.normalize('NFC').trim();

  if (text.length === 0) issues.push({ field: 'text', message: 'required' });
  else if (text.length > LIMITS.questionText.max) issues.push(tooLong('text', LIMITS.questionText.max));

  if (options.length < LIMITS.options.min || options.length > LIMITS.options.max) {
    issues.push({ field: 'options', message: `between ${LIMITS.options.min} and ${LIMITS.options.max} options` });
  }
  const seen = new Set<string>();
  options.forEach((option, i) => {
    if (option.length === 0) issues.push({ field: `options.${i}`, message: 'required' });
    else if (option.length > LIMITS.optionText.max) issues.push(tooLong(`options.${i}`, LIMITS.optionText.max));
    // Two identical options make "exactly the correct set" ambiguous.
    else if (seen.has(option.toLocaleLowerCase('vi'))) issues.push({ field: `options.${i}`, message: 'duplicate option' });
    seen.add(option.toLocaleLowerCase('vi'));
  });

  if (correct.length === 0) issues.push({ field: 'correct', message: 'at least one correct option' });
  if (correct.some((c) => !Number.isInteger(c) || c < 0 || c >= options.length)) {
    issues.push({ field: 'correct', message: 'must be indexes of existing options' });
  }

  if (topic !== undefined && topic.length > LIMITS.topic.max) issues.push(tooLong('topic', LIMITS.topic.max));
  if (explanation !== undefined && explanation.length > LIMITS.explanation.max) {
    issues.push(tooLong('explanation', LIMITS.explanation.max));
  }

  const question: QuestionInput = { text, options, correct };
  if (topic) question.topic = topic;
  if (explanation) question.explanation = explanation;
  return { question, issues };
}
