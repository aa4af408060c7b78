// The table's stream consumer. Lambda delivers each shard's records in order, one batch at a time,
// and delivers a batch again when this throws; both steps below are idempotent.
// 1. Completes scored attempts: a submit commits the attempt, then updates its person; if it stopped
//    in between (a crash, a timeout), the attempt's change to `submitted` arrives here, a cheap read
//    shows its person does not hold it, and the person is brought up to date (app/attempts.ts settle).
// 2. Folds person and attempt changes into the aggregate counters (app/aggregates.ts), exactly once
//    per record (adapters/dynamodb/aggregates.ts).
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { applyChanges } from '../adapters/dynamodb/aggregates.ts';
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

/** Attempts this batch saw go from open to submitted. */
function newlyScored(changes: ItemChange[]) {
  return changes
    .filter((c) => c.newImage?.entity === 'attempt' && c.newImage.status === 'submitted' && c.oldImage?.status === 'open')
    .map((c) => toAttempt(c.newImage as Parameters<typeof toAttempt>[0]) as AttemptRecord & { outcome: SubmitOutcome });
}

export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
  const changes = toChanges(event);
  const queue = await unsettled(newlyScored(changes));
  await Promise.all(
    Array.from({ length: Math.min(8, queue.length) }, async () => {
      for (let a = queue.shift(); a; a = queue.shift()) await attemptCases.settle(a);
    }),
  );
  await applyChanges(changes);
};
