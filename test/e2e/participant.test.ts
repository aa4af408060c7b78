// The participant's path on a cheap phone, in Chromium at 360x740 against the real local
// stack (`functions/local/main.ts`, what `npm start` runs): contest page to result, a reload
// mid-attempt, a network drop, an attempt that runs out of time, the unit link. Each result
// is checked against the server's own standings.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { ADMIN, moveServerClock, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const root = resolve(import.meta.dirname, '..', '..');
const JS_BUDGET = 40 * 1024;

interface TestContest {
  id: string;
  unitIds: string[];
  villages: string[];
  /** question text -> the option texts that are correct */
  key: Map<string, string[]>;
  /** question text -> one wrong option text */
  wrong: Map<string, string>;
}

let server: Stack;
let browser: Browser;
let api: ReturnType<typeof apiClient>;
let adminToken: string;
let main: TestContest;
let phoneSeq = 0;

/** A fresh person per test: the server identifies people by phone. */
const nextPhone = () => `091${String(Date.now() % 100_000).padStart(5, '0')}${String(phoneSeq++).padStart(2, '0')}`;

async function createContest(opts: { questions: number; timeLimitSec: number; multipleAt?: number[] }): Promise<TestContest> {
  const units = (await api.get('/api/units')).body.items as { id: string }[];
  expect(units.length).toBeGreaterThan(1);
  const villages = ['Thôn Đắk Chum 1', 'Thôn Kon Hia'];
  const now = Date.now();
  const created = await api.post(
    '/api/admin/contests',
    {
      title: `Tìm hiểu cải cách hành chính ${now}`,
      description: 'Cuộc thi thử của kiểm thử e2e.',
      rules: 'Mỗi lượt trả lời các câu hỏi trong thời gian cho phép.\nTính lượt cao điểm nhất.',
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3 * 3_600_000).toISOString(),
      questionsPerAttempt: opts.questions,
      timeLimitSec: opts.timeLimitSec,
      maxAttempts: 5,
      unitIds: units.map((u) => u.id),
      villages,
      prediction: { prompt: 'Theo bạn, bao nhiêu người sẽ tham gia?' },
      showAnswers: 'after_submit',
    },
    adminToken,
  );
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  const key = new Map<string, string[]>();
  const wrong = new Map<string, string>();
  for (let i = 1; i <= opts.questions; i++) {
    const text = `Câu hỏi thử số ${i} về thủ tục hành chính?`;
    const multiple = opts.multipleAt?.includes(i) ?? false;
    const options = multiple ? [`Q${i} đúng một`, `Q${i} sai`, `Q${i} đúng hai`] : [`Q${i} sai`, `Q${i} đúng`, `Q${i} cũng sai`];
    const correct = multiple ? [0, 2] : [1];
    const q = await api.post(`/api/admin/contests/${id}/questions`, { text, options, correct }, adminToken);
    expect(q.status, q.text).toBe(201);
    key.set(text, correct.map((c) => options[c]!));
    wrong.set(text, `Q${i} sai`);
  }
  const published = await api.post(`/api/admin/contests/${id}/publish`, undefined, adminToken);
  expect(published.status, published.text).toBe(200);
  return { id, unitIds: units.map((u) => u.id), villages, key, wrong };
}

async function phoneContext(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = await context.newPage();
  return { context, page };
}

