// Issue 12: data written by layout 2 (main 146a768, test/fixtures/layout-v2/record.ts) is brought to
// layout 3: leaderboard entries on the `ranking` index (16 shards, a projection of what the board
// shows) and off the old `leaderboard` index, and the villages typed in a contest without a list
// registered for the cap. After the migration this release's API must answer as layout 2 did, the
// counters must keep counting (layout 2's single counter item is still summed), and the data must keep
// working.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, type AttributeValue, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexKeys, keys, LEADERBOARD_SHARDS, shardOf } from '../../functions/adapters/dynamodb/keys.ts';
import { CURRENT_LAYOUT, readLayout, runMigrations } from '../../functions/migrations/runner.ts';
import { apiClient } from '../helpers/api.ts';
import { attemptApi, eventually, expectStatus, startAttempt, withoutRounds as v1 } from '../helpers/contest.ts';
import { removeTempDirs, tempDir } from '../helpers/local-process.ts';
import { oldReleaseTable, scanAll, timeless } from '../helpers/old-release.ts';
import { ADMIN, startServer, type LocalServer } from '../helpers/server.ts';

afterAll(removeTempDirs);

const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'layout-v2');
const fixture = JSON.parse(readFileSync(join(fixtureDir, 'items.json'), 'utf8')) as { items: Record<string, AttributeValue>[] };
const expected = JSON.parse(readFileSync(join(fixtureDir, 'expected.json'), 'utf8'));
const tableInput = JSON.parse(readFileSync(join(fixtureDir, 'table.json'), 'utf8')) as CreateTableCommandInput;
const CLOSED: string = expected.closedContestId;
const OPEN = 'cchc-2024';
const TABLE = 'cuoc-thi';
const ranked = fixture.items.filter((i) => i.entity?.S === 'person' && i.GSI1PK);
const TYPED = ['Thôn 1', 'Thôn 2', 'thôn 2', 'Làng Kon Tu', 'Tổ dân phố 3', 'Thôn Mới', 'Thôn Đắk Hà'];

/**
 * Layout 2's table holding the fixture, without its stream: the old release's consumer had folded every
 * record of these items into the fixture's counters already (npm start turns the stream on again, for new
 * writes only).
 */
const layout2Table = (dataDir: string) => {
  const { StreamSpecification: _stream, ...withoutStream } = tableInput;
  return oldReleaseTable(dataDir, withoutStream, timeless(fixture.items, { open: OPEN, closed: CLOSED }));
};

describe('the layout-2 fixture', () => {
  it('holds what layout 2 looked like: entries of the 4-shard leaderboard index, one counter item per contest, no village registry', () => {
    expect(fixture.items.find((i) => i.PK!.S === 'META' && i.SK!.S === 'LAYOUT')?.version).toEqual({ N: '2' });
    expect(ranked.length).toBeGreaterThanOrEqual(13);
    expect(new Set(ranked.map((i) => Number(i.GSI1PK!.S!.split('#').at(-1)))).size).toBeLessThanOrEqual(4);
    expect(fixture.items.some((i) => i.LBPK)).toBe(false);
    expect(fixture.items.filter((i) => i.SK!.S!.startsWith('AGG#')).map((i) => i.SK!.S)).toEqual(['AGG#CONTEST#0', 'AGG#CONTEST#0']);
    expect(fixture.items.some((i) => i.SK!.S === 'VILLAGES')).toBe(false);
    expect(tableInput.GlobalSecondaryIndexes!.map((g) => g.IndexName)).toEqual(['leaderboard']);
    expect(JSON.stringify(fixture).length).toBeLessThan(200_000);
  });
});

describe('the 2 -> 3 migration itself', () => {
  let table: Awaited<ReturnType<typeof layout2Table>>;
  beforeAll(async () => {
    table = await layout2Table(tempDir('cuoc-thi-migration-v3-'));
  });
  afterAll(async () => {
    await table?.stop();
  });

  it('stopped by a crash half-way, resumes from its checkpoint and completes', async () => {
    const logs: string[] = [];
    const log = (line: string) => logs.push(line);
    await expect(runMigrations({ tableName: TABLE, db: table.db, log, pageSize: 10, concurrency: 1, failAfterItems: 6 })).rejects.toThrow('stopped on purpose after 6 items');
    const stopped = await readLayout(table.db, TABLE);
    expect(stopped?.version).toBe(2);
    expect(stopped?.checkpoint?.pages).toBeGreaterThan(0);
    const result = await runMigrations({ tableName: TABLE, db: table.db, log, pageSize: 10 });
    expect(result).toMatchObject({ from: 2, to: CURRENT_LAYOUT, done: true });
    expect(logs.join('\n')).toMatch(/layout 2 -> 3 \(ranking index and village registry\): resuming after page \d+/);
    expect(logs.join('\n')).toMatch(/layout 3 \(ranking index and village registry\): done in \d+ page\(s\): .*leaderboard entries moved to the ranking index/);
    const layout = await readLayout(table.db, TABLE);
    expect(layout?.version).toBe(3);
    expect(layout?.history?.map((h) => h.version)).toEqual([3]);
  });

  it('puts every scored person on the 16-shard ranking index with its rank tuple, and none on the old index', async () => {
    const items = await scanAll(table.db, TABLE);
    expect(items.filter((i) => i.GSI1PK !== undefined || i.GSI1SK !== undefined)).toEqual([]);
    const people = items.filter((i) => i.entity === 'person' && i.best);
    expect(people.length).toBe(ranked.length);
    const before = new Map(ranked.map((p) => [`${p.PK!.S}|${p.SK!.S}`, p.GSI1SK!.S]));
    for (const p of people) {
      expect(p.LBPK).toBe(indexKeys.leaderboard.pk(p.contestId, shardOf(p.phone, LEADERBOARD_SHARDS)));
      expect(p.LBSK).toBe(before.get(`${p.PK}|${p.SK}`));
    }
    expect(new Set(people.map((p) => p.LBPK)).size).toBeGreaterThan(4);
  });

  it('registers the villages typed in the contest without a list (every spelling in use), none for a listed contest', async () => {
    const items = await scanAll(table.db, TABLE);
    const registries = items.filter((i) => i.SK === 'VILLAGES');
    expect(registries.map((r) => r.PK)).toEqual([`CONTEST#${CLOSED}`]);
    const used = new Set(fixture.items.filter((i) => i.entity?.S === 'attempt' && i.contestId?.S === CLOSED).map((a) => a.registration!.M!.village!.S!));
    expect([...registries[0]!.names].sort()).toEqual([...used].sort());
    expect([...used].every((v) => TYPED.includes(v))).toBe(true);
  });

  it('is idempotent: run again, it changes nothing', async () => {
    const before = await scanAll(table.db, TABLE);
    await table.db.send(new UpdateCommand({ TableName: TABLE, Key: keys.layout(), UpdateExpression: 'SET version = :two', ExpressionAttributeValues: { ':two': 2 } }));
    const result = await runMigrations({ tableName: TABLE, db: table.db, log: () => undefined });
    expect(result).toMatchObject({ from: 2, to: 3, done: true, counts: {} });
    const strip = (items: Record<string, any>[]) => items.filter((i) => i.PK !== 'META');
    expect(strip(await scanAll(table.db, TABLE))).toEqual(strip(before));
  });
});

