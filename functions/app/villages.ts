// The villages of a contest without a village list: people type them, and each distinct name
// becomes a counter (statistics by village). Capped at LIMITS.typedVillages.max so no counter item
// can grow towards DynamoDB's 400 KB item limit (domain/limits.ts gives the arithmetic): a name
// past the cap is a 400 on the `village` field at the start, never a failed counter write later.
//
// Each environment keeps the contest's registered names it has seen; a name it does not know is
// looked up again (one eventually consistent read, at most once a second per contest) and, if still
// unknown, registered by one conditional write that holds the cap exactly under concurrency. A
// contest's village registry is written once per new village, not per start.
import { ValidationFailed } from '../domain/errors.ts';
import { LIMITS } from '../domain/limits.ts';
import { cleanText } from '../domain/names.ts';
import type { AttemptStore } from './contest-ports.ts';

/** How long a read of the registry answers "unknown" before an unknown name is written. */
const REREAD_MS = 1_000;
/** Contests remembered per environment. */
const REMEMBERED = 1_000;

const fold = (s: string) => cleanText(s).toLocaleLowerCase('vi');

/** The field issue of a name past the cap (code: the web app shows its own sentence for it). */
export const villageLimitIssue = (cap: number) => ({
  field: 'village',
  code: 'VILLAGE_LIMIT',
  message: `this contest already has ${cap} different villages: type one of them as written before`,
});

export function villageRegistry(store: Pick<AttemptStore, 'villages' | 'admitVillage'>, cap: number = LIMITS.typedVillages.max) {
  const known = new Map<string, { names: Set<string>; readAt: number }>();

  const remember = (contestId: string, names: string[]) => {
    if (known.size >= REMEMBERED && !known.has(contestId)) known.clear();
    const entry = { names: new Set(names), readAt: performance.now() };
    known.set(contestId, entry);
    return entry;
  };

  return {
    cap,
    /** The name to register the person under: `village` itself, or at the cap an already registered spelling of it. */
    async admit(contestId: string, village: string): Promise<string> {
      let entry = known.get(contestId);
      if (entry?.names.has(village)) return village;
      if (!entry || performance.now() - entry.readAt >= REREAD_MS) {
        entry = remember(contestId, await store.villages(contestId));
        if (entry.names.has(village)) return village;
      }
      const result = await store.admitVillage(contestId, village, cap);
      entry = remember(contestId, result.villages);
      if (result.admitted) return village;
      // At the cap: the same village typed with other capitals or spacing is the registered one.
      const same = [...entry.names].find((name) => fold(name) === fold(village));
      if (same !== undefined) return same;
      throw new ValidationFailed([villageLimitIssue(cap)]);
    },
  };
}
