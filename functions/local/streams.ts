// Local mode's stand-in for Lambda's DynamoDB Streams event source mapping: reads DynamoDB Local's
// stream of the table, shard by shard in order, and hands each batch of records to the very stream
// handler Lambda runs (handlers/stream.ts). Like the event source mapping it moves on only after
// the handler succeeded, and it keeps its position per shard (in DATA_DIR), so after a restart,
// even a kill -9, a batch is delivered again from its first record or not at all.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

type Handler = (event: DynamoDBStreamEvent) => Promise<void | DynamoDBBatchResponse>;

interface Shard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { EndingSequenceNumber?: string };
}

/** DynamoDB Local serves the Streams API on its own port; it checks that a signature is there, not what it is. */
function streamsClient(endpoint: string) {
  return async <T>(operation: string, body: unknown): Promise<T> => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/ddblocal/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as T & { __type?: string; message?: string };
    if (!res.ok) throw Object.assign(new Error(`${operation}: ${json.message ?? res.status}`), { name: String(json.__type ?? '').split('#').pop() });
    return json;
  };
}

type Json = unknown;

/**
 * DynamoDB Local writes an empty map or list in a stream image as `{}` where DynamoDB writes
 * `{"M":{}}` (an attempt's `ans` before the first autosave): restore the AWS form, so the handler
 * sees what Lambda would hand it.
 */
function awsAttribute(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  const v = value as Record<string, Json>;
  if (Object.keys(v).length === 0) return { M: {} };
  if (v.M) return { M: awsImage(v.M as Record<string, Json>) };
  if (Array.isArray(v.L)) return { L: v.L.map(awsAttribute) };
  return v;
}
const awsImage = (image: Record<string, Json> | undefined) =>
  image && Object.fromEntries(Object.entries(image).map(([k, v]) => [k, awsAttribute(v)]));

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves once every record written before the call has been handled (tests and the bench). */
  drained(timeoutMs?: number): Promise<void>;
}

export interface StreamPollerOptions {
  endpoint: string;
  streamArn: string;
  handler: Handler;
  positionFile: string;
  /**
   * Like the event source mapping's MaximumBatchingWindowInSeconds: after a batch smaller than
   * `batchSize`, wait this long so the next one gathers what arrives meanwhile. Fewer, larger
   * batches make fewer counter transactions.
   */
  batchWindowMs?: number;
  batchSize?: number;
}

export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const call = streamsClient(options.endpoint);
  const windowMs = options.batchWindowMs ?? 1000;
  const batchSize = options.batchSize ?? 1000;
  let positions: Record<string, string> = {};
  try {
    positions = JSON.parse(readFileSync(options.positionFile, 'utf8'));
  } catch {
    /* first run */
  }
  const savePositions = () => {
    writeFileSync(`${options.positionFile}.tmp`, JSON.stringify(positions));
    renameSync(`${options.positionFile}.tmp`, options.positionFile);
  };
  const iterators = new Map<string, string | null>(); // null: shard finished
  let stopped = false;
  let caughtUpAt = 0; // time of the last pass that found every open shard empty

  async function iteratorFor(shard: Shard): Promise<string> {
    const after = positions[shard.ShardId];
    try {
      const out = await call<{ ShardIterator: string }>('GetShardIterator', {
        StreamArn: options.streamArn,
        ShardId: shard.ShardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      });
      return out.ShardIterator;
    } catch (e) {
      if (!after) throw e;
      delete positions[shard.ShardId]; // trimmed away: start from what the stream still holds
      return iteratorFor(shard);
    }
  }

  // The shard list, described again once a shard has ended (its child is the next to read) and at
  // least once a second; not on every pass: an idle pass is then one GetRecords per open shard,
  // half the emulator's CPU of an idle stack (DescribeStream costs as much as GetRecords).
  let shards: Shard[] | undefined;
  let describedAt = 0;

  /** Reads each open shard once; 'full' when a shard gave a whole batch (more is waiting). */
  async function pass(): Promise<'idle' | 'moved' | 'full'> {
    if (!shards || Date.now() - describedAt >= 1000) {
      describedAt = Date.now();
      shards = (await call<{ StreamDescription: { Shards: Shard[] } }>('DescribeStream', { StreamArn: options.streamArn })).StreamDescription.Shards;
    }
    const known = shards;
    let moved: 'idle' | 'moved' | 'full' = 'idle';
    for (const shard of known) {
      // A child shard is read only once its parent is finished: records of one item stay in order.
      if (shard.ParentShardId && known.some((s) => s.ShardId === shard.ParentShardId) && iterators.get(shard.ParentShardId) !== null) continue;
      if (iterators.get(shard.ShardId) === null) continue;
      const iterator = iterators.get(shard.ShardId) ?? (await iteratorFor(shard));
      const out = await call<{ Records: DynamoDBStreamEvent['Records']; NextShardIterator?: string }>('GetRecords', { ShardIterator: iterator, Limit: batchSize });
      if (out.Records.length > 0) {
        // Throws on failure: the iterator is not advanced, the same records come again next pass.
        const Records = out.Records.map((r) => ({
          ...r,
          eventSourceARN: options.streamArn,
          dynamodb: { ...r.dynamodb, NewImage: awsImage(r.dynamodb?.NewImage as Record<string, Json>), OldImage: awsImage(r.dynamodb?.OldImage as Record<string, Json>) },
        })) as DynamoDBStreamEvent['Records'];
        const response = await options.handler({ Records });
        // A partial batch response, as Lambda reads it: checkpoint before the first failed record
        // and deliver again from it.
        const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
        const at = failed === undefined ? -1 : out.Records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
        if (at >= 0) {
          if (at > 0) positions[shard.ShardId] = out.Records[at - 1]!.dynamodb!.SequenceNumber!;
          savePositions();
          throw new Error(`batch failed from record ${at} of ${out.Records.length}; delivered again from there`);
        }
        positions[shard.ShardId] = out.Records[out.Records.length - 1]!.dynamodb!.SequenceNumber!;
        savePositions();
        if (moved !== 'full') moved = out.Records.length >= batchSize ? 'full' : 'moved';
      }
      iterators.set(shard.ShardId, out.NextShardIterator ?? null);
      if (!out.NextShardIterator) shards = undefined; // ended: its child shard is next
    }
    return moved;
  }

  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      try {
        const result = await pass();
        if (result === 'idle') caughtUpAt = started;
        if (result !== 'full') await new Promise((r) => setTimeout(r, result === 'idle' ? Math.min(windowMs, 100) : windowMs));
      } catch (e) {
        if (stopped) break;
        console.error('[local] stream consumer:', (e as Error).message);
        iterators.clear();
        shards = undefined;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
    },
    async drained(timeoutMs = 30_000) {
      const since = Date.now();
      while (caughtUpAt <= since) {
        if (Date.now() - since > timeoutMs) throw new Error('stream consumer did not catch up');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