describe('npm start on the data of layout 2', () => {
  let server: LocalServer;
  let api: ReturnType<typeof apiClient>;
  let token: string;
  let db: DynamoDBDocumentClient;
  beforeAll(async () => {
    const dataDir = tempDir('cuoc-thi-upgrade-v3-');
    const table = await layout2Table(dataDir);
    await table.stop();
    server = await startServer({ seedDemo: false, dataDir });
    api = apiClient(server.baseUrl);
    token = await api.login(ADMIN.email, ADMIN.password);
    db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: server.ready.dynamoEndpoint, region: 'ap-southeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  });
  afterAll(async () => {
    db?.destroy();
    await server?.stop();
  });

  it('adds the ranking index to the table and migrates at start', async () => {
    const { Table } = await db.send(new DescribeTableCommand({ TableName: TABLE }));
    const ranking = Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === 'ranking');
    expect(ranking?.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['phone', 'fullName', 'unitId', 'village', 'best'] });
    const layout = await readLayout(db, TABLE);
    expect(layout?.version).toBe(CURRENT_LAYOUT);
    expect(layout?.history?.[0]).toMatchObject({ version: 3, counts: { 'leaderboard entries moved to the ranking index': ranked.length } });
  });

  it.each([CLOSED, OPEN])('contest %s: leaderboard, results, statistics and unit ranking answer as layout 2 did', async (id) => {
    const old = expected[id];
    expect(v1((await api.get(`/api/contests/${id}/leaderboard?limit=50`)).body)).toEqual(old.leaderboard);
    expect(v1((await api.get(`/api/admin/contests/${id}/results`, token)).body)).toEqual(old.results);
    expect(v1((await api.get(`/api/admin/contests/${id}/stats`, token)).body)).toEqual(old.stats);
    expect(v1((await api.get(`/api/contests/${id}/units`)).body)).toEqual(old.units);
  });

  it("a person's export holds the same person, attempts and final row", async () => {
    for (const [phone, old] of Object.entries<any>(expected.people)) {
      const now = (await api.get(`/api/admin/people/${phone}`, token)).body;
      expect({ ...now, exportedAt: old.exportedAt }).toEqual(old);
    }
  });

  it('keeps counting: a new participant lands on the live board and in the counters (old and new counter items summed)', async () => {
    const person = { fullName: 'Y Hoa', phone: '0912000199', unitId: 'cong-an-xa', village: 'Thôn Long Tro', birthYear: 1991 };
    const started = await startAttempt(api, OPEN, person);
    expectStatus(started, 201);
    const submitted = await attemptApi(api, started.body.attemptId, started.body.attemptToken).submit({ answers: {} });
    expectStatus(submitted, 200);
    const board = (await api.get(`/api/contests/${OPEN}/leaderboard?limit=50`)).body;
    expect(board.items.map((r: { phoneMasked: string }) => r.phoneMasked)).toHaveLength(expected[OPEN].leaderboard.items.length + 1);
    const stats = await eventually(
      async () => (await api.get(`/api/admin/contests/${OPEN}/stats`, token)).body,
      (s) => s.participants === expected[OPEN].stats.participants + 1,
    );
    expect(stats).toMatchObject({ participants: expected[OPEN].stats.participants + 1, attempts: expected[OPEN].stats.attempts + 1 });
    const counters = (await scanAll(db, TABLE)).filter((i) => String(i.SK).startsWith('AGG') && String(i.PK).includes(OPEN)).map((i) => `${i.PK}|${i.SK}`);
    expect(counters).toEqual(expect.arrayContaining([`CONTEST#${OPEN}|AGG#CONTEST#0`, `CONTEST#${OPEN}|AGG#TOTAL`]));
  });
});
