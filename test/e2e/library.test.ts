// Issue 13 in Chromium against the local stack: an organizer fills the shared question library
// from a file (a question with a line break typed in its cell), finds questions without typing
// diacritics, downloads the ready-made bank, then creates a contest drawing from the library by
// topic quotas, sees the questions available per topic, and publishes it; every attempt drawn
// afterwards meets the quotas. The library page fits a 360 px phone. axe-core on each screen.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { launchBrowser, PHONE, staffSignIn } from '../helpers/browser.ts';
import { startAttempt, type Api } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const tag = Date.now().toString(36);
const ORGANIZER = { email: `thu.vien.${tag}@example.com`, password: 'ThuVien@2024xa', role: 'organizer' };
const LAPTOP = { viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' } as const;
const ONE_STOP = `Một cửa ${tag}`;
const ONLINE = `Dịch vụ công ${tag}`;
const TITLE = `Rút câu hỏi theo chủ đề ${tag}`;

let server: Stack;
let browser: Browser;
let api: Api;
let adminToken: string;

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  adminToken = await api.login(ADMIN.email, ADMIN.password);
  const res = await api.post('/api/admin/users', ORGANIZER, adminToken);
  expect(res.status, res.text).toBe(201);
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

const signIn = (page: Page) => staffSignIn(page, server.baseUrl, ORGANIZER);

async function axe(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

const poll = <T>(read: () => T | Promise<T>, timeout = 15_000) => expect.poll(read, { timeout, interval: 100 });
const vnInput = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);
const cell = (s: string) => `"${s.replace(/"/g, '""')}"`;

function libraryCsv(): string {
  const rows = [
    ...Array.from({ length: 4 }, (_, i) => [`Thủ tục số ${i + 1} theo cơ chế một cửa ${tag}?`, `Đúng ${i}`, `Sai ${i}`, 'A', ONE_STOP]),
    [`Hồ sơ một cửa ${tag} gồm:\n- tờ khai;\n- giấy tờ tùy thân?`, 'Đủ', 'Thiếu', 'A', ONE_STOP],
    ...Array.from({ length: 6 }, (_, i) => [`Dịch vụ công trực tuyến số ${i + 1} ${tag}?`, `Có ${i}`, `Không ${i}`, 'A', ONLINE]),
  ];
  return ['Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng,Chủ đề', ...rows.map((r) => r.map(cell).join(','))].join('\r\n');
}

describe('the question library in the console', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await open());
    await signIn(page);
  });
  afterAll(async () => {
    await context?.close();
  });

  it('imports a file, searches without diacritics, and shows line breaks', async () => {
    await page.getByTestId('nav-library').click();
    await page.getByTestId('library-page').waitFor();
    await axe(page, 'library');

    // A file without the topic column is refused with the row-0 explanation, nothing stored.
    await page.getByTestId('library-file').setInputFiles({ name: 'thieu-chu-de.csv', mimeType: 'text/csv', buffer: Buffer.from('Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\nCâu?,Có,Không,A') });
    await poll(() => page.getByTestId('library-import-errors').textContent()).toMatch(/1 lỗi/);
    expect(await page.getByTestId('library-import-error').first().textContent()).toMatch(/Chủ đề/);

    await page.getByTestId('library-file').setInputFiles({ name: 'ngan-hang.csv', mimeType: 'text/csv', buffer: Buffer.from(libraryCsv()) });
    await poll(() => page.getByTestId('library-notice').textContent()).toMatch(/Đã nhập 11 câu hỏi/);
    expect(await page.getByTestId('library-import-errors').count()).toBe(0);

    await page.getByTestId('library-search').fill(`ho so mot cua ${tag}`);
    await page.getByTestId('library-search').press('Enter');
    await poll(() => page.getByTestId('library-item').count()).toBe(1);
    const text = page.getByTestId('library-text').first();
    expect(await text.innerText()).toBe(`Hồ sơ một cửa ${tag} gồm:\n- tờ khai;\n- giấy tờ tùy thân?`);
    expect(await text.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-line');

    await page.getByTestId('library-search').fill(`mot cua ${tag}`);
    await page.getByTestId('library-search').press('Enter');
    await poll(() => page.getByTestId('library-item').count()).toBe(5);
    await page.getByTestId('library-search').fill('');
    await page.getByTestId('library-topic').selectOption(ONLINE);
    await poll(() => page.getByTestId('library-item').count()).toBe(6);
    await axe(page, 'library (filtered)');
  });

  it('offers the ready-made bank for download', async () => {
    const href = await page.getByTestId('ready-made-download').getAttribute('href');
    const res = await fetch(new URL(href!, server.baseUrl));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Chủ đề');
  });

  it('creates a contest drawing from the library by topic quotas, with the count available per topic, and publishes it', async () => {
    await page.goto(`${server.baseUrl}/admin/contests/new`);
    const form = page.getByTestId('contest-form');
    await form.waitFor();
    const now = Date.now();
    await form.locator('[name=title]').fill(TITLE);
    await form.locator('[name=startsAt]').fill(vnInput(now - 10 * 60_000));
    await form.locator('[name=endsAt]').fill(vnInput(now + 3 * 3_600_000));
    await form.locator('[name=questionsPerAttempt]').fill('5');
    await page.getByTestId('draw-library').check();
    const topic = page.getByTestId('draw-topic');
    await poll(() => topic.count()).toBe(1);
    // Each topic shows how many questions it has.
    expect(await topic.first().locator('option', { hasText: ONE_STOP }).textContent()).toBe(`${ONE_STOP} (có 5 câu)`);
    await topic.first().selectOption(ONE_STOP);
    await page.getByTestId('draw-count').first().fill('2');
    await page.getByTestId('draw-add').click();
    await topic.nth(1).selectOption(ONLINE);
    await page.getByTestId('draw-count').nth(1).fill('4');
    expect(await page.getByTestId('draw-total').textContent()).toMatch(/6 \/ 5/);
    await page.getByTestId('save-contest').click();
    await poll(() => page.getByTestId('form-error').textContent()).toBeTruthy();
    await page.getByTestId('draw-count').nth(1).fill('3');
    await axe(page, 'contest editor (library quotas)');
    await page.getByTestId('save-contest').click();

    await page.waitForURL((url) => /^\/admin\/contests\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    const contestId = decodeURIComponent(new URL(page.url()).pathname.split('/')[3]!);
    const stored = await api.get(`/api/admin/contests/${contestId}`, adminToken);
    expect(stored.body).toMatchObject({ status: 'draft', questionsPerAttempt: 5, draw: [{ topic: ONE_STOP, count: 2 }, { topic: ONLINE, count: 3 }] });
    await poll(() => page.getByTestId('bank-size').textContent()).toContain(ONE_STOP);

    await page.getByTestId('publish').click();
    await page.getByTestId('confirm-publish').getByRole('button', { name: /Công bố/ }).click();
    await poll(async () => (await api.get(`/api/admin/contests/${contestId}`, adminToken)).body.status).toBe('published');

    const bank = (await api.get(`/api/admin/contests/${contestId}/questions`, adminToken)).body.items as { id: string; topic: string }[];
    expect(bank.length).toBe(11);
    const topicOf = new Map(bank.map((q) => [q.id, q.topic]));
    const unitId = stored.body.unitIds[0];
    for (let i = 0; i < 12; i++) {
      const start = await startAttempt(api, contestId, { fullName: `Người Thử ${i}`, phone: `0913${String(500000 + i).padStart(6, '0')}`, unitId });
      expect(start.status, start.text).toBe(201);
      const topics = start.body.questions.map((q: { id: string }) => topicOf.get(q.id));
      expect(topics.filter((t: string) => t === ONE_STOP).length).toBe(2);
      expect(topics.filter((t: string) => t === ONLINE).length).toBe(3);
    }
  });
});