async function expectNoSeriousA11yIssues(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

async function register(page: Page, contest: TestContest, person: { fullName: string; phone: string; unitId?: string }) {
  await page.getByTestId('start').tap();
  await page.fill('[name=fullName]', person.fullName);
  await page.fill('[name=phone]', person.phone);
  if (person.unitId) await page.selectOption('[name=unitId]', person.unitId);
  await page.selectOption('[name=village]', contest.villages[1]!);
  await page.fill('[name=birthYear]', '1988');
  await page.check('[name=consent]');
  await page.getByTestId('start-attempt').tap();
  await page.waitForURL(/\/attempts\/[^/]+$/);
  await page.getByTestId('question').waitFor();
}

/** Answers the question on screen, right or wrong; returns whether it was right. */
async function answer(page: Page, contest: TestContest, right: boolean): Promise<boolean> {
  const text = (await page.getByTestId('question-text').textContent())!.trim();
  const picks = right ? contest.key.get(text)! : [contest.wrong.get(text)!];
  expect(picks, `unknown question ${text}`).toBeTruthy();
  for (const p of picks) await page.locator('label[data-testid=option]').filter({ hasText: new RegExp(`^\\s*[A-F]?\\s*${p}\\s*$`) }).tap();
  return right;
}

async function serverRow(contestId: string, phone: string) {
  const res = await api.get(`/api/admin/contests/${contestId}/results?format=json`, adminToken);
  expect(res.status, res.text).toBe(200);
  return (res.body.items as { phone: string; correctCount: number; prediction: number | null }[]).find((r) => r.phone === phone);
}

/**
 * The answers reached the server. A batch waits up to SAVE_BATCH_MS (issue 12; the unit tests and
 * participant-issue16 drive that timer with a clock): here the page is left the way a phone leaves it
 * (pagehide), which sends what is pending at once.
 */
async function savedOnServer(page: Page): Promise<void> {
  expect(await page.getByTestId('save-state').getAttribute('data-state')).toBe('pending');
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
  await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');
}

beforeAll(async () => {
  if (!existsSync(resolve(root, 'web/dist/index.html'))) {
    execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'], { cwd: root, stdio: 'inherit' });
  }
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  adminToken = await api.login(ADMIN.email, ADMIN.password);
  browser = await launchBrowser();
  main = await createContest({ questions: 6, timeLimitSec: 900, multipleAt: [4] });
});

afterAll(async () => {
  await browser?.close();
});

describe('participant app on a 360 px phone', () => {
  it('goes from the contest page to the result, within the JS budget, with the score the server keeps', async () => {
    const { context, page } = await phoneContext();
    const js: { url: string; bytes: number }[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.js')) js.push({ url: r.url(), bytes: Number(r.headers()['content-length'] ?? 0) });
    });
    await page.goto(`${server.baseUrl}/contests/${main.id}`);
    await page.getByTestId('contest-title').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
    await expect.poll(() => page.getByTestId('contest-phase').getAttribute('data-phase')).toBe('open');
    await expect.poll(() => page.getByTestId('contest-countdown').textContent()).toMatch(/kết thúc/);
    await page.getByTestId('participant-count').waitFor();
    await page.getByTestId('unit-board').waitFor();
    await expectNoSeriousA11yIssues(page, 'contest page');

    // Vietnamese errors next to the fields, before any request.
    await page.getByTestId('start').tap();
    await page.fill('[name=phone]', '12 34');
    await page.getByTestId('start-attempt').tap();
    await expect.poll(() => page.getByTestId('error-phone').textContent()).toMatch(/Số điện thoại còn thiếu chữ số/);
    await page.getByTestId('error-fullName').waitFor();
    await page.getByTestId('error-unitId').waitFor();
    await page.getByTestId('error-consent').waitFor();
    await expectNoSeriousA11yIssues(page, 'registration errors');

    const phone = nextPhone();
    const typed = `+84 ${phone.slice(1, 4)}.${phone.slice(4, 7)}-${phone.slice(7)}`;
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) apiCalls.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await register(page, main, { fullName: 'Y Thị Lan', phone: typed, unitId: main.unitIds[1]! });
    expect(apiCalls.filter((c) => c.startsWith('POST'))).toEqual([`POST /api/contests/${main.id}/attempts`]);

    // The budget: all JavaScript fetched up to the first question, gzipped as served.
    const before = js.reduce((n, f) => n + f.bytes, 0);
    expect(before, JSON.stringify(js)).toBeLessThanOrEqual(JS_BUDGET);
    expect(js.some((f) => /Staff/i.test(f.url))).toBe(false);

    await expect.poll(() => page.getByTestId('countdown').textContent()).toMatch(/^1[45]:\d\d$/);
    await expectNoSeriousA11yIssues(page, 'question');

    // Answering and moving on needs no request besides the background saves.
    apiCalls.length = 0;
    let expected = 0;
    const total = main.key.size;
    for (let i = 0; i < total; i++) {
      await expect.poll(() => page.getByTestId('progress').textContent()).toContain(`${i + 1}/${total}`);
      if (await answer(page, main, i % 3 !== 2)) expected++;
      await page.getByTestId('next').tap();
    }
    expect(apiCalls.filter((c) => !c.startsWith('PUT '))).toEqual([]);

    await page.fill('[name=prediction]', '123');
    await page.getByTestId('next').tap();
    await page.getByTestId('submit-attempt').waitFor();
    await expectNoSeriousA11yIssues(page, 'review');
    await page.getByTestId('submit-attempt').tap();
    await page.getByTestId('result-correct').waitFor();
    expect(Number(await page.getByTestId('result-correct').textContent())).toBe(expected);
    await page.getByTestId('result-attempts-left').waitFor();
    await page.getByTestId('review').waitFor();
    await expect.poll(() => page.getByTestId('result-rank').count(), { timeout: 10_000 }).toBe(1);
    await expectNoSeriousA11yIssues(page, 'result');

    const row = await serverRow(main.id, phone);
    expect(row).toMatchObject({ correctCount: expected, prediction: 123 });

    // Shared phone: the next person starts from an empty form, nothing of the first one kept.
    await page.getByTestId('another-person').tap();
    await page.waitForSelector('[name=fullName]');
    expect(await page.inputValue('[name=fullName]')).toBe('');
    expect(await page.inputValue('[name=phone]')).toBe('');
    expect(await page.isChecked('[name=consent]')).toBe(false);
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cthi.attempt.')));
    expect(kept).toEqual([]);
    await context.close();
  });

  it('resumes the same attempt after a reload, answers kept', async () => {
    const { context, page } = await phoneContext();
    await page.goto(`${server.baseUrl}/contests/${main.id}`);
    const phone = nextPhone();
    await register(page, main, { fullName: 'A Văn Minh', phone, unitId: main.unitIds[0]! });
    const url = page.url();

    const right: boolean[] = [];
    right.push(await answer(page, main, true));
    await page.getByTestId('next').tap();
    right.push(await answer(page, main, false));
    await savedOnServer(page);
    await page.getByTestId('next').tap();
    // Reload right after a tap, before the background save could go out.
    right.push(await answer(page, main, true));
    await page.reload();

    await page.getByTestId('question').waitFor();
    expect(page.url()).toBe(url);
    await expect.poll(() => page.getByTestId('progress').textContent()).toContain('3/');
    expect(await page.locator('input[type=radio]:checked, input[type=checkbox]:checked').count()).toBeGreaterThan(0);
    await page.getByTestId('prev').tap();
    await page.getByTestId('prev').tap();
    expect(await page.locator('input:checked').count()).toBeGreaterThan(0);
    // The question map shows the three answers.
    expect(await page.locator('[data-testid=map-item][data-answered=true]').count()).toBe(3);

    // Finish: the rest wrong, then submit.
    await page.locator('[data-testid=map-item]').nth(3).dispatchEvent('click');
    const total = main.key.size;
    for (let i = 3; i < total; i++) {
      right.push(await answer(page, main, false));
      await page.getByTestId('next').tap();
    }
    await page.getByTestId('next').tap(); // prediction left empty
    await page.getByTestId('submit-attempt').tap();
    await page.getByTestId('result-correct').waitFor();
    const expected = right.filter(Boolean).length;
    expect(Number(await page.getByTestId('result-correct').textContent())).toBe(expected);
    expect(await serverRow(main.id, phone)).toMatchObject({ correctCount: expected, prediction: null });
    await context.close();
  });

  it('keeps working offline and loses nothing once back online', async () => {
    const { context, page } = await phoneContext();
    await page.goto(`${server.baseUrl}/contests/${main.id}`);
    const phone = nextPhone();
    await register(page, main, { fullName: 'Đinh Thị Hoa', phone, unitId: main.unitIds[2]! });

    const total = main.key.size;
    const half = Math.floor(total / 2);
    let expected = 0;
    for (let i = 0; i < half; i++) {
      if (await answer(page, main, true)) expected++;
      await page.getByTestId('next').tap();
    }
    await savedOnServer(page);

    await context.setOffline(true);
    for (let i = half; i < total; i++) {
      if (await answer(page, main, i !== total - 1)) expected++;
      await page.getByTestId('next').tap();
    }
    await page.getByTestId('offline-banner').waitFor();
    await expectNoSeriousA11yIssues(page, 'offline');
    await page.fill('[name=prediction]', '4000');
    await page.getByTestId('next').tap();
    expect(await page.getByTestId('review-summary').textContent()).toMatch(/trả lời hết/);

    await context.setOffline(false);
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 20_000 }).catch(() => {});
    await page.getByTestId('submit-attempt').tap();
    await page.getByTestId('result-correct').waitFor({ timeout: 30_000 });
    expect(Number(await page.getByTestId('result-correct').textContent())).toBe(expected);
    expect(await serverRow(main.id, phone)).toMatchObject({ correctCount: expected, prediction: 4000 });
    await context.close();
  });

  it('submits only what was saved when time runs out while offline (expired attempt)', async () => {
    const short = await createContest({ questions: 2, timeLimitSec: 30 });
    const { context, page } = await phoneContext();
    // The phone's clock and the server's move past the deadline and its grace: no minute of waiting.
    await page.clock.install();
    await page.goto(`${server.baseUrl}/contests/${short.id}`);
    const phone = nextPhone();
    await register(page, short, { fullName: 'Nguyễn Văn Tư', phone, unitId: short.unitIds[0]! });

    await answer(page, short, true);
    await savedOnServer(page);
    await page.getByTestId('next').tap();
    // Answered on the phone only: the network is gone until after the deadline and its grace.
    await context.setOffline(true);
    await answer(page, short, true);
    await page.clock.fastForward(31_000);
    await expect.poll(() => page.getByTestId('countdown').getAttribute('data-seconds'), { timeout: 40_000, interval: 1000 }).toBe('0');
    await page.getByTestId('submitting').waitFor();
    await page.clock.fastForward(33_000);
    await moveServerClock(server, 31_000 + 33_000);
    onTestFinished(() => moveServerClock(server, -(31_000 + 33_000)));
    await context.setOffline(false);

    await page.getByTestId('result-correct').waitFor({ timeout: 30_000 });
    expect(Number(await page.getByTestId('result-correct').textContent())).toBe(1);
    await page.getByTestId('result-late').waitFor();
    expect(await serverRow(short.id, phone)).toMatchObject({ correctCount: 1 });

    // Reopening the attempt shows the same result.
    await page.reload();
    await page.getByTestId('result-correct').waitFor();
    expect(Number(await page.getByTestId('result-correct').textContent())).toBe(1);
    await context.close();
  });

  it('preselects the unit from the link an organization shares', async () => {
    const { context, page } = await phoneContext();
    const unitId = main.unitIds[3]!;
    await page.goto(`${server.baseUrl}/contests/${main.id}?unit=${encodeURIComponent(unitId)}`);
    await page.waitForSelector('[name=unitId]');
    expect(await page.inputValue('[name=unitId]')).toBe(unitId);
    // The share button loads when the page is scrolled near it (the first-load budget).
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.getByTestId('share-contest').waitFor();
    await context.close();
  });

  it('loads the staff pages only under /admin, as a separate chunk', async () => {
    const { context, page } = await phoneContext();
    const js: string[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.js')) js.push(r.url());
    });
    await page.goto(`${server.baseUrl}/`);
    await page.getByTestId('contest-link').first().waitFor();
    await expectNoSeriousA11yIssues(page, 'home');
    expect(js.some((u) => /Staff/.test(u))).toBe(false);
    await page.goto(`${server.baseUrl}/admin`);
    await page.getByTestId('staff-login').waitFor();
    expect(js.some((u) => /Staff/.test(u))).toBe(true);
    await context.close();
  });
});
