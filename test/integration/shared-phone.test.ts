// Issue 16, items 1, 2 and 9 over the real local mode: a phone already registered under another
// name (a family sharing one phone) is refused with its initials only, counted per address, and a
// confirmed start continues as that registration; a submitted attempt's review appears once the
// contest closes; the public contest says when it actually closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { closeContest, attemptApi, createOpenContest, createUnit, expectError, expectStatus, startAttempt, type Api } from '../helpers/contest.ts';
import { ADMIN, earlyInAMinute, startServer, type LocalServer } from '../helpers/server.ts';

const SECRET = 'shared-phone-test-secret';
/** Requests as CloudFront would forward them for one viewer: counted under that address. */
const viewer = (address: string) => ({ 'x-origin-verify': SECRET, 'x-viewer-address': address });

let server: LocalServer;
let api: Api;
let token: string;
let unitId: string;
let seq = 0;
const phone = () => `0386${String(Date.now() % 10_000).padStart(4, '0')}${String(seq++).padStart(2, '0')}`;

beforeAll(async () => {
  server = await startServer({ seedDemo: false, env: { SHARED_PHONE_NOTICES_PER_MINUTE: '3', ORIGIN_VERIFY_SECRET: SECRET } });
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
  unitId = await createUnit(api, token, 'Hội Liên hiệp Phụ nữ', 120);
});
afterAll(() => server?.stop());

describe('a phone registered under another name', () => {
  it('is refused with the initials only and takes nothing; confirming continues as that registration', async () => {
    const { id, key } = await createOpenContest(api, token, { unitIds: [unitId], bank: 6, questionsPerAttempt: 3, maxAttempts: 3 });
    const shared = phone();
    const husband = await startAttempt(api, id, { fullName: 'Nguyễn Văn Hùng', phone: shared, unitId });
    expectStatus(husband, 201);
    expect(husband.body.fullName).toBe('Nguyễn Văn Hùng');

    const wife = { fullName: 'Lê Thị Mai', phone: `+84 ${shared.slice(1)}`, unitId };
    const refused = await startAttempt(api, id, wife);
    expectError(refused, 409, 'PHONE_NAME_MISMATCH');
    expect(refused.body.error.details).toEqual({ maskedName: 'N. V. H.', attemptsLeft: 2 });
    expect(refused.text).not.toMatch(/Nguyễn|Hùng/);

    // The same name typed without diacritics is the same person: no question asked.
    const again = await startAttempt(api, id, { fullName: 'nguyen van hung', phone: shared, unitId });
    expectStatus(again, 201);
    expect(again.body.attemptNo).toBe(2);

    const confirmed = await startAttempt(api, id, wife, { confirmSharedPhone: true });
    expectStatus(confirmed, 201);
    expect(confirmed.body).toMatchObject({ attemptNo: 3, attemptsLeft: 0, fullName: 'nguyen van hung' });
    const submitted = await attemptApi(api, confirmed.body.attemptId, confirmed.body.attemptToken).submit({ answers: key.answers(confirmed.body.questions, 3) });
    expectStatus(submitted, 200);

    // The leaderboard and the results keep the registration's name: her attempt counted as his.
    const board = await api.get(`/api/contests/${id}/leaderboard`);
    expect(board.body.items.map((r: { fullName: string }) => r.fullName)).toEqual(['nguyen van hung']);
    const resumed = await attemptApi(api, confirmed.body.attemptId, confirmed.body.attemptToken).get();
    expect(resumed.body.fullName).toBe('nguyen van hung');

    // Exhausted and still another name: the name is said first, with no attempt left.
    const last = await startAttempt(api, id, wife);
    expectError(last, 409, 'PHONE_NAME_MISMATCH');
    expect(last.body.error.details).toEqual({ maskedName: 'N. V. H.', attemptsLeft: 0 });
    expectError(await startAttempt(api, id, wife, { confirmSharedPhone: true }), 409, 'ATTEMPTS_EXHAUSTED');
  });

  it('a refused keyed start leaves its key free: the confirmed retry with the same key starts once', async () => {
    const { id } = await createOpenContest(api, token, { unitIds: [unitId], bank: 6, questionsPerAttempt: 3, maxAttempts: 3 });
    const shared = phone();
    expectStatus(await startAttempt(api, id, { fullName: 'Y Blong', phone: shared, unitId }), 201);
    const headers = { 'idempotency-key': 'k'.repeat(10) + String(Date.now()) + 'abcdefgh' };
    const body = { fullName: 'H Hen', phone: shared, unitId, consent: true };
    expectError(await api.call('POST', `/api/contests/${id}/attempts`, { body, headers }), 409, 'PHONE_NAME_MISMATCH');
    const first = await api.call('POST', `/api/contests/${id}/attempts`, { body: { ...body, confirmSharedPhone: true }, headers });
    expectStatus(first, 201);
    const retry = await api.call('POST', `/api/contests/${id}/attempts`, { body: { ...body, confirmSharedPhone: true }, headers });
    expectStatus(retry, 201);
    expect(retry.body.attemptId).toBe(first.body.attemptId);
    expect(first.body).toMatchObject({ attemptNo: 2, fullName: 'Y Blong' });
  });

  it('answers naming another registration are limited per address (3 a minute here): lookups hit 429', async () => {
    const { id } = await createOpenContest(api, token, { unitIds: [unitId], bank: 6, questionsPerAttempt: 3, maxAttempts: 3 });
    const phones = Array.from({ length: 5 }, phone);
    for (const p of phones) expectStatus(await startAttempt(api, id, { fullName: 'Người thật', phone: p, unitId }), 201);
    // The probes within one calendar minute of the server's clock.
    await earlyInAMinute(server, 10, id);
    const probe = (p: string, address: string) =>
      api.call('POST', `/api/contests/${id}/attempts`, { body: { fullName: 'Kẻ dò tìm', phone: p, unitId, consent: true }, headers: viewer(address) });
    for (const p of phones.slice(0, 3)) expectError(await probe(p, '203.0.113.7'), 409, 'PHONE_NAME_MISMATCH');
    const limited = await probe(phones[3]!, '203.0.113.7');
    expectError(limited, 429, 'RATE_LIMITED');
    expect(limited.text).not.toMatch(/N\. T\./);
    // Another address is counted apart, and a start that names no one else is not limited.
    expectError(await probe(phones[4]!, '198.51.100.4'), 409, 'PHONE_NAME_MISMATCH');
    expectStatus(
      await api.call('POST', `/api/contests/${id}/attempts`, { body: { fullName: 'Người mới', phone: phone(), unitId, consent: true }, headers: viewer('203.0.113.7') }),
      201,
    );
  });
});