describe('on a 360 px phone', () => {
  it('a participant sees the line breaks of a question drawn from the library', async () => {
    const topic = `Xuống dòng ${tag}`;
    const text = `Điền vào chỗ trống ${tag}:\n"Công khai, minh bạch ..."`;
    expect((await api.post('/api/admin/library', { text, options: ['thủ tục hành chính', 'hồ sơ'], correct: [0], topic }, adminToken)).status).toBe(201);
    const unitId = (await api.get('/api/units')).body.items[0].id;
    const created = await api.post(
      '/api/admin/contests',
      {
        title: `Một câu nhiều dòng ${tag}`,
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        questionsPerAttempt: 1,
        timeLimitSec: 300,
        maxAttempts: 1,
        unitIds: [unitId],
        villages: ['Thôn Một', 'Thôn Hai'],
        draw: [{ topic, count: 1 }],
      },
      adminToken,
    );
    expect(created.status, created.text).toBe(201);
    expect((await api.post(`/api/admin/contests/${created.body.id}/publish`, undefined, adminToken)).status).toBe(200);

    const { context, page } = await open(PHONE);
    try {
      await page.goto(`${server.baseUrl}/contests/${created.body.id}`);
      await page.getByTestId('start').tap();
      await page.fill('[name=fullName]', 'Y Thị Mai');
      await page.fill('[name=phone]', '0914 222 333');
      await page.selectOption('[name=unitId]', unitId);
      await page.selectOption('[name=village]', 'Thôn Hai');
      await page.check('[name=consent]');
      await page.getByTestId('start-attempt').tap();
      const shown = page.getByTestId('question-text');
      await shown.waitFor();
      expect(await shown.innerText()).toBe(text);
      expect(await shown.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-line');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    } finally {
      await context.close();
    }
  });

  it('the library page fits the screen', async () => {
    const { context, page } = await open(PHONE);
    try {
      await signIn(page);
      await page.goto(`${server.baseUrl}/admin/library`);
      await page.getByTestId('library-list').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await page.goto(`${server.baseUrl}/admin/contests/new`);
      await page.getByTestId('draw-library').check();
      await page.getByTestId('draw-quota').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    } finally {
      await context.close();
    }
  });
});
