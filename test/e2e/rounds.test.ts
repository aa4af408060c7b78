// Rounds in the browser: an organizer makes a contest of weekly rounds with the console's helper,
// and a participant takes the open round on a 360 px phone (the round, its countdown, then the
// rank and the attempts left in the round); between rounds the page says when the next one opens.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { launchBrowser, PHONE, staffSignIn } from '../helpers/browser.ts';
import { expectStatus, type Api } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const root = resolve(import.meta.dirname, '..', '..');
const LAPTOP = { viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' } as const;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** A datetime-local value in Vietnam time. */
const vnInput = (ms: number) => new Date(ms + 7 * 3600_000).toISOString().slice(0, 16);

let server: Stack;
let browser: Browser;
let api: Api;
let token: string;

beforeAll(async () => {
  if (!existsSync(resolve(root, 'web/dist/index.html'))) {
    execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'], { cwd: root, stdio: 'inherit' });
  }
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function open(options: Parameters<Browser['newContext']>[0]): Promise<Page> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  return page;
}

const login = (page: Page) => staffSignIn(page, server.baseUrl, ADMIN);

/** A published contest with these rounds and two hand-written questions ("Đúng n" is right). */
async function roundsContest(title: string, rounds: { name: string; startsAt: string; endsAt: string }[], unitId: string): Promise<string> {
  const created = await api.post(
    '/api/admin/contests',
    {
      title,
      startsAt: rounds[0]!.startsAt,
      endsAt: rounds[rounds.length - 1]!.endsAt,
      questionsPerAttempt: 2,
      timeLimitSec: 600,
      maxAttempts: 2,
      unitIds: [unitId],
      rounds,
    },
    token,
  );
  expectStatus(created, 201);
  const id = created.body.id as string;
  for (const n of [1, 2]) expectStatus(await api.post(`/api/admin/contests/${id}/questions`, { text: `Câu ${n}: chọn ý đúng`, options: [`Đúng ${n}`, `Sai ${n}`], correct: [0] }, token), 201);
  expectStatus(await api.post(`/api/admin/contests/${id}/publish`, undefined, token), 200);
  return id;
}

describe('rounds in the console', () => {
  it('creates a contest of weekly rounds with the helper', async () => {
    const page = await open(LAPTOP);
    await login(page);
    await page.getByTestId('new-contest').click();
    const form = page.getByTestId('contest-form');
    await form.waitFor();
    const start = Math.ceil(Date.now() / 3600_000) * 3600_000 + DAY;
    await form.locator('[name=title]').fill('Cuộc thi theo tuần (kiểm thử trình duyệt)');
    await form.locator('[name=startsAt]').fill(vnInput(start));
    await form.locator('[name=endsAt]').fill(vnInput(start + 2 * DAY));
    await form.locator('[name=questionsPerAttempt]').fill('2');

    await expect.poll(() => page.getByTestId('rounds-none').count()).toBe(1);
    await page.getByTestId('rounds-weeks').fill('3');
    await page.getByTestId('rounds-weekly').click();
    await expect.poll(() => page.getByTestId('rounds-list').locator('li').count()).toBe(3);
    // The helper stretched the contest's end to the end of week 3.
    expect(await form.locator('[name=endsAt]').inputValue()).toBe(vnInput(start + 21 * DAY));
    await page.getByLabel('Tên đợt').nth(2).fill('Tuần cuối');

    await page.getByTestId('save-contest').click();
    await page.waitForURL(/\/admin\/contests\/[^/]+\/questions$/);
    const id = /contests\/([^/]+)\/questions/.exec(page.url())![1]!;
    const saved = (await api.get(`/api/admin/contests/${id}`, token)).body;
    expect(saved.hasRounds).toBe(true);
    expect(saved.rounds.map((r: { name: string; startsAt: string; endsAt: string }) => [r.name, Date.parse(r.startsAt), Date.parse(r.endsAt)])).toEqual([
      ['Tuần 1', start, start + 7 * DAY],
      ['Tuần 2', start + 7 * DAY, start + 14 * DAY],
      ['Tuần cuối', start + 14 * DAY, start + 21 * DAY],
    ]);

    // Back in the editor the rounds are there to edit; the results tab has a round picker.
    await page.goto(`${server.baseUrl}/admin/contests/${id}`);
    await expect.poll(() => page.getByTestId('rounds-list').locator('li').count()).toBe(3);
    await page.goto(`${server.baseUrl}/admin/contests/${id}/monitor`);
    await page.getByTestId('round-select').waitFor();
    expect(await page.getByTestId('round-select').locator('option').count()).toBe(4);
    await page.context().close();
  });
});

describe('rounds on a 360 px phone', () => {
  it('takes the open round: the round and its countdown, then the rank and attempts left in it', async () => {
    const unitId = (await api.get('/api/units')).body.items[0].id as string;
    const now = Date.now();
    const id = await roundsContest(
      'Thi theo đợt trên điện thoại',
      [
        { name: 'Tuần 1', startsAt: iso(now - 60_000), endsAt: iso(now + 3600_000) },
        { name: 'Tuần 2', startsAt: iso(now + 2 * 3600_000), endsAt: iso(now + 3 * 3600_000) },
      ],
      unitId,
    );
    const page = await open(PHONE);
    await page.goto(`${server.baseUrl}/contests/${id}`);
    await page.getByTestId('contest-title').waitFor();
    // The page is the open round's: its name, and the countdown to its end (within the hour, not the contest's 3 hours).
    await expect.poll(() => page.getByTestId('contest-title').textContent()).toBe('Thi theo đợt trên điện thoại: Tuần 1');
    expect(await page.getByTestId('contest-phase').getAttribute('data-phase')).toBe('open');
    await expect.poll(() => page.getByTestId('contest-countdown').textContent()).toMatch(/kết thúc/);
    expect(await page.getByTestId('contest-countdown').textContent()).toMatch(/(^|\s)(59:\d\d|1:00:00)(\s|$)/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await page.getByTestId('start').tap();
    await page.fill('[name=fullName]', 'Rơ Châm Hiền');
    await page.fill('[name=phone]', `09${String(now).slice(-8)}`);
    await page.selectOption('[name=unitId]', unitId);
    await page.check('[name=consent]');
    await page.getByTestId('start-attempt').tap();
    await page.waitForURL(/\/attempts\/[^/]+$/);
    for (let i = 0; i < 2; i++) {
      await page.getByTestId('question').waitFor();
      await page.locator('label[data-testid=option]').filter({ hasText: /Đúng/ }).tap();
      await page.getByTestId('next').tap();
    }
    await page.getByTestId('submit-attempt').tap();
    await page.getByTestId('result-correct').waitFor();
    expect(await page.getByTestId('result-correct').textContent()).toBe('2');
    await expect.poll(() => page.getByTestId('result-rank').textContent(), { timeout: 10_000 }).toMatch(/Hạng 1/);
    await expect.poll(() => page.getByTestId('result').textContent()).toMatch(/Xếp hạng trong Tuần 1/);
    expect(await page.getByTestId('result-attempts-left').textContent()).toBe('1');
    await expect.poll(() => page.getByTestId('result').textContent()).toMatch(/Lượt còn lại trong Tuần 1/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // The organizer ends round 1 early from the console: a job with a progress bar, then its final ranking.
    const staff = await open(LAPTOP);
    await login(staff);
    await staff.goto(`${server.baseUrl}/admin/contests/${id}/results`);
    await staff.getByTestId('round-close').click();
    await staff.getByTestId('confirm-round-close').getByRole('button', { name: 'Kết thúc Tuần 1 ngay' }).click();
    await staff.getByTestId('round-close-job').waitFor();
    await expect.poll(() => staff.getByTestId('notice').textContent(), { timeout: 30_000 }).toBe('Đã kết thúc đợt và tính kết quả chung cuộc.');
    expect(await staff.getByTestId('round-select').locator('option:checked').textContent()).toBe('Tuần 1 (đã có kết quả chung cuộc)');
    expect((await api.get(`/api/contests/${id}/leaderboard?round=r1`)).body).toMatchObject({ final: true, items: [{ rank: 1, correctCount: 2 }] });
    await staff.context().close();

    // Back on the phone: no other attempt now, and the notice says when the next round opens.
    await page.reload();
    await page.getByTestId('result-ended').waitFor();
    expect(await page.getByTestId('result-ended').textContent()).toMatch(/^Đợt thi này đã kết thúc\. Đợt tiếp theo bắt đầu lúc /);
    expect(await page.getByTestId('again').count()).toBe(0);
    await page.context().close();
  });

  it('between rounds shows the next round and the countdown to its start, and takes no start', async () => {
    const unitId = (await api.get('/api/units')).body.items[0].id as string;
    const now = Date.now();
    const id = await roundsContest(
      'Giữa hai đợt',
      [
        { name: 'Tuần 1', startsAt: iso(now - 120_000), endsAt: iso(now - 60_000) },
        { name: 'Tuần 2', startsAt: iso(now + 3600_000), endsAt: iso(now + 2 * 3600_000) },
      ],
      unitId,
    );
    const page = await open(PHONE);
    await page.goto(`${server.baseUrl}/contests/${id}`);
    await page.getByTestId('contest-title').waitFor();
    await expect.poll(() => page.getByTestId('contest-title').textContent()).toBe('Giữa hai đợt: Tuần 2');
    expect(await page.getByTestId('contest-phase').getAttribute('data-phase')).toBe('upcoming');
    await expect.poll(() => page.getByTestId('contest-countdown').textContent()).toMatch(/bắt đầu/);
    expect(await page.getByTestId('start').count()).toBe(0);
    expect(await page.getByText('Đợt thi chưa bắt đầu. Mời bạn quay lại khi đợt thi mở.').count()).toBe(1);
    // The home page lists it the same way: among the upcoming, as its next round, not among the open.
    await page.goto(`${server.baseUrl}/`);
    const link = (group: string) => page.locator(`[data-testid=contests-${group}] a[href="/contests/${id}"]`);
    await link('upcoming').waitFor();
    expect(await link('upcoming').locator('strong').textContent()).toBe('Giữa hai đợt: Tuần 2');
    expect(await link('open').count()).toBe(0);
    await page.context().close();
  });
});
