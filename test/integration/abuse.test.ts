// Issue 7, abuse: the application rate limits (attempt starts per address, failed sign-ins per
// address) and the proof of work on starts, over the real local mode. Counters live in DynamoDB
// Local exactly as in the table on AWS; the address header trust rule is exercised with an
// ORIGIN_VERIFY_SECRET standing in for the secret CloudFront adds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { solveStartProof, verifyStartProof } from '../../functions/adapters/http/start-proof.ts';
import { DEFAULT_START_RATE_PER_MINUTE } from '../../functions/domain/rate-limit.ts';
import { apiClient, type ApiResponse } from '../helpers/api.ts';
import { expectError, mapLimit } from '../helpers/contest.ts';
import { ADMIN, earlyInAMinute, moveServerClock, serverNow, startServer, type LocalServer } from '../helpers/server.ts';

const DEMO = 'cchc-2024';
const person = (i: number) => ({ fullName: `Người thử ${i}`, phone: `0977${String(i).padStart(6, '0')}`, unitId: 'hoi-nong-dan', consent: true });
const nowSec = () => Math.floor(Date.now() / 1000);

function expectRateLimited(res: ApiResponse) {
  expectError(res, 429, 'RATE_LIMITED');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body.error.details).toEqual({ retryAfterSec: retryAfter });
  expect(res.headers.get('cache-control')).toBe('no-store');
}

describe('default start limit, with START_POW_BITS=10', () => {
  let server: LocalServer;
  let api: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    server = await startServer({ env: { START_POW_BITS: '10' } });
    api = apiClient(server.baseUrl);
  });
  afterAll(() => server?.stop());

  const start = (body: ReturnType<typeof person>, proof?: string, headers: Record<string, string> = {}) =>
    api.call('POST', `/api/contests/${DEMO}/attempts`, { body, headers: { ...(proof ? { 'x-start-proof': proof } : {}), ...headers } });

  it('advertises the proof it needs on the public contest and in the list', async () => {
    expect((await api.get(`/api/contests/${DEMO}`)).body.startProofBits).toBe(10);
    expect((await api.get('/api/contests')).body.items[0].startProofBits).toBe(10);
  });

  it('lets 100 starts from one address through within a minute', async () => {
    const began = Date.now();
    const results = await mapLimit(
      Array.from({ length: 100 }, (_, i) => i),
      10,
      (i) => start(person(i), solveStartProof(DEMO, person(i).phone, 10, nowSec())),
    );
    expect(Date.now() - began).toBeLessThan(60_000);
    expect(results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`)).toEqual([]);
  });

  it('lets a burst of 1,000 distinct phones behind one address (a carrier-grade NAT at a deadline) start within one minute', { timeout: 600_000 }, async () => {
    // One window of the server's clock, however long the burst takes on a loaded machine: between
    // chunks, the clock is moved back before it leaves the minute (its timers keep real time).
    await earlyInAMinute(server, 55);
    const window = Math.floor((await serverNow(server)) / 60_000);
    const phones = Array.from({ length: 1_000 }, (_, i) => person(10_000 + i));
    // The proofs first (1,000 × ~1,000 hashes, about a second), so the burst is the starts alone.
    const proofs = phones.map((p) => solveStartProof(DEMO, p.phone, 10, nowSec()));
    const results: ApiResponse[] = [];
    for (let chunk = 0; chunk < phones.length; chunk += 100) {
      const intoWindow = (await serverNow(server)) - window * 60_000;
      if (intoWindow > 40_000) await moveServerClock(server, 5_000 - intoWindow);
      results.push(...(await mapLimit(phones.slice(chunk, chunk + 100), 32, (p, i) => start(p, proofs[chunk + i]))));
    }
    expect(results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    expect(Math.floor((await serverNow(server)) / 60_000)).toBe(window);
    // All counted in one window of one address, under DEFAULT_START_RATE_PER_MINUTE.
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: server.ready.dynamoEndpoint, region: 'ap-southeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    const counters = await db.send(new ScanCommand({ TableName: 'cuoc-thi', FilterExpression: 'begins_with(PK, :rate) AND SK = :w', ExpressionAttributeValues: { ':rate': 'RATE#start#', ':w': `W#${window}` } }));
    db.destroy();
    expect(counters.Items?.map((c) => c.hits)).toEqual([expect.any(Number)]);
    expect(counters.Items![0]!.hits).toBeGreaterThanOrEqual(1_000);
    expect(counters.Items![0]!.hits).toBeLessThanOrEqual(DEFAULT_START_RATE_PER_MINUTE);
  });

  it('refuses a start without a proof, with a malformed, stale or weak one, or one for another phone', async () => {
    const p = person(500);
    const fieldError = (res: ApiResponse) => {
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ field: 'X-Start-Proof', message: expect.any(String) }]);
    };
    fieldError(await start(p));
    fieldError(await start(p, 'not-a-proof'));
    fieldError(await start(p, solveStartProof(DEMO, p.phone, 10, nowSec() - 3600)));
    // A proof for another phone or contest, one that does not also hold for this one by chance (1 in 1,024).
    const notForThis = (contestId: string, phone: string) => {
      for (let back = 0; ; back++) {
        const proof = solveStartProof(contestId, phone, 10, nowSec() - back);
        if (verifyStartProof(proof, { contestId: DEMO, phone: p.phone, bits: 10, nowMs: Date.now() }) !== 'ok') return proof;
      }
    };
    fieldError(await start(p, notForThis(DEMO, person(501).phone)));
    fieldError(await start(p, notForThis('another-contest', p.phone)));
    // Refused starts took none of the person's attempts.
    const ok = await start(p, solveStartProof(DEMO, p.phone, 10, nowSec()));
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.attemptNo).toBe(1);
  });

  it('binds the proof to the normalised phone, however it is typed, and lets a retry reuse it', async () => {
    const p = { ...person(600), phone: '+84 977 000 600' };
    const proof = solveStartProof(DEMO, '0977000600', 10, nowSec());
    const key = 'PowRetryKey0123456789ab';
    const first = await start(p, proof, { 'idempotency-key': key });
    const again = await start(p, proof, { 'idempotency-key': key });
    expect(first.status, first.text).toBe(201);
    expect(again.status, again.text).toBe(201);
    expect(again.body.attemptId).toBe(first.body.attemptId);
  });
});

