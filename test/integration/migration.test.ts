// Issue 17: data written by the previous release (layout 1: stop 8, d51dfb1) is brought to the
// current layout by the migration. The fixture is every item that release's local mode stored after
// a scripted flow (test/fixtures/layout-v1/record.ts), with what its API answered: after the
// migration this release's API must answer the same, and the data must keep working.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, type AttributeValue, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexKeys, keys, LEADERBOARD_SHARDS, shardOf } from '../../functions/adapters/dynamodb/keys.ts';
import { CURRENT_LAYOUT, readLayout, runMigrations } from '../../functions/migrations/runner.ts';
import { apiClient } from '../helpers/api.ts';
import { closeContest, eventually, expectError, expectStatus, startAttempt, withoutRounds as v1 } from '../helpers/contest.ts';
import { removeTempDirs, tempDir } from '../helpers/local-process.ts';
import { oldReleaseTable, scanAll, timeless } from '../helpers/old-release.ts';
import { ADMIN, startServer, type LocalServer } from '../helpers/server.ts';

// Runs after every describe's own afterAll (their servers are stopped by then).
afterAll(removeTempDirs);

const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'layout-v1');
const fixture = JSON.parse(readFileSync(join(fixtureDir, 'items.json'), 'utf8')) as { items: Record<string, AttributeValue>[] };
const expected = JSON.parse(readFileSync(join(fixtureDir, 'expected.json'), 'utf8'));
const tableInput = JSON.parse(readFileSync(join(fixtureDir, 'table.json'), 'utf8')) as CreateTableCommandInput;
const CLOSED: string = expected.closedContestId;
const OPEN = 'cchc-2024';
const TABLE = 'cuoc-thi';
const oldPeople = fixture.items.filter((i) => i.PK!.S!.startsWith('PERSON#'));

/** Layout 1's table holding the fixture, as the old release made it (no stream, its open-attempts index). */
const layout1Table = (dataDir: string) => oldReleaseTable(dataDir, tableInput, timeless(fixture.items, { open: OPEN, closed: CLOSED }));

describe('the layout-1 fixture', () => {
  it('holds what layout 1 looked like: a person per partition, sharded counters, open-attempt index keys, no layout item', () => {
    expect(oldPeople.length).toBe(15);
    expect(fixture.items.filter((i) => i.SK!.S!.startsWith('AGG#CONTEST#')).length).toBeGreaterThan(2);
    expect(fixture.items.some((i) => i.GSI2PK)).toBe(true);
    expect(fixture.items.some((i) => i.PK!.S === 'META')).toBe(false);
    expect(JSON.stringify(fixture).length).toBeLessThan(200_000);
  });
});

