// Issue 12: the villages people type in a contest without a village list are capped (500), so no
// counter item can grow towards DynamoDB's 400 KB limit. Past the cap a new name is a 400 on the
// `village` field at the start, never a failure later; villages already registered keep working,
// and their counters count. Over the real local mode; the registry is filled to one short of the cap
// with the longest names a person may type (DynamoDB Local enforces the 400 KB item limit).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/adapters/dynamodb/keys.ts';
import { LIMITS } from '../../functions/domain/limits.ts';
import { apiClient } from '../helpers/api.ts';
import { attemptApi, createOpenContest, eventually, expectError, expectStatus, startAttempt } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const CAP = LIMITS.typedVillages.max;
/** The longest name a person may type, of 3-byte characters, made distinct. */
const longest = (i: number) => `${'Ấ'.repeat(LIMITS.villageName.max - 6)} ${String(i).padStart(5, '0')}`;
const person = (i: number, village: string) => ({ fullName: `Người thôn ${i}`, phone: `0966${String(i).padStart(6, '0')}`, unitId: 'hoi-nong-dan', village });

let server: Stack;
let api: ReturnType<typeof apiClient>;
let token: string;
let db: DynamoDBDocumentClient;
let contestId: string;

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: server.ready.dynamoEndpoint, region: 'ap-southeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  contestId = (await createOpenContest(api, token, { unitIds: ['hoi-nong-dan'], bank: 4, questionsPerAttempt: 2, maxAttempts: 2 })).id;
  const names = new Set(Array.from({ length: CAP - 1 }, (_, i) => longest(i)));
  await db.send(new PutCommand({ TableName: 'cuoc-thi', Item: { ...keys.villages(contestId), entity: 'villages', contestId, names } }));
});

afterAll(() => db?.destroy());

describe('villages typed in a contest without a village list', () => {
  it('registers a new village up to the cap, then answers a new one with 400 VALIDATION_FAILED on the field', async () => {
    expectStatus(await startAttempt(api, contestId, person(1, 'Thôn Mới Nhất')), 201);
    const refused = await startAttempt(api, contestId, person(2, 'Thôn Thứ Năm Trăm Lẻ Một'));
    expectError(refused, 400, 'VALIDATION_FAILED');
    expect(refused.body.error.details).toEqual([{ field: 'village', code: 'VILLAGE_LIMIT', message: expect.stringContaining(`${CAP} different villages`) }]);
    // The refused start took nothing: the same phone starts with a registered village.
    const retried = await startAttempt(api, contestId, person(2, 'Thôn Mới Nhất'));
    expectStatus(retried, 201);
    expect(retried.body.attemptNo).toBe(1);
    const registry = await db.send(new GetCommand({ TableName: 'cuoc-thi', Key: keys.villages(contestId), ConsistentRead: true }));
    expect((registry.Item!.names as Set<string>).size).toBe(CAP);
  });

  it('keeps the registered villages working, spelled as typed or with other capitals, and counts them', async () => {
    const longName = longest(7);
    const started = await startAttempt(api, contestId, person(3, longName));
    expectStatus(started, 201);
    expectStatus(await attemptApi(api, started.body.attemptId, started.body.attemptToken).submit({ answers: {} }), 200);
    const respelled = await startAttempt(api, contestId, person(4, 'thôn mới  nhất'));
    expectStatus(respelled, 201);
    expectStatus(await attemptApi(api, respelled.body.attemptId, respelled.body.attemptToken).submit({ answers: {} }), 200);
    const stats = await eventually(
      async () => (await api.get(`/api/admin/contests/${contestId}/stats`, token)).body,
      (s) => s.participants === 2,
    );
    expect(stats.participants).toBe(2);
    const results = (await api.get(`/api/admin/contests/${contestId}/results`, token)).body;
    expect(results.items.map((r: { village: string }) => r.village).sort()).toEqual([longName, 'Thôn Mới Nhất'].sort());
  });
});
