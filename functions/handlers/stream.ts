// The table's stream consumer. Lambda delivers each shard's records in order, one batch at a time;
// both steps below are idempotent. It never throws: what it could not do is answered as a partial
// batch response naming the first record not done, and Lambda delivers again from there (bounded
// retries, then the batch's description goes to the on-failure queue; infra/constructs/stream-consumer.ts).
// 1. Completes scored attempts: a submit commits the attempt, then updates its person; if it stopped
//    in between (a crash, a timeout), the attempt's change to `submitted` arrives here, a cheap read
//    shows its person does not hold it, and the person is brought up to date (app/attempts.ts settle).
// 2. Folds person and attempt changes into the aggregate counters (app/aggregates.ts), exactly once
//    per record (adapters/dynamodb/aggregates.ts).
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { serviceErrorFields } from '../adapters/aws/settings.ts';
import { applyChangesUntil } from '../adapters/dynamodb/aggregates.ts';
import { toAttempt, unsettled } from '../adapters/dynamodb/attempts.ts';
import type { ItemChange } from '../app/aggregates.ts';
import type { AttemptRecord, SubmitOutcome } from '../app/contest-ports.ts';
import { attemptCases } from './composition.ts';

type Image = Record<string, AttributeValue> | undefined;
const image = (i: unknown) => (i ? unmarshall(i as Record<string, AttributeValue>) : undefined);

export function toChanges(event: DynamoDBStreamEvent): ItemChange[] {
  return event.Records.map((r) => ({
    eventID: r.eventID!,
    sequenceNumber: r.dynamodb!.SequenceNumber!,
    oldImage: image(r.dynamodb?.OldImage as Image),
    newImage: image(r.dynamodb?.NewImage as Image),
  }));
}

/** Attempts this batch saw go from open to submitted, with their record's index. */
function newlyScored(changes: ItemChange[]) {
  return changes.flatMap((c, index) =>
    c.newImage?.entity === 'attempt' && c.newImage.status === 'submitted' && c.oldImage?.status === 'open'
      ? [{ index, attempt: toAttempt(c.newImage as Parameters<typeof toAttempt>[0]) as AttemptRecord & { outcome: SubmitOutcome } }]
      : [],
  );
}

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cuoc-thi' });

/**
 * Stop starting work when less than this is left: one SDK call may take 15 s at worst
 * (adapters/aws/settings.ts). A timeout would make Lambda split the batch at its midpoint, which
 * may fall inside a chunk already applied; stopping here makes it split where we say.
 */
const STOP_MARGIN_MS = 20_000;

const failedFrom = (changes: ItemChange[], index: number): DynamoDBBatchResponse => ({
  batchItemFailures: [{ itemIdentifier: changes[index]!.sequenceNumber }],
});

export const handler = async (event: DynamoDBStreamEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<DynamoDBBatchResponse> => {
  const changes = toChanges(event);
  const shouldStop = () => (context ? context.getRemainingTimeInMillis() < STOP_MARGIN_MS : false);

  // 1. Settle: a failure at some attempt means the counters are applied only up to its record.
  let settledUpTo = changes.length;
  const scored = newlyScored(changes);
  try {
    const queue = await unsettled(scored.map(({ attempt }) => attempt));
    const failedAt = new Set<number>();
    const positions = new Map(scored.map(({ attempt, index }) => [attempt.id, index]));
    await Promise.all(
      Array.from({ length: Math.min(8, queue.length) }, async () => {
        for (let a = queue.shift(); a; a = queue.shift()) {
          if (shouldStop()) failedAt.add(positions.get(a.id)!);
          else
            await attemptCases.settle(a).catch((error) => {
              logger.error('Settling a scored attempt failed', { error, attemptId: a.id, ...serviceErrorFields(error) });
              failedAt.add(positions.get(a.id)!);
            });
        }
      }),
    );
    if (failedAt.size > 0) settledUpTo = Math.min(...failedAt);
  } catch (error) {
    logger.error('Reading the people of scored attempts failed', { error, ...serviceErrorFields(error) });
    return failedFrom(changes, 0);
  }

  // 2. Counters, up to the first record not settled.
  const progress = await applyChangesUntil(changes.slice(0, settledUpTo), { shouldStop });
  if (progress.stopped !== undefined && progress.stopped !== 'deadline') {
    logger.error('Applying changes to the counters failed', { error: progress.stopped as Error, ...serviceErrorFields(progress.stopped) });
  }
  if (progress.done < changes.length) {
    logger.warn('Partial batch', { records: changes.length, done: progress.done, reason: progress.stopped === 'deadline' ? 'deadline' : 'failure' });
    return failedFrom(changes, progress.done);
  }
  return { batchItemFailures: [] };
};
