// Background jobs (contract v2) on the shared local stack: the close as a job and its final
// ranking, exports in the three formats and the award list, who may read a job, the signed link
// (good, tampered, expired), results in pages, and rounds refused until they exist.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import {
  attemptApi,
  createOpenContest,
  createUnit,
  expectError,
  expectStatus,
  exportFile,
  resultPages,
  startAttempt,
  waitJob,
  type AnswerKey,
} from '../helpers/contest.ts';
import { moveServerClock, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';
import { mintToken, staffTokens, type StaffRole } from '../helpers/tokens.ts';

let server: Stack;
let api: ReturnType<typeof apiClient>;
let tokens: Record<StaffRole, string>;
let contestId: string;
let key: AnswerKey;
let unitId: string;
let before: any[];

const PEOPLE = 7;
const phoneOf = (i: number) => `0912${String(700_000 + i).padStart(6, '0')}`;

/** Every row of the results, following `next`. */
async function allResults(id: string, limit: number, token = tokens.admin) {
  const { pages, items, failed } = await resultPages(api, id, token, limit);
  expect(failed && `${failed.status} ${failed.text}`).toBeUndefined();
  for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(limit);
  return { items, final: pages.at(-1).final, participants: pages.at(-1).participants };
}

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  tokens = await staffTokens(api);
  unitId = await createUnit(api, tokens.admin, `Đơn vị việc nền ${Date.now()}`, 40);
  ({ id: contestId, key } = await createOpenContest(api, tokens.organizer, { unitIds: [unitId], bank: 4, questionsPerAttempt: 3, maxAttempts: 1, villages: ['Thôn A'] }));
  for (let i = 0; i < PEOPLE; i++) {
    const started = await startAttempt(api, contestId, { fullName: `Người Thứ ${i + 1}`, phone: phoneOf(i), unitId, village: 'Thôn A' });
    expectStatus(started, 201);
    if (i === PEOPLE - 1) {
      // Left open with one saved answer: the close scores it from what was saved.
      expectStatus(await attemptApi(api, started.body.attemptId, started.body.attemptToken).save(key.answers(started.body.questions.slice(0, 1), 1)), 200);
      continue;
    }
    expectStatus(await attemptApi(api, started.body.attemptId, started.body.attemptToken).submit({ answers: key.answers(started.body.questions, i % 4) }), 200);
  }
  before = (await allResults(contestId, 500)).items;
  expect(before).toHaveLength(PEOPLE - 1);
});

describe('results in pages', () => {
  it('pages of `limit` rows chained by `next` give the whole ranking once', async () => {
    const paged = await allResults(contestId, 2);
    expect(paged.items).toEqual(before);
    expectError(await api.get(`/api/admin/contests/${contestId}/results?limit=501`, tokens.admin), 400, 'VALIDATION_FAILED');
    expectError(await api.get(`/api/admin/contests/${contestId}/results?cursor=bm9wZQ`, tokens.admin), 400, 'VALIDATION_FAILED');
    expectError(await api.get(`/api/admin/contests/${contestId}/results?format=csv`, tokens.admin), 400, 'VALIDATION_FAILED');
  });
});

describe('close as a job', () => {
  it('answers 202 with the job, shows closing, then closed with the ranking a synchronous close gave', async () => {
    const started = await api.post(`/api/admin/contests/${contestId}/close`, undefined, tokens.organizer);
    expectStatus(started, 202);
    expect(started.body.job).toMatchObject({ kind: 'close', contestId, status: expect.stringMatching(/^(queued|running)$/) });
    // Refused to participants from the moment the close started.
    expectError(await startAttempt(api, contestId, { fullName: 'Người Đến Muộn', phone: '0912799999', unitId }), 409, 'CONTEST_NOT_OPEN');
    const job = await waitJob(api, started.body.job.id, tokens.organizer);
    expect(job).toMatchObject({ status: 'succeeded', result: { participants: PEOPLE } });
    expect(job.progress.done).toBe(job.progress.total);
    expect(Date.parse(job.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.createdAt));
    expect((await api.get(`/api/admin/contests/${contestId}`, tokens.organizer)).body.status).toBe('closed');
    const final = await allResults(contestId, 3);
    expect(final).toMatchObject({ final: true, participants: PEOPLE });
    // No prediction question: the final rule orders as the live one did; the open attempt joined with its saved answer.
    const scoredBefore = final.items.filter((r) => r.phone !== phoneOf(PEOPLE - 1));
    expect(scoredBefore.map(({ rank: _r, ...r }) => r)).toEqual(before.map(({ rank: _r, ...r }) => r));
    expect(final.items.map((r) => r.rank)).toEqual(Array.from({ length: PEOPLE }, (_, i) => i + 1));
    expectError(await api.post(`/api/admin/contests/${contestId}/close`, undefined, tokens.organizer), 409, 'INVALID_STATE');
  });
});

