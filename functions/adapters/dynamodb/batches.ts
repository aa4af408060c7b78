// Batch and transactional calls with the retries DynamoDB asks for, written once.
import { BatchGetCommand, BatchWriteCommand, ddb, tableName, TransactWriteCommand, type TransactWriteCommandInput } from './client.ts';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `all` in slices of `size`, sending again with backoff whatever DynamoDB leaves unprocessed
 * (a batch call may do part of its work under load and say which part it did not).
 */
async function untilProcessed<T>(all: T[], size: number, send: (slice: T[]) => Promise<T[]>): Promise<void> {
  for (let i = 0; i < all.length; i += size) {
    let pending = all.slice(i, i + size);
    for (let tryNo = 0; pending.length > 0; tryNo++) {
      pending = await send(pending);
      if (pending.length > 0) await pause(50 * 2 ** Math.min(tryNo, 6));
    }
  }
}

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** BatchWriteItem, 25 requests a call. */
export function batchWrite(all: WriteRequest[]): Promise<void> {
  return untilProcessed(all, 25, async (requests) => {
    const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
    return (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
  });
}

/** BatchGetItem, 100 keys a call (eventually consistent, `projection` attributes only, or all); items in no particular order. */
export async function batchGet(keys: Record<string, unknown>[], projection?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  await untilProcessed(keys, 100, async (Keys) => {
    const out = await ddb.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys, ...(projection ? { ProjectionExpression: projection } : {}) } } }));
    items.push(...(out.Responses?.[tableName] ?? []));
    return (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
  });
  return items;
}

export type CancellationReason = { Code?: string };

export const cancellationReasons = (e: unknown): CancellationReason[] =>
  (e as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];

const TRANSACTION_RETRIES = 8;

/**
 * TransactWriteItems: 'ok', or the cancellation reasons (one per item, in order) when a condition
 * failed. A conflict with another transaction on the same item (two submits on one aggregate shard)
 * is retried with jittered backoff; anything else is thrown.
 */
export async function transactWrite(input: TransactWriteCommandInput): Promise<'ok' | CancellationReason[]> {
  for (let tryNo = 0; ; tryNo++) {
    try {
      await ddb.send(new TransactWriteCommand(input));
      return 'ok';
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return reasons;
      const conflict = (e as Error).name === 'TransactionConflictException' || reasons.some((r) => r.Code === 'TransactionConflict');
      if (!conflict || tryNo >= TRANSACTION_RETRIES) throw e;
      await pause(Math.random() * 20 * 2 ** Math.min(tryNo, 5));
    }
  }
}