describe('after the close', () => {
  it('a submitted attempt shows its review (after_close); the public contest says when it closed, before its planned end', async () => {
    const { id, key } = await createOpenContest(api, token, { unitIds: [unitId], bank: 6, questionsPerAttempt: 3, maxAttempts: 3 });
    const contest = await api.get(`/api/admin/contests/${id}`, token);
    expect(contest.body.showAnswers).toBe('after_close');
    const started = await startAttempt(api, id, { fullName: 'Trần Văn Nam', phone: phone(), unitId });
    const attempt = attemptApi(api, started.body.attemptId, started.body.attemptToken);
    expectStatus(await attempt.submit({ answers: key.answers(started.body.questions, 2) }), 200);
    expect((await attempt.get()).body.result).not.toHaveProperty('review');
    expect((await api.get(`/api/contests/${id}`)).body).not.toHaveProperty('closedAt');

    await closeContest(api, id, token);
    const after = (await attempt.get()).body;
    expect(after.status).toBe('submitted');
    expect(after.result.review).toHaveLength(3);
    const pub = (await api.get(`/api/contests/${id}`)).body;
    expect(pub.status).toBe('closed');
    expect(Date.parse(pub.closedAt)).toBeLessThan(Date.parse(pub.endsAt));
    expect(Math.abs(Date.parse(pub.closedAt) - Date.now())).toBeLessThan(60_000);
    expect((await api.get('/api/contests')).body.items.find((c: { id: string }) => c.id === id).closedAt).toBe(pub.closedAt);
  });
});