describe('exports', () => {
  it('CSV, JSON and .xlsx hold the final ranking, row for row', async () => {
    const rows = (await allResults(contestId, 500)).items;
    const csv = await exportFile(api, contestId, tokens.organizer, { format: 'csv' });
    expect(csv.job.result).toMatchObject({ rows: PEOPLE, bytes: csv.bytes.length });
    expect(Date.parse(csv.job.result.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(csv.job.result.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    expect(csv.headers.get('content-disposition')).toContain(`ket-qua-${contestId}.csv`);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const parsed = Papa.parse<string[]>(csv.bytes.toString('utf8').slice(1).trim());
    expect(parsed.data.slice(1).map((r) => [Number(r[0]), r[1], r[2], Number(r[5])])).toEqual(rows.map((r) => [r.rank, r.fullName, r.phone, r.correctCount]));

    const json = await exportFile(api, contestId, tokens.organizer, { format: 'json' });
    expect(JSON.parse(json.bytes.toString('utf8'))).toEqual({ final: true, participants: PEOPLE, items: rows });

    const xlsx = await exportFile(api, contestId, tokens.admin, { format: 'xlsx' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as any);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(PEOPLE + 1);
    expect([2, 3, 4].map((n) => (sheet.getRow(n).values as unknown[]).slice(1, 4))).toEqual(rows.slice(0, 3).map((r) => [r.rank, r.fullName, r.phone]));
  });

  it('the award list: the top N without phone numbers, and the units', async () => {
    const rows = (await allResults(contestId, 500)).items;
    const file = await exportFile(api, contestId, tokens.organizer, { format: 'json', kind: 'awards', topN: 3 });
    const body = JSON.parse(file.bytes.toString('utf8'));
    expect(body.people.map((p: any) => [p.rank, p.fullName])).toEqual(rows.slice(0, 3).map((r) => [r.rank, r.fullName]));
    expect(JSON.stringify(body)).not.toMatch(/0912\d{6}/);
    expect(body.units).toEqual([expect.objectContaining({ rank: 1, name: expect.any(String), participants: PEOPLE })]);
    const xlsx = await exportFile(api, contestId, tokens.organizer, { format: 'xlsx', kind: 'awards' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Giải cá nhân', 'Giải tập thể']);
  });

  it('refuses a round the contest does not have, an unknown contest and a bad body', async () => {
    // A contest without rounds has one implicit round, r1 (docs/rounds.md): r9 is none of its rounds.
    expectError(await api.post(`/api/admin/contests/${contestId}/exports`, { format: 'csv', round: 'r9' }, tokens.organizer), 404, 'NOT_FOUND');
    expectError(await api.post(`/api/admin/contests/khong-co/exports`, { format: 'csv' }, tokens.organizer), 404, 'NOT_FOUND');
    expectError(await api.post(`/api/admin/contests/${contestId}/exports`, { format: 'pdf' }, tokens.organizer), 400, 'VALIDATION_FAILED');
    expectError(await api.post(`/api/admin/contests/${contestId}/exports`, { format: 'csv' }, tokens.observer), 403, 'FORBIDDEN');
  });
});

describe('who may read a job', () => {
  it('the staff member who started it and admins; other organizers 403, observers 403, unknown 404', async () => {
    const started = await api.post(`/api/admin/contests/${contestId}/exports`, { format: 'csv' }, tokens.organizer);
    expectStatus(started, 202);
    const id = started.body.job.id;
    expectStatus(await api.get(`/api/admin/jobs/${id}`, tokens.organizer), 200);
    expectStatus(await api.get(`/api/admin/jobs/${id}`, tokens.admin), 200);
    const otherOrganizer = await mintToken(server, { groups: ['organizer'] });
    expectError(await api.get(`/api/admin/jobs/${id}`, otherOrganizer), 403, 'FORBIDDEN');
    expectError(await api.get(`/api/admin/jobs/${id}`, tokens.observer), 403, 'FORBIDDEN');
    expectError(await api.get(`/api/admin/jobs/${id}`), 401, 'UNAUTHORIZED');
    expectError(await api.get(`/api/admin/jobs/khong-co-viec-nay`, tokens.admin), 404, 'NOT_FOUND');
    await waitJob(api, id, tokens.organizer);
  });
});

describe('signed links', () => {
  it('a good link downloads; a tampered, an unsigned or an expired one is refused', async () => {
    const { job, bytes } = await exportFile(api, contestId, tokens.organizer, { format: 'csv' });
    const url = new URL(job.result.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');

    const tampered = new URL(url);
    const sig = tampered.searchParams.get('X-Amz-Signature')!;
    tampered.searchParams.set('X-Amz-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
    expect((await fetch(tampered)).status).toBe(403);
    const otherFile = new URL(url);
    otherFile.pathname = otherFile.pathname.replace(/\.csv$/, '.json');
    expect((await fetch(otherFile)).status).toBe(403);
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '86400');
    expect((await fetch(longer)).status).toBe(403);
    const unsigned = new URL(url);
    unsigned.search = '';
    expect((await fetch(unsigned)).status).toBe(403);
    // The emulator itself is not reachable through the server's origin by a plain S3 path.
    expect((await fetch(`${server.baseUrl}/${url.pathname.split('/').slice(2).join('/')}`)).status).not.toBe(200);

    const good = await fetch(url);
    expect(good.status).toBe(200);
    expect(Buffer.from(await good.arrayBuffer())).toEqual(bytes);

    // Sixteen minutes later (the server's clock), the same link is refused; a fresh read of the job signs a new one.
    await moveServerClock(server, 16 * 60_000);
    onTestFinished(() => moveServerClock(server, -16 * 60_000));
    expect((await fetch(url)).status).toBe(403);
    const again = await waitJob(api, job.id, tokens.organizer);
    expect(again.result.url).not.toBe(job.result.url);
    expect((await fetch(again.result.url)).status).toBe(200);
  });
});
