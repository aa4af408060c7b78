// Issue 16, the organizer's and the observer's items, in Chromium against the real local stack:
// import rows as Excel numbers them, .ods named in words, the question form (blank options,
// long text), the results table at 1366 px and on a phone, sorting by given name, and the
// observer's dashboard on a phone (0-100 % axis, one day of data, scroll hints, titles).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { launchBrowser, PHONE, staffSignIn } from '../helpers/browser.ts';
import { attemptApi, createOpenContest, expectStatus, startAttempt, type Api, type PublicQuestion } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const ORGANIZER = { email: 'to.chuc.16@example.com', password: 'ToChuc@2024xa', role: 'organizer' };
const OBSERVER = { email: 'mat.tran.16@example.com', password: 'MatTran@2024xa', role: 'observer' };
const LAPTOP = { viewport: { width: 1366, height: 768 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' } as const;
const LONG_TITLE = 'Cuộc thi trực tuyến tìm hiểu pháp luật về cải cách hành chính và chuyển đổi số năm 2026';

// Family, middle, given: sorted by given name, then middle, then family, in Vietnamese order.
const PEOPLE = [
  { fullName: 'Nguyễn Văn An', unitId: 'hoi-nong-dan' },
  { fullName: 'Trần Thị Bình', unitId: 'hoi-phu-nu' },
  { fullName: 'Hoàng Minh Đức', unitId: 'truong-hoc' },
  { fullName: 'Vũ Thị Ánh', unitId: 'hoi-phu-nu' },
  { fullName: 'Phạm Thị Dung', unitId: 'doan-thanh-nien' },
  { fullName: 'Đặng Văn An', unitId: 'hoi-cuu-chien-binh' },
  { fullName: 'Lê Cường', unitId: 'truong-hoc' },
];
const BY_GIVEN_NAME = ['Đặng Văn An', 'Nguyễn Văn An', 'Vũ Thị Ánh', 'Trần Thị Bình', 'Lê Cường', 'Phạm Thị Dung', 'Hoàng Minh Đức'];

let server: Stack;
let browser: Browser;
let api: Api;
let adminToken: string;
let openId: string;
let draftId: string;

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  adminToken = await api.login(ADMIN.email, ADMIN.password);
  for (const u of [ORGANIZER, OBSERVER]) expectStatus(await api.post('/api/admin/users', u, adminToken), 201);

  const unitIds = [...new Set(PEOPLE.map((p) => p.unitId))];
  const open = await createOpenContest(api, adminToken, {
    unitIds,
    bank: 6,
    questionsPerAttempt: 3,
    maxAttempts: 2,
    prediction: true,
    title: LONG_TITLE,
    villages: ['Thôn Đắk Chum 1 (khu tái định cư thủy điện)', 'Thôn Kon Hia'],
  });
  openId = open.id;
  for (const [i, p] of PEOPLE.entries()) {
    const start = await startAttempt(api, openId, {
      ...p,
      phone: `0912 000 ${String(200 + i)}`,
      village: i % 2 ? 'Thôn Kon Hia' : 'Thôn Đắk Chum 1 (khu tái định cư thủy điện)',
    });
    expectStatus(start, 201);
    const a = start.body as { attemptId: string; attemptToken: string; questions: PublicQuestion[] };
    expectStatus(await attemptApi(api, a.attemptId, a.attemptToken).submit({ answers: open.key.answers(a.questions, i % 4), prediction: 1000 + i }), 200);
  }

  const draft = await api.post(
    '/api/admin/contests',
    {
      title: 'Bản nháp nhập câu hỏi',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      questionsPerAttempt: 2,
      timeLimitSec: 600,
      maxAttempts: 1,
      unitIds,
      villages: [],
      prediction: null,
    },
    adminToken,
  );
  expectStatus(draft, 201);
  draftId = draft.body.id;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function open(options: Parameters<Browser['newContext']>[0] = LAPTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  return { context, page };
}

async function signIn(page: Page, who: { email: string; password: string }, path: string): Promise<void> {
  await staffSignIn(page, server.baseUrl, who);
  await page.goto(`${server.baseUrl}${path}`);
}

const poll = <T>(read: () => T | Promise<T>, timeout = 15_000) => expect.poll(read, { timeout, interval: 100 });

async function bankSize(id: string): Promise<number> {
  const res = await api.get(`/api/admin/contests/${id}/questions`, adminToken);
  expectStatus(res, 200);
  return res.body.items.length;
}

/** Lines the text of each matching element takes (distinct line boxes of its contents; a table cell's own height is its row's). */
const linesOf = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.bottom))).size;
    }),
  );

