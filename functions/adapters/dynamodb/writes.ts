// Batch and transactional writes with the retries DynamoDB asks for, written once.
import { BatchWriteCommand, ddb, tableName, TransactWriteCommand, type TransactWriteCommandInput } from './client.ts';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** BatchWriteItem, 25 requests a call, retrying what DynamoDB leaves unprocessed with backoff. */
export async function batchWrite(all: WriteRequest[]): Promise<void> {
  for (let i = 0; i < all.length; i += 25) {
    let requests = all.slice(i, i + 25);
    for (let tryNo = 0; requests.length > 0; tryNo++) {
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      if (requests.length > 0) await pause(50 * 2 ** Math.min(tryNo, 6));
    }
  }
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