describe('the migration itself', () => {
  let table: Awaited<ReturnType<typeof layout1Table>>;
  beforeAll(async () => {
    table = await layout1Table(tempDir('cuoc-thi-migration-'));
  });
  afterAll(async () => {
    await table?.stop();
  });

  it('stopped by a crash half-way, resumes from its checkpoint and completes', async () => {
    const logs: string[] = [];
    const log = (line: string) => logs.push(line);
    await expect(runMigrations({ tableName: TABLE, db: table.db, log, pageSize: 10, concurrency: 1, failAfterItems: 9 })).rejects.toThrow('stopped on purpose after 9 items');
    const stopped = await readLayout(table.db, TABLE);
    expect(stopped?.version).toBe(1);
    expect(stopped?.checkpoint?.pages).toBeGreaterThan(0);
    const leftBehind = (await scanAll(table.db, TABLE)).filter((i) => String(i.PK).startsWith('PERSON#')).length;
    expect(leftBehind).toBeGreaterThan(0);
    expect(leftBehind).toBeLessThan(15);

    const result = await runMigrations({ tableName: TABLE, db: table.db, log, pageSize: 10 });
    expect(result).toMatchObject({ from: 1, to: CURRENT_LAYOUT, done: true });
    expect(logs.join('\n')).toContain('the table records no layout');
    expect(logs.join('\n')).toMatch(/layout 1 -> 2 \(people in contest partitions\): resuming after page \d+/);
    expect(logs.join('\n')).toMatch(/layout 2 \(people in contest partitions\): done in \d+ page\(s\): \d+ people moved to their contest partitions/);
    const layout = await readLayout(table.db, TABLE);
    expect(layout).toMatchObject({ version: CURRENT_LAYOUT });
    expect(layout?.checkpoint).toBeUndefined();
    expect(layout?.history?.map((h) => h.version)).toEqual([2, 3]);
  });

  it('leaves nothing of layout 1: every person in its contest partition with the ids of its scored attempts', async () => {
    const items = await scanAll(table.db, TABLE);
    expect(items.filter((i) => String(i.PK).startsWith('PERSON#'))).toEqual([]);
    expect(items.filter((i) => i.GSI2PK !== undefined || i.GSI2SK !== undefined)).toEqual([]);
    const people = items.filter((i) => i.entity === 'person');
    expect(people.length).toBe(15);
    const attempts = new Map(items.filter((i) => i.entity === 'attempt').map((a) => [a.id as string, a]));
    for (const person of people) {
      expect({ PK: person.PK, SK: person.SK }).toEqual(keys.person(person.contestId, person.phone));
      // Layout 3: on the ranking index, off the old one.
      expect(person.GSI1PK).toBeUndefined();
      if (person.best) expect(person.LBPK).toBe(indexKeys.leaderboard.pk(person.contestId, shardOf(person.phone, LEADERBOARD_SHARDS)));
      const submitted = [...(person.attemptIds ?? [])].filter((id) => attempts.get(id)?.status === 'submitted').sort();
      expect([...(person.scoredIds ?? [])].sort()).toEqual(submitted);
      expect(submitted.length).toBe(person.scoredAttempts ?? 0);
    }
    // Everything else is as the old release stored it.
    const moved = new Set(oldPeople.map((p) => `${p.PK!.S}|${p.SK!.S}`));
    const untouched = fixture.items.filter((i) => !moved.has(`${i.PK!.S}|${i.SK!.S}`) && !i.GSI2PK).length;
    expect(items.length).toBe(untouched + 15 + fixture.items.filter((i) => i.GSI2PK).length + 1 /* the layout item */);
  });

  it('is idempotent: run again on data already in layout 2 (as a table from before versions would be), it changes nothing', async () => {
    const before = await scanAll(table.db, TABLE);
    await table.db.send(new UpdateCommand({ TableName: TABLE, Key: keys.layout(), UpdateExpression: 'SET version = :one', ExpressionAttributeValues: { ':one': 1 } }));
    const logs: string[] = [];
    const result = await runMigrations({ tableName: TABLE, db: table.db, log: (l) => logs.push(l) });
    expect(result).toMatchObject({ from: 1, to: CURRENT_LAYOUT, done: true, counts: {} });
    expect(logs.at(-1)).toContain('nothing to change');
    const after = await scanAll(table.db, TABLE);
    const strip = (items: Record<string, any>[]) => items.filter((i) => i.PK !== 'META');
    expect(strip(after)).toEqual(strip(before));
  });

  it('refuses data written by a newer release', async () => {
    await table.db.send(new UpdateCommand({ TableName: TABLE, Key: keys.layout(), UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': CURRENT_LAYOUT + 1 } }));
    await expect(runMigrations({ tableName: TABLE, db: table.db, log: () => undefined })).rejects.toThrow(`written by a newer release (layout ${CURRENT_LAYOUT + 1})`);
  });
});

describe('npm start on the data of the previous release', () => {
  let server: LocalServer;
  let api: ReturnType<typeof apiClient>;
  let token: string;
  beforeAll(async () => {
    const dataDir = tempDir('cuoc-thi-upgrade-');
    const table = await layout1Table(dataDir);
    await table.stop();
    server = await startServer({ seedDemo: false, dataDir });
    api = apiClient(server.baseUrl);
    token = await api.login(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('migrated at start, and says so in the layout item', async () => {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: server.ready.dynamoEndpoint, region: 'ap-southeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    const layout = await readLayout(db, TABLE);
    expect(layout?.version).toBe(CURRENT_LAYOUT);
    expect(layout?.history?.[0]).toMatchObject({ version: 2, counts: { 'people moved to their contest partitions': 15, 'open attempts without the dropped index keys': 1 } });
  });

  it.each([CLOSED, OPEN])('contest %s: the contest, its questions, leaderboard, results and people answer as the old release did', async (id) => {
    const old = expected[id];
    const contest = await api.get(`/api/admin/contests/${id}`, token);
    expectStatus(contest, 200);
    expect(contest.body).toMatchObject(id === OPEN ? { ...old.contest, endsAt: contest.body.endsAt } : { ...old.contest, retentionDays: 3650, personalDataDueAt: contest.body.personalDataDueAt });
    expect((await api.get(`/api/admin/contests/${id}/questions`, token)).body.items.length).toBe(old.contest.questionCount);
    expect(v1((await api.get(`/api/contests/${id}/leaderboard?limit=50`)).body)).toEqual(old.leaderboard);
    expect(v1((await api.get(`/api/admin/contests/${id}/results`, token)).body)).toEqual(old.results);
  });

  it.each([CLOSED, OPEN])('contest %s: the counters (statistics, unit ranking) are exact once the stream consumer has folded the moves', async (id) => {
    const old = expected[id];
    const stats = await eventually(
      async () => v1((await api.get(`/api/admin/contests/${id}/stats`, token)).body),
      (s) => JSON.stringify(s) === JSON.stringify(old.stats),
    );
    expect(stats).toEqual(old.stats);
    expect((await api.get(`/api/contests/${id}/units`)).body).toEqual(old.units);
  });

  it('a person\'s export holds the same person, attempts and final row', async () => {
    for (const [phone, old] of Object.entries<any>(expected.people)) {
      const now = (await api.get(`/api/admin/people/${phone}`, token)).body;
      expect({ ...now, exportedAt: old.exportedAt }).toEqual(old);
    }
  });

  it('keeps working: a returning person has the attempts they had left, and closing scores the attempt left open', async () => {
    const person = { fullName: 'Y Nhung', phone: '0912000105', unitId: 'hoi-cuu-chien-binh', village: 'Thôn Long Tro', birthYear: 1978 };
    expectStatus(await startAttempt(api, OPEN, person), 201); // the third of 3
    expectError(await startAttempt(api, OPEN, person), 409, 'ATTEMPTS_EXHAUSTED');
    await closeContest(api, OPEN, token);
    const results = (await api.get(`/api/admin/contests/${OPEN}/results`, token)).body;
    expect(results.final).toBe(true);
    // 0912000111 left an attempt open under layout 1: found through the person's attempt ids, scored at close.
    expect(results.items.map((r: { phone: string }) => r.phone).sort()).toEqual([...expected[OPEN].results.items.map((r: { phone: string }) => r.phone), '0912000111'].sort());
  });
});
