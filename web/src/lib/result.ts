// Pure helpers for the result screen: finding the person on the leaderboard and reading
// the optional `review` of a submit response.
import type { LeaderboardEntry, ReviewItem } from './api/types.ts';

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
  chosen: string[];
  isCorrect: boolean;
  explanation?: string;
}

/** The review of a submit (present when the contest shows answers), by question id. */
export function readReview(review: readonly ReviewItem[] | undefined): Map<string, ReviewEntry> {
  return new Map(
    (review ?? []).map((r) => [
      r.questionId,
      { correct: r.correctOptionIds, chosen: r.chosen, isCorrect: r.isCorrect, ...(r.explanation ? { explanation: r.explanation } : {}) },
    ]),
  );
}
