// Brings a table written by an earlier release to the current data layout (docs/migrations.md).
// Runs at every local start (functions/local/main.ts) and once per deploy on AWS, before the new
// functions take traffic (handlers/migrate.ts, infra/constructs/layout-migration.ts).
//
// The table records its layout in one item (keys.layout()). Each pending migration walks the table
// with a Scan, page by page, and checkpoints the page it reached in that item, so a run stopped by
// a crash or a time budget continues where it was. Every step is idempotent per item: a page done
// twice changes nothing the second time.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../adapters/dynamodb/keys.ts';
import { peoplePartitions } from './v2-people-partitions.ts';
import { rankingIndex } from './v3-ranking-index.ts';

export type Item = Record<string, unknown>;

export interface MigrationContext {
  db: DynamoDBDocumentClient;
  tableName: string;
}

export interface Migration {
  /** The layout this migration produces; it runs on tables at `version - 1`. */
  version: number;
  name: string;
  /** Migrates one item if it needs it; returns what it did (counted and logged), or undefined. Idempotent. */
  migrateItem(item: Item, context: MigrationContext): Promise<string | undefined>;
}

/** Every migration, in order. A layout change adds one here and raises CURRENT_LAYOUT. */
export const migrations: readonly Migration[] = [peoplePartitions, rankingIndex];

/** The layout this code reads and writes. */
export const CURRENT_LAYOUT = 3;

/**
 * The layout of a table that records none: every release up to layout 2 wrote none. Layout-2 data
 * also reads as 1: its migration then finds nothing to change (people already in their partitions).
 */
export const UNVERSIONED_LAYOUT = 1;

interface Checkpoint {
  version: number;
  cursor?: Item;
  counts: Record<string, number>;
  pages: number;
  startedAt: string;
}

interface LayoutItem {
  version: number;
  checkpoint?: Checkpoint;
  history?: { version: number; name: string; finishedAt: string; counts: Record<string, number>; pages: number }[];
}

export class NewerLayout extends Error {
  constructor(found: number) {
    super(`the data was written by a newer release (layout ${found}); this release reads layout ${CURRENT_LAYOUT}: run the newer release, or restore a backup`);
    this.name = 'NewerLayout';
  }
}

export interface RunOptions {
  tableName: string;
  db?: DynamoDBDocumentClient;
  log?: (line: string) => void;
  /** Stop after the page during which this instant (epoch ms) passed; the next run continues. */
  deadline?: number;
  /** Items per Scan page (default: DynamoDB's 1 MB pages); tests use small pages to cross checkpoints. */
  pageSize?: number;
  /** Items handled at once within a page. */
  concurrency?: number;
  /** Tests: throw after this many migrated items (a crash in the middle of a page). */
  failAfterItems?: number;
}

export interface RunResult {
  from: number;
  to: number;
  done: boolean;
  counts: Record<string, number>;
}

export function documentClient(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...(endpoint ? { endpoint } : {}), region: process.env.AWS_REGION ?? 'ap-southeast-1' }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export async function readLayout(db: DynamoDBDocumentClient, tableName: string): Promise<LayoutItem | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.layout(), ConsistentRead: true }));
  return out.Item as LayoutItem | undefined;
}

async function isEmpty(db: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  const out = await db.send(new ScanCommand({ TableName: tableName, Limit: 1, ProjectionExpression: 'PK' }));
  return (out.Items?.length ?? 0) === 0 && !out.LastEvaluatedKey;
}

