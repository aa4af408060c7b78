// The floor: what DynamoDB Local itself sustains for single-item PutItem and GetItem of an
// attempt-sized item (~1 KB) at the same concurrency, from an SDK client with keep-alive.
import { Agent as HttpAgent } from 'node:http';
import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { forEachLimit, summarize, type Summary } from './stats.ts';
import { itemSize } from './item-size.ts';

export function rawClient(endpoint: string, maxSockets: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'ap-southeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 4,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      connectionTimeout: 2_000,
      requestTimeout: 30_000,
    }),
  });
}

/** An item shaped like an attempt (drawn questions, answers, registration, token hash): about 1 KB. */
export function attemptLikeItem(i: number): Record<string, AttributeValue> {
  const at = new Date().toISOString();
  const drawn = Array.from({ length: 10 }, (_, q) => ({ S: `demo${String(q + 1).padStart(3, '0')}:3120` }));
  const ans = Object.fromEntries(Array.from({ length: 10 }, (_, q) => [`demo${String(q + 1).padStart(3, '0')}`, { S: `B|${at}` }]));
  return {
    PK: { S: `BENCH#RAW#${i}` },
    SK: { S: 'ATTEMPT' },
    entity: { S: 'attempt' },
    id: { S: `raw${String(i).padStart(13, '0')}` },
    contestId: { S: 'cchc-2024' },
    phone: { S: '0912345678' },
    attemptNo: { N: '1' },
    tokenHash: { S: 'q3n1c3O9Q0M7sW6n1m0Zb0P7yq6yW1b4nH5rJ8tX2aA' },
    registration: {
      M: {
        fullName: { S: 'Nguyễn Thị Hoa' },
        phone: { S: '0912345678' },
        unitId: { S: 'hoi-nong-dan' },
        village: { S: 'Thôn Đắk Chum 1' },
        birthYear: { N: '1985' },
      },
    },
    drawn: { L: drawn },
    startedAt: { S: at },
    deadline: { S: at },
    status: { S: 'open' },
    ans: { M: ans },
  };
}

export interface FloorChunk {
  putMs: number[];
  putWallMs: number;
  getMs: number[];
  getWallMs: number;
  errors: number;
}

/** Warms the JIT and the connection pool on both sides. */
export async function warmFloor(client: DynamoDBClient, tableName: string, concurrency: number): Promise<void> {
  await forEachLimit(500, concurrency, async (i) => {
    await client.send(new PutItemCommand({ TableName: tableName, Item: attemptLikeItem(10_000_000 + i) }));
  });
}

/**
 * One round of the floor: `ops` PutItem of new items, then `ops` consistent GetItem of items written
 * in this round, each kind at `concurrency`. (A submit is two conditional UpdateItems and two
 * consistent GetItems, no transaction, so single-item writes and reads are its floor.)
 */
export async function floorChunk(client: DynamoDBClient, tableName: string, round: number, ops: number, concurrency: number): Promise<FloorChunk> {
  const base = round * 1_000_000;
  const c: FloorChunk = { putMs: [], putWallMs: 0, getMs: [], getWallMs: 0, errors: 0 };
  let t0 = performance.now();
  await forEachLimit(ops, concurrency, async (i) => {
    const s = performance.now();
    try {
      await client.send(new PutItemCommand({ TableName: tableName, Item: attemptLikeItem(base + i) }));
      c.putMs.push(performance.now() - s);
    } catch {
      c.errors++;
    }
  });
  c.putWallMs = performance.now() - t0;

  t0 = performance.now();
  await forEachLimit(ops, concurrency, async (i) => {
    const s = performance.now();
    try {
      const out = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { PK: { S: `BENCH#RAW#${base + ((i * 7919) % ops)}` }, SK: { S: 'ATTEMPT' } }, ConsistentRead: true }),
      );
      if (!out.Item) c.errors++;
      c.getMs.push(performance.now() - s);
    } catch {
      c.errors++;
    }
  });
  c.getWallMs = performance.now() - t0;
  return c;
}

/** DynamoDB Local's own latency, one call at a time: mean ms of 20 PutItem then 20 consistent GetItem of a ~0.8 KB item per table (items `BENCH#LATENCY#i`). */
export async function tableLatency(client: DynamoDBClient, tables: string[]): Promise<Record<string, { putMs: number; getMs: number }>> {
  const out: Record<string, { putMs: number; getMs: number }> = {};
  const r1 = (v: number) => Math.round(v * 10) / 10;
  for (const table of tables) {
    const key = (i: number) => ({ PK: { S: `BENCH#LATENCY#${i}` }, SK: { S: 'X' } });
    let t0 = performance.now();
    for (let i = 0; i < 20; i++) await client.send(new PutItemCommand({ TableName: table, Item: { ...key(i), v: { S: 'x'.repeat(800) } } }));
    const putMs = r1((performance.now() - t0) / 20);
    t0 = performance.now();
    for (let i = 0; i < 20; i++) await client.send(new GetItemCommand({ TableName: table, Key: key(i), ConsistentRead: true }));
    out[table] = { putMs, getMs: r1((performance.now() - t0) / 20) };
  }
  return out;
}

export const rate = (count: number, wallMs: number) => Math.round((count / wallMs) * 10_000) / 10;

export interface FloorResult {
  operations: number;
  concurrency: number;
  itemBytes: number;
  putsPerSec: number;
  getsPerSec: number;
  put: Summary;
  get: Summary;
  errors: number;
}

export function floorResult(chunks: FloorChunk[], concurrency: number): FloorResult {
  const sum = (f: (c: FloorChunk) => number) => chunks.reduce((s, c) => s + f(c), 0);
  const all = (f: (c: FloorChunk) => number[]) => chunks.flatMap(f);
  return {
    operations: sum((c) => c.putMs.length),
    concurrency,
    itemBytes: itemSize(attemptLikeItem(0)),
    putsPerSec: rate(sum((c) => c.putMs.length), sum((c) => c.putWallMs)),
    getsPerSec: rate(sum((c) => c.getMs.length), sum((c) => c.getWallMs)),
    put: summarize(all((c) => c.putMs)),
    get: summarize(all((c) => c.getMs)),
    errors: sum((c) => c.errors),
  };
}
