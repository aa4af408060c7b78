// The local stand-ins for the EventBridge rules of infra/stacks/api.ts: the daily retention purge
// (hourly here) and the round schedule (every minute on AWS); each handler gets the very event
// shape AWS sends ("Scheduled Event"), at start and then every interval.
import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';

/** Hourly locally (a laptop is rarely up at 02:30); the purge is idempotent, so extra runs cost nothing. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** An EventBridge scheduled event; `time` is the instant the run counts as "now". */
export function scheduledEvent(at: Date = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    // EventBridge sends whole seconds.
    time: `${at.toISOString().slice(0, 19)}Z`,
    region: process.env.AWS_REGION ?? 'ap-southeast-1',
    resources: ['arn:aws:events:local:000000000000:rule/RetentionSchedule'],
    detail: {},
  };
}

type ScheduledHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

interface Schedule {
  /** The EventBridge rule's name (the event's `resources`). */
  rule: string;
  functionName: string;
  /** The function's timeout on AWS: the handler's remaining time. */
  timeoutMs: number;
  intervalMs: number;
  /** What a failed run logs. */
  what: string;
}

/**
 * Sends the rule's scheduled event to the handler now and every `intervalMs`, one run at a time;
 * failures are logged, never fatal (the next run does the same idempotent work). Returns a stop function.
 */
function startSchedule(load: () => Promise<ScheduledHandler>, schedule: Schedule): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const handler = await load();
      const deadline = performance.now() + schedule.timeoutMs;
      const context = {
        functionName: schedule.functionName,
        awsRequestId: randomUUID(),
        getRemainingTimeInMillis: () => deadline - performance.now(),
      } as unknown as Context;
      await handler({ ...scheduledEvent(), resources: [`arn:aws:events:local:000000000000:rule/${schedule.rule}`] }, context);
    } catch (error) {
      console.error(`[local] ${schedule.what} failed`, error);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), schedule.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The retention purge (privacy function), now and every `intervalMs`. */
export const startRetentionTimer = (load: () => Promise<ScheduledHandler>, intervalMs = RETENTION_INTERVAL_MS) =>
  startSchedule(load, { rule: 'RetentionSchedule', functionName: 'local-privacy', timeoutMs: 300_000, intervalMs, what: 'retention purge' });

/**
 * How often the local stand-in for the round finalisation rule (infra/stacks/api.ts, every minute on
 * AWS) runs: every 10 s by default (`ROUND_FINALIZE_INTERVAL_MS`), so a round's close job starts
 * within grace + 10 s of its end locally.
 */
export const ROUND_FINALIZE_INTERVAL_MS = Number(process.env.ROUND_FINALIZE_INTERVAL_MS ?? 10_000);

/** The round schedule (contests function: it starts the close jobs of due rounds), now and every `intervalMs`. */
export const startRoundTimer = (load: () => Promise<ScheduledHandler>, intervalMs = ROUND_FINALIZE_INTERVAL_MS) =>
  startSchedule(load, { rule: 'RoundFinalizeSchedule', functionName: 'local-contests', timeoutMs: 29_000, intervalMs, what: 'round schedule' });