describe('low limits: START_RATE_PER_MINUTE=5, LOGIN_FAILURES_PER_MINUTE=3, behind a trusted edge', () => {
  const SECRET = 'origin-secret-for-tests';
  let server: LocalServer;
  let api: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    server = await startServer({ env: { START_RATE_PER_MINUTE: '5', LOGIN_FAILURES_PER_MINUTE: '3', ORIGIN_VERIFY_SECRET: SECRET } });
    api = apiClient(server.baseUrl);
  });
  afterAll(() => server?.stop());

  const start = (i: number, headers: Record<string, string> = {}) =>
    api.call('POST', `/api/contests/${DEMO}/attempts`, { body: person(i), headers });
  const viaEdge = (address: string, header = 'x-viewer-address') => ({ 'x-origin-verify': SECRET, [header]: address });

  it('answers the 6th start of a minute from one address with 429, Retry-After and the envelope', async () => {
    await earlyInAMinute(server, 20);
    for (let i = 0; i < 5; i++) expect((await start(i)).status).toBe(201);
    expectRateLimited(await start(5));
    expectRateLimited(await start(5));

    // Sending the address headers without the origin secret changes nothing: still 127.0.0.1.
    expectRateLimited(await start(6, { 'x-viewer-address': '203.0.113.9' }));
    expectRateLimited(await start(6, { 'cloudfront-viewer-address': '203.0.113.9:1234' }));
    expectRateLimited(await start(6, { 'x-origin-verify': 'a guess', 'x-viewer-address': '203.0.113.9' }));

    // With the secret, the edge's address counts, separately from the socket's.
    for (let i = 10; i < 15; i++) expect((await start(i, viaEdge('203.0.113.9'))).status).toBe(201);
    expectRateLimited(await start(15, viaEdge('203.0.113.9')));
    expect((await start(16, viaEdge('198.51.100.20:40123', 'cloudfront-viewer-address'))).status).toBe(201);
    // The refused starts took none of person 5's attempts.
    const later = await start(5, viaEdge('192.0.2.5'));
    expect(later.status, later.text).toBe(201);
    expect(later.body.attemptNo).toBe(1);

    // IPv6 counts by /64: five hosts of one /64 share its five starts.
    for (let i = 20; i < 25; i++) {
      const res = await start(i, viaEdge(`[2001:db8:7:7::${i}]:5${i}`, 'cloudfront-viewer-address'));
      expect(res.status, res.text).toBe(201);
    }
    expectRateLimited(await start(25, viaEdge('2001:db8:7:7:abcd::1')));
    expect((await start(26, viaEdge('2001:db8:7:8::1'))).status).toBe(201);
  });

  it('slows password guessing: the 4th wrong password of a minute is refused, right ones are not counted', async () => {
    await earlyInAMinute(server, 20);
    const login = (password: string, headers: Record<string, string> = {}) =>
      api.call('POST', '/api/auth/login', { body: { email: ADMIN.email, password }, headers });
    for (let i = 0; i < 5; i++) expect((await login(ADMIN.password)).status).toBe(200);
    for (let i = 0; i < 3; i++) expectError(await login(`Wrong#Pass${i}word`), 401, 'INVALID_CREDENTIALS');
    expectRateLimited(await login('Wrong#Pass9word'));
    // Refused for the rest of the minute, even with the right password, from that address only.
    expectRateLimited(await login(ADMIN.password));
    expect((await login(ADMIN.password, viaEdge('203.0.113.50'))).status).toBe(200);
  });
});