const wordsOf = (s: string) => s.split(/\s+/).length;

describe('organizer, laptop 1366x768', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await open());
    await signIn(page, ORGANIZER, `/admin/contests/${draftId}/questions`);
    await page.getByTestId('import-panel').waitFor();
  });
  afterAll(async () => {
    await context?.close();
  });

  it('item 3: import errors name the rows Excel shows; the preview too', async () => {
    // Excel rows: 1 header, 2-4 fine, 5 bad, 6 blank, 7-8 fine, 9 bad.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Câu hỏi');
    ws.addRow(['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án đúng']);
    for (let r = 2; r <= 9; r++) {
      if (r === 6) ws.addRow([]);
      else ws.addRow([`Câu ở dòng ${r}?`, 'Có', r === 5 ? '' : 'Không', r === 9 ? 'Z' : 'A']);
    }
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    await page.getByTestId('import-file').setInputFiles({ name: 'loi.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
    await page.getByTestId('import-errors').waitFor();
    expect(await page.getByTestId('import-error').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')))).toEqual(['5', '9']);
    expect(await page.locator('[data-testid=import-error] td:first-child').allTextContents()).toEqual(['5', '9']);

    await page.getByRole('button', { name: 'Chọn tệp khác' }).click();
    const good = ['Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng', 'Một?,Có,Không,A', '', 'Hai?,Có,Không,B', ''].join('\r\n');
    await page.getByTestId('import-file').setInputFiles({ name: 'tot.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByTestId('import-preview').waitFor();
    expect(await page.locator('[data-testid=preview-row] td:first-child').allTextContents()).toEqual(['2', '4']);
    expect(await page.locator('[data-testid=import-preview] thead th').first().textContent()).toBe('Dòng');
    await page.getByRole('button', { name: 'Hủy' }).click();
  });

  it('item 6: an .ods file is named in words with what to do', async () => {
    const ods = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(26), Buffer.from('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')]);
    await page.getByTestId('import-file').setInputFiles({ name: 'cau-hoi.ods', mimeType: 'application/vnd.oasis.opendocument.spreadsheet', buffer: ods });
    await page.getByTestId('import-errors').waitFor();
    const text = await page.getByTestId('import-error-table').textContent();
    expect(text).toContain('OpenDocument (.ods');
    expect(text).toMatch(/\.xlsx.*CSV/);
    expect(text).not.toContain('application/vnd.oasis');
    await page.getByRole('button', { name: 'Chọn tệp khác' }).click();
  });

  it('item 4: a question with A and B filled and C, D left blank is added with two options', async () => {
    const before = await bankSize(draftId);
    await page.locator('summary', { hasText: 'Thêm một câu hỏi' }).click();
    const add = page.getByTestId('add-question');
    await add.locator('[name=text]').fill('Câu hai phương án?');
    await add.locator('[name=option]').nth(0).fill('Đúng');
    await add.locator('[name=option]').nth(1).fill('Sai');
    await add.locator('[name=correct]').first().check();
    await add.getByTestId('question-submit').click();
    await poll(() => bankSize(draftId)).toBe(before + 1);
    const items = (await api.get(`/api/admin/contests/${draftId}/questions`, adminToken)).body.items;
    expect(items.at(-1)).toMatchObject({ text: 'Câu hai phương án?', options: ['Đúng', 'Sai'], correct: [0] });
  });

  it('item 5: a 10,000-character question shows a counter and is refused, never cut', async () => {
    const before = await bankSize(draftId);
    const add = page.getByTestId('add-question');
    if (!(await add.isVisible())) await page.locator('summary', { hasText: 'Thêm một câu hỏi' }).click();
    const long = 'Nội dung rất dài '.repeat(600).slice(0, 9_999) + '.';
    await add.locator('[name=text]').fill(long);
    expect(await add.locator('[name=text]').inputValue()).toHaveLength(10_000);
    const counter = add.getByTestId('count-text');
    expect(await counter.textContent()).toContain('10.000/1.000');
    expect(await counter.getAttribute('data-over')).toBe('true');
    await add.locator('[name=option]').nth(0).fill('Có');
    await add.locator('[name=option]').nth(1).fill('Không');
    await add.locator('[name=correct]').first().check();
    await add.getByTestId('question-submit').click();
    await poll(() => add.locator('.field-error').first().textContent()).toMatch(/1\.000/);
    expect(await add.locator('[name=text]').getAttribute('aria-invalid')).toBe('true');
    expect(await add.locator('[name=text]').inputValue()).toHaveLength(10_000);
    expect(await bankSize(draftId)).toBe(before);

    // The same for a contest title pasted too long: kept whole, counted, refused.
    await page.goto(`${server.baseUrl}/admin/contests/new`);
    const form = page.getByTestId('contest-form');
    await form.locator('[name=title]').fill('Cuộc thi '.repeat(30).trim());
    expect(await form.locator('[name=title]').inputValue()).toHaveLength(269);
    expect(await form.locator('.char-count').first().getAttribute('data-over')).toBe('true');
    await page.getByTestId('save-contest').click();
    await poll(() => form.locator('[name=title]').getAttribute('aria-invalid')).toBe('true');
  });

  it('item 7: the results table fits 1366 px, unit names in at most 2 lines; item 8: names sort by given name', async () => {
    await page.goto(`${server.baseUrl}/admin/contests/${openId}/results`);
    await page.getByTestId('results-table').waitFor();
    expect(await page.getByTestId('result-row').count()).toBe(PEOPLE.length);
    const fit = await page.getByTestId('results-table').evaluate((table) => {
      const wrap = table.parentElement!;
      return { table: table.scrollWidth, wrap: wrap.clientWidth, page: document.documentElement.scrollWidth };
    });
    expect(fit.table).toBeLessThanOrEqual(fit.wrap);
    expect(fit.page).toBeLessThanOrEqual(1366);
    for (const lines of await linesOf(page, '[data-testid=result-row] [data-col=unitName]')) expect(lines).toBeLessThanOrEqual(2);
    expect(await page.getByTestId('scroll-hint').count()).toBe(0);

    await page.getByTestId('sort-fullName').click();
    expect(await page.locator('[data-testid=result-row] [data-col=fullName]').allTextContents()).toEqual(BY_GIVEN_NAME);
    await page.getByTestId('sort-fullName').click();
    expect(await page.locator('[data-testid=result-row] [data-col=fullName]').allTextContents()).toEqual([...BY_GIVEN_NAME].reverse());
  });
});

describe('phone 360x740', () => {
  it('item 7: the results table scrolls sideways with a visible hint, the page does not', async () => {
    const { context, page } = await open({ ...PHONE });
    await signIn(page, ORGANIZER, `/admin/contests/${openId}/results`);
    await page.getByTestId('results-table').waitFor();
    const hint = page.locator('[data-testid=results-table-wrap] [data-testid=scroll-hint]');
    await hint.waitFor({ state: 'visible' });
    expect(await hint.textContent()).toMatch(/ngang/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await context.close();
  });

  it('item 13: rates on a 0-100 % axis, one day as a sentence, scroll hints, titles not one word a line', async () => {
    const { context, page } = await open({ ...PHONE });
    await signIn(page, OBSERVER, '/admin/dashboard');
    await page.getByTestId('dash-contests').waitFor();
    // The contest titles in the table wrap, but never to one word a line (at least three a line).
    const titleLines = await linesOf(page, `[data-testid=dash-contest-row][data-contest="${openId}"] th a`);
    expect(titleLines[0]).toBeLessThanOrEqual(wordsOf(LONG_TITLE) / 3);
    await poll(() => page.getByTestId('chart-across').getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('chart-across').getAttribute('data-scale')).toBe('0-100%');
    expect(await page.locator('[data-testid=dash-contests-wrap] [data-testid=scroll-hint]').isVisible()).toBe(true);

    await page.goto(`${server.baseUrl}/admin/dashboard/${encodeURIComponent(openId)}`);
    await page.getByTestId('dash-units').waitFor();
    await poll(() => page.getByTestId('chart-units').getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('chart-units').getAttribute('data-scale')).toBe('0-100%');
    // Chart.js laid the axis out to 1 (100 %) although every rate here is under 5 %.
    expect(await page.getByTestId('chart-units').getAttribute('data-axis-max')).toBe('1');
    // Every participant came today: a sentence instead of a lone dot on a line chart.
    expect(await page.getByTestId('chart-days').count()).toBe(0);
    expect(await page.getByTestId('days-single').textContent()).toContain(String(PEOPLE.length));
    expect((await linesOf(page, 'h1'))[0]).toBeLessThanOrEqual(wordsOf(`Theo dõi tham gia: ${LONG_TITLE}`) / 3);
    const wide = page.locator('[data-overflow=true] [data-testid=scroll-hint]');
    expect(await wide.count()).toBeGreaterThan(0);
    expect(await wide.first().isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