export async function runMigrations(options: RunOptions): Promise<RunResult> {
  const { tableName } = options;
  const db = options.db ?? documentClient();
  const log = options.log ?? ((line: string) => console.log(`[migrate] ${line}`));
  const concurrency = options.concurrency ?? 8;
  let layout = await readLayout(db, tableName);
  if (!layout) {
    if (await isEmpty(db, tableName)) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.layout(), entity: 'layout', version: CURRENT_LAYOUT, history: [] }, ConditionExpression: 'attribute_not_exists(PK)' }));
      log(`new table: layout ${CURRENT_LAYOUT}`);
      return { from: CURRENT_LAYOUT, to: CURRENT_LAYOUT, done: true, counts: {} };
    }
    layout = { version: UNVERSIONED_LAYOUT };
    await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.layout(), entity: 'layout', version: UNVERSIONED_LAYOUT, history: [] }, ConditionExpression: 'attribute_not_exists(PK)' }));
    log(`the table records no layout: written by a release before layout versions, read as layout ${UNVERSIONED_LAYOUT}`);
  }
  const from = layout.version;
  if (from > CURRENT_LAYOUT) throw new NewerLayout(from);
  const total: Record<string, number> = {};
  let migrated = 0;
  for (const migration of migrations.filter((m) => m.version > layout!.version)) {
    const resumed = layout.checkpoint?.version === migration.version ? layout.checkpoint : undefined;
    const checkpoint: Checkpoint = resumed ?? { version: migration.version, counts: {}, pages: 0, startedAt: new Date().toISOString() };
    log(
      resumed
        ? `layout ${migration.version - 1} -> ${migration.version} (${migration.name}): resuming after page ${resumed.pages} (${describe(resumed.counts)})`
        : `layout ${migration.version - 1} -> ${migration.version} (${migration.name}): starting`,
    );
    const context = { db, tableName };
    for (;;) {
      const page = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(options.pageSize ? { Limit: options.pageSize } : {}), ...(checkpoint.cursor ? { ExclusiveStartKey: checkpoint.cursor } : {}) }));
      const items = page.Items ?? [];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, items.length) }, async () => {
          for (let i = next++; i < items.length; i = next++) {
            const did = await migration.migrateItem(items[i]!, context);
            if (!did) continue;
            checkpoint.counts[did] = (checkpoint.counts[did] ?? 0) + 1;
            if (options.failAfterItems !== undefined && ++migrated >= options.failAfterItems) throw new Error(`stopped on purpose after ${migrated} items`);
          }
        }),
      );
      checkpoint.pages++;
      checkpoint.cursor = page.LastEvaluatedKey;
      if (!checkpoint.cursor) break;
      await saveCheckpoint(db, tableName, checkpoint);
      if (options.deadline !== undefined && Date.now() >= options.deadline) {
        log(`layout ${migration.version}: paused after page ${checkpoint.pages} (${describe(checkpoint.counts)}); the next run continues`);
        return { from, to: layout.version, done: false, counts: checkpoint.counts };
      }
    }
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.layout(),
        UpdateExpression: 'SET version = :v, history = list_append(if_not_exists(history, :none), :entry) REMOVE #checkpoint',
        ConditionExpression: 'version = :prev',
        ExpressionAttributeNames: { '#checkpoint': 'checkpoint' },
        ExpressionAttributeValues: {
          ':v': migration.version,
          ':prev': migration.version - 1,
          ':none': [],
          ':entry': [{ version: migration.version, name: migration.name, finishedAt: new Date().toISOString(), counts: checkpoint.counts, pages: checkpoint.pages }],
        },
      }),
    );
    layout = { version: migration.version };
    for (const [k, v] of Object.entries(checkpoint.counts)) total[k] = (total[k] ?? 0) + v;
    log(`layout ${migration.version} (${migration.name}): done in ${checkpoint.pages} page(s): ${describe(checkpoint.counts)}`);
  }
  return { from, to: layout.version, done: true, counts: total };
}

async function saveCheckpoint(db: DynamoDBDocumentClient, tableName: string, checkpoint: Checkpoint) {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.layout(),
      UpdateExpression: 'SET #checkpoint = :c',
      ConditionExpression: 'version = :prev',
      ExpressionAttributeNames: { '#checkpoint': 'checkpoint' },
      ExpressionAttributeValues: { ':c': checkpoint, ':prev': checkpoint.version - 1 },
    }),
  );
}

const describe = (counts: Record<string, number>) =>
  Object.keys(counts).length === 0 ? 'nothing to change' : Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
