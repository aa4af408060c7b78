// Issue 14: the question screen never hides an option. The longest question of the demo bank with
// six of its longest options, at 360x640 and 320x568: every option is either in view above the
// bottom bar or the screen says more options are below, and each can be brought up and tapped.
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoQuestions } from '../../functions/local/demo.ts';
import { apiClient } from '../helpers/api.ts';
import { createUnit, publishContest } from '../helpers/contest.ts';
import { launchBrowser, PHONE } from '../helpers/browser.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
let browser: Browser;
let contestId: string;
let unitId: string;

const longest = [...demoQuestions].sort((a, b) => b.text.length - a.text.length)[0]!;
const longOptions = [...new Set(demoQuestions.flatMap((q) => q.options))].sort((a, b) => b.length - a.length).slice(0, 6);

beforeAll(async () => {
  server = await sharedServer();
  const api = apiClient(server.baseUrl);
  const token = await api.login(ADMIN.email, ADMIN.password);
  unitId = await createUnit(api, token, 'Hội Nông dân', 400);
  expect(longOptions).toHaveLength(6);
  contestId = await publishContest(api, token, { title: 'Câu dài trên màn hình nhỏ', questionsPerAttempt: 1, maxAttempts: 5, unitIds: [unitId] }, [
    { text: longest.text, options: longOptions },
  ]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Whether the element's whole box is on screen and not under the sticky header or bottom bar. */
const unobstructed = (page: Page, index: number) =>
  page.locator('label[data-testid=option]').nth(index).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const points = [
      [r.left + r.width / 2, r.top + 2],
      [r.left + r.width / 2, r.bottom - 2],
    ];
    return points.every(([x, y]) => y! >= 0 && y! <= innerHeight && el.contains(document.elementFromPoint(x!, y!)));
  });

describe.each([
  { width: 360, height: 640 },
  { width: 320, height: 568 },
])('the longest question at $width x $height', (viewport) => {
  it('shows every option or says more are below, and every option can be reached and chosen', async () => {
    const context = await browser.newContext({ ...PHONE, viewport });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/contests/${contestId}`);
    await page.getByTestId('start').tap();
    await page.fill('[name=fullName]', 'Đinh Văn Bình');
    await page.fill('[name=phone]', `09${viewport.width}${viewport.height}`.slice(0, 10).padEnd(10, '1'));
    await page.selectOption('[name=unitId]', unitId);
    await page.check('[name=consent]');
    await page.getByTestId('start-attempt').tap();
    await page.getByTestId('question').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await expect.poll(async () => (await page.getByTestId('question-text').textContent())?.trim(), { timeout: 10_000 }).toBe(longest.text.trim());

    const options = page.locator('label[data-testid=option]');
    expect(await options.count()).toBe(6);
    const hidden: number[] = [];
    for (let i = 0; i < 6; i++) if (!(await unobstructed(page, i))) hidden.push(i);
    // On these screens the six long options cannot all fit: the screen must say so.
    if (hidden.length > 0) {
      await expect.poll(() => page.getByTestId('more-below').isVisible(), { timeout: 10_000 }).toBe(true);
      await page.getByTestId('more-below').tap();
      await expect.poll(() => unobstructed(page, 5), { timeout: 5_000 }).toBe(true);
      await expect.poll(() => page.getByTestId('more-below').count(), { timeout: 10_000 }).toBe(0);
    }
    // Each option, scrolled to the middle of the screen, is clear of the header and the bottom bar.
    for (let i = 5; i >= 0; i--) {
      await options.nth(i).evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await expect.poll(() => unobstructed(page, i), { timeout: 10_000 }).toBe(true);
    }
    await options.nth(3).tap();
    expect(await options.nth(3).locator('input').isChecked()).toBe(true);
    await context.close();
  });
});
