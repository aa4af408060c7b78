// How often an attempt's answers go to the server, and what that cadence costs: a pure module, so
// the benchmark's cost model (bench/run.ts) counts saves with the app's own constant and rule, and a
// unit test holds the rule to what AttemptSession does.
//
// Every answer is written to device storage at once (AttemptSession), so a batch interval only
// decides when the server hears of it, never whether it is kept: a closed tab or a reload finds it on
// the device and sends it. Each save is an HTTP API request, a Lambda invocation and a write, about
// US$0.002 per 10,000 participants in DynamoDB but US$0.012 in requests: saving every answer (~20 an
// attempt) cost more than the rest of an attempt together. So answers wait up to SAVE_BATCH_MS, and
// go at once when the page is hidden or closed, when the network comes back, and when the person
// reaches the review screen; the submit carries every answer anyway.

/** The longest an answer waits on the device before a batch goes to the server. */
export const SAVE_BATCH_MS = 60_000;

/** One attempt as a person makes it, in ms from the start. */
export interface AttemptScript {
  /** When each answer (or change of answer) is made. */
  changesAtMs: readonly number[];
  /** When the review screen is reached (a flush), if it is. */
  reviewAtMs?: number;
  /** When the page is hidden or closed (a flush each). */
  hiddenAtMs?: readonly number[];
  /** When the attempt is submitted: nothing is saved after it. */
  submitAtMs: number;
}

/**
 * When the saves of `script` go, under AttemptSession's rule with a network that answers at once:
 * the first unsaved change starts a timer of `batchMs` (later changes join that batch), a flush
 * sends what is unsaved at once, the submit ends the attempt.
 */
export function saveTimes(script: AttemptScript, batchMs = SAVE_BATCH_MS): number[] {
  const events = [
    ...script.changesAtMs.map((at) => ({ at, kind: 'change' as const })),
    ...(script.reviewAtMs !== undefined ? [{ at: script.reviewAtMs, kind: 'flush' as const }] : []),
    ...(script.hiddenAtMs ?? []).map((at) => ({ at, kind: 'flush' as const })),
  ]
    .filter((e) => e.at < script.submitAtMs)
    .sort((a, b) => a.at - b.at || (a.kind === 'change' ? -1 : 1));
  const saves: number[] = [];
  let dirty = false;
  let timerAt: number | undefined;
  for (const e of events) {
    if (timerAt !== undefined && timerAt <= e.at) {
      saves.push(timerAt);
      dirty = false;
      timerAt = undefined;
    }
    if (e.kind === 'change') {
      dirty = true;
      timerAt ??= e.at + batchMs;
    } else if (dirty) {
      saves.push(e.at);
      dirty = false;
      timerAt = undefined;
    }
  }
  if (timerAt !== undefined && timerAt < script.submitAtMs) saves.push(timerAt);
  return saves;
}

/**
 * The attempt the cost figures assume (issue 12): `questions` answered one every
 * `durationMs / questions`, the review reached 2 s after the last answer, submitted 8 s later.
 */
export function typicalAttempt(questions = 20, durationMs = 6 * 60_000): AttemptScript {
  const every = durationMs / questions;
  const changesAtMs = Array.from({ length: questions }, (_, i) => Math.round((i + 1) * every));
  const last = changesAtMs.at(-1) ?? 0;
  return { changesAtMs, reviewAtMs: last + 2_000, submitAtMs: last + 10_000 };
}
