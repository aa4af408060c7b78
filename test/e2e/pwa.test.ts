// Issue 14: the participant app reloads offline. The service worker precaches the participant
// shell (never the staff console); a reload with no connection in the middle of an attempt brings
// the attempt back from the device. (The update across two deployments has no test yet: see web/README.md.) Debian's Chromium at 360 px against the real local stack.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participantFiles } from '../../web/vite.config.ts';
import { apiClient } from '../helpers/api.ts';
import { createUnit, publishContest } from '../helpers/contest.ts';
import { launchBrowser, PHONE } from '../helpers/browser.ts';
import { ADMIN, startServer, type LocalServer } from '../helpers/server.ts';

const dist = resolve(import.meta.dirname, '..', '..', 'web', 'dist');

let server: LocalServer;
let browser: Browser;
let api: ReturnType<typeof apiClient>;
let contestId: string;
let villages: string[];

beforeAll(async () => {
  server = await startServer({ seedDemo: false });
  api = apiClient(server.baseUrl);
  const token = await api.login(ADMIN.email, ADMIN.password);
  const units = [{ id: await createUnit(api, token, 'Hội Nông dân', 300) }, { id: await createUnit(api, token, 'Hội Phụ nữ', 250) }];
  villages = ['Thôn Kon Hia', 'Thôn Đắk Chum 1'];
  contestId = await publishContest(api, token, { title: 'Thi ngoại tuyến', questionsPerAttempt: 3, maxAttempts: 3, timeLimitSec: 900, unitIds: units.map((u) => u.id), villages }, [
    1, 2, 3,
  ].map((i) => ({ text: `Câu ${i}: hỏi gì?`, options: [`Đúng ${i}`, `Sai ${i}`] })));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const controlled = (page: Page) => page.evaluate(async () => {
  await navigator.serviceWorker.ready;
  return navigator.serviceWorker.controller !== null;
});

/** Waits until the service worker is active and controls the page (it does from the second load on). */
async function untilControlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await controlled(page))) await page.reload();
  await expect.poll(() => controlled(page), { timeout: 20_000 }).toBe(true);
}

describe('offline-first participant app', () => {
  it('precaches the participant shell and never the staff console', async () => {
    const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
    const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
    const precached = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]!);
    const participant = participantFiles(manifest);
    expect(precached).toContain('index.html');
    for (const f of participant) expect(precached).toContain(f);
    const staff = Object.entries(manifest as Record<string, { file: string; isDynamicEntry?: boolean }>).filter(([k]) => /staff/.test(k)).map(([, c]) => c.file);
    expect(staff.length).toBeGreaterThan(0);
    for (const f of staff) expect(precached).not.toContain(f);
    expect(precached.filter((u) => u.startsWith('assets/')).every((u) => participant.has(u))).toBe(true);
  });

  it('has a manifest for "Add to home screen": Vietnamese name, theme, reachable icons', async () => {
    const html = await (await fetch(`${server.baseUrl}/`)).text();
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest">');
    const manifest = await (await fetch(`${server.baseUrl}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ name: 'Thi tìm hiểu trực tuyến', lang: 'vi', display: 'standalone', start_url: '/', theme_color: '#0b4f8a' });
    for (const size of [192, 512]) {
      const icon = manifest.icons.find((i: { sizes: string }) => i.sizes === `${size}x${size}`);
      const png = Buffer.from(await (await fetch(server.baseUrl + icon.src)).arrayBuffer());
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it('brings an attempt back from the device when the page is reloaded with no connection', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/contests/${contestId}`);
    await untilControlled(page);
    await page.getByTestId('start').tap();
    await page.fill('[name=fullName]', 'A Thị Hoa');
    await page.fill('[name=phone]', '0912000111');
    await page.selectOption('[name=unitId]', { index: 1 });
    await page.selectOption('[name=village]', villages[0]!);
    await page.check('[name=consent]');
    await page.getByTestId('start-attempt').tap();
    await page.waitForURL(/\/attempts\/[^/]+$/);
    await page.getByTestId('question').waitFor();
    const firstQuestion = (await page.getByTestId('question-text').textContent())!.trim();
    await page.locator('label[data-testid=option]').first().tap();
    const picked = (await page.locator('label[data-testid=option]').first().textContent())!.trim();

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('question').waitFor();
    expect((await page.getByTestId('question-text').textContent())!.trim()).toBe(firstQuestion);
    const checked = page.locator('label[data-testid=option]').filter({ has: page.locator('input:checked') });
    expect((await checked.textContent())!.trim()).toBe(picked);
    // The countdown runs from the server's deadline kept on the device.
    await expect.poll(() => page.getByTestId('countdown').textContent(), { timeout: 10_000 }).toMatch(/^1[45]:\d\d$/);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);

    // Back online, the answer given offline reaches the server.
    await context.setOffline(false);
    const attemptId = new URL(page.url()).pathname.split('/').pop()!;
    const token = await page.evaluate((id) => JSON.parse(localStorage.getItem(`cthi.attempt.${id}`)!).token as string, attemptId);
    await page.locator('label[data-testid=option]').nth(1).tap();
    await page.locator('label[data-testid=option]').first().tap();
    await expect
      .poll(async () => {
        const res = await api.call('GET', `/api/attempts/${attemptId}`, { headers: { 'x-attempt-token': token } });
        return Object.keys(res.body.savedAnswers ?? {}).length;
      }, { timeout: 20_000 })
      .toBe(1);
    await context.close();
  });
});
