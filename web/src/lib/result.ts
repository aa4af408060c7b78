// Pure helpers for the result screen: finding the person on the leaderboard and reading
// the optional `review` of a submit response.
import type { LeaderboardEntry } from './api/types.ts';

const normName = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');

/** Digits visible at the end of a masked phone ("0912***678" -> "678") must end the phone. */
export function maskedPhoneMatches(masked: string, phone: string): boolean {
  const tail = /(\d+)\D*$/.exec(masked)?.[1];
  if (!tail) return true;
  const digits = phone.replace(/\D/g, '');
  return digits.endsWith(tail);
}

/**
 * The leaderboard shows no ids, so the person is recognised by name, unit, the visible
 * phone digits and their best score. Undefined when not (yet) listed.
 */
export function findRank(
  items: readonly LeaderboardEntry[],
  person: { fullName: string; phone: string; unitId: string },
  best?: { correctCount: number; durationMs: number },
): number | undefined {
  const name = normName(person.fullName);
  const hit = items.find(
    (e) =>
      normName(e.fullName) === name &&
      e.unitId === person.unitId &&
      maskedPhoneMatches(e.phoneMasked ?? '', person.phone) &&
      (!best || (e.correctCount === best.correctCount && e.durationMs === best.durationMs)),
  );
  return hit?.rank;
}

export interface ReviewEntry {
  correct: string[];
  /** What the server counted (after a late submit, only what was saved in time). */
  chosen?: string[];
  isCorrect?: boolean;
  explanation?: string;
}

function idsOf(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => (x && typeof x === 'object' ? String((x as { id?: unknown }).id) : String(x)));
}

/**
 * `review` is optional and PRODUCT.md does not fix its shape. The server sends a list of
 * {questionId, isCorrect, chosen, correctOptionIds, explanation?}; also accepted: `correct`
 * or `correctOptions` for the key, a map from question id, or {items: [...]}.
 */
export function readReview(review: unknown): Map<string, ReviewEntry> {
  const out = new Map<string, ReviewEntry>();
  const addItem = (qid: unknown, item: unknown) => {
    if (typeof qid !== 'string') return;
    const direct = idsOf(item);
    if (direct) return void out.set(qid, { correct: direct });
    if (!item || typeof item !== 'object') return;
    const o = item as Record<string, unknown>;
    const correct = idsOf(o.correct ?? o.correctOptionIds ?? o.correctOptions);
    if (!correct) return;
    const entry: ReviewEntry = { correct };
    const chosen = idsOf(o.chosen);
    if (chosen) entry.chosen = chosen;
    if (typeof o.isCorrect === 'boolean') entry.isCorrect = o.isCorrect;
    if (typeof o.explanation === 'string' && o.explanation) entry.explanation = o.explanation;
    out.set(qid, entry);
  };
  if (review && typeof review === 'object' && !Array.isArray(review) && Array.isArray((review as { items?: unknown }).items)) {
    return readReview((review as { items: unknown[] }).items);
  }
  if (Array.isArray(review)) {
    for (const item of review) {
      if (item && typeof item === 'object') {
        const o = item as Record<string, unknown>;
        addItem(o.questionId ?? o.id, item);
      }
    }
  } else if (review && typeof review === 'object') {
    for (const [qid, item] of Object.entries(review)) addItem(qid, item);
  }
  return out;
}
