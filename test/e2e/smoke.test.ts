// Issue 2 smoke test: the served app opens on a 360 px phone, in Vietnamese, without overflow or errors.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, PHONE } from '../helpers/browser.ts';
import type { Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([sharedServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
});

it('opens the home page at 360 px with the demo contest, no horizontal scroll, no console errors', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const response = await page.goto(server.baseUrl + '/');
  expect(response?.status()).toBe(200);
  await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toContain('cải cách hành chính');
  expect(await page.getAttribute('html', 'lang')).toBe('vi');
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  expect(errors).toEqual([]);
  await context.close();
});
