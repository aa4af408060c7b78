// The local stand-in for the daily EventBridge rule of infra/stacks/api.ts: the privacy handler
// gets the very event shape AWS sends ("Scheduled Event"), at start and then every hour.
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

/** Runs the retention purge now and every `intervalMs`; failures are logged, never fatal. Returns a stop function. */
export function startRetentionTimer(load: () => Promise<ScheduledHandler>, intervalMs = RETENTION_INTERVAL_MS): () => void {
  const run = async () => {
    try {
      const handler = await load();
      const deadline = performance.now() + 300_000;
      const context = {
        functionName: 'local-privacy',
        awsRequestId: randomUUID(),
        getRemainingTimeInMillis: () => deadline - performance.now(),
      } as unknown as Context;
      await handler(scheduledEvent(), context);
    } catch (error) {
      console.error('[local] retention purge failed', error);
    }
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * How often the local stand-in for the round finalisation rule (infra/stacks/api.ts, every minute on
 * AWS) runs: every 10 s by default (`ROUND_FINALIZE_INTERVAL_MS`), so a round's final ranking is
 * written within grace + 10 s + the run of its end locally.
 */
export const ROUND_FINALIZE_INTERVAL_MS = Number(process.env.ROUND_FINALIZE_INTERVAL_MS ?? 10_000);

/** Runs the round finalisation now and every `intervalMs`, one run at a time; failures are logged, never fatal. */
export function startRoundTimer(load: () => Promise<ScheduledHandler>, intervalMs = ROUND_FINALIZE_INTERVAL_MS): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const handler = await load();
      const deadline = performance.now() + 900_000;
      const context = {
        functionName: 'local-contests',
        awsRequestId: randomUUID(),
        getRemainingTimeInMillis: () => deadline - performance.now(),
      } as unknown as Context;
      const event = scheduledEvent();
      await handler({ ...event, resources: ['arn:aws:events:local:000000000000:rule/RoundFinalizeSchedule'] }, context);
    } catch (error) {
      console.error('[local] round finalisation failed', error);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
