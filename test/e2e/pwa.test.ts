// Issue 14: the participant app reloads offline. The service worker precaches the participant
// shell (never the staff console); a reload with no connection in the middle of an attempt brings
// the attempt back from the device; a submit made offline is delivered when the connection returns (with and
// without a reload, and after the browser was closed). The update across two deployments: app-update.test.ts. Debian's Chromium at 360 px against the real local stack.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participantFiles } from '../../web/vite.config.ts';
import { apiClient } from '../helpers/api.ts';
import { createUnit, publishContest } from '../helpers/contest.ts';
import { CHROMIUM_ARGS, launchBrowser, PHONE } from '../helpers/browser.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const dist = resolve(import.meta.dirname, '..', '..', 'web', 'dist');

let server: Stack;
let browser: Browser;
let api: ReturnType<typeof apiClient>;
let contestId: string;
let villages: string[];

beforeAll(async () => {
  server = await sharedServer();
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
    const { attemptId, token } = await startControlled(page, '0912000111');
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

// A submit with no connection: kept on the device, said plainly, sent when the connection returns.
async function startAttempt(page: Page, phone: string): Promise<string> {
  await page.getByTestId('start').tap();
  await page.fill('[name=fullName]', 'Đinh Văn Nộp');
  await page.fill('[name=phone]', phone);
  await page.selectOption('[name=unitId]', { index: 1 });
  await page.selectOption('[name=village]', villages[0]!);
  await page.check('[name=consent]');
  await page.getByTestId('start-attempt').tap();
  await page.waitForURL(/\/attempts\/[^/]+$/);
  await page.getByTestId('question').waitFor();
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** Answers every question (the first option), then submits with the connection off. */
async function submitOffline(context: BrowserContext, page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await expect.poll(() => page.getByTestId('progress').textContent()).toContain(`${i + 1}/3`);
    await page.locator('label[data-testid=option]').first().tap();
    await page.getByTestId('next').tap();
  }
  await page.getByTestId('submit-attempt').waitFor();
  await context.setOffline(true);
  await page.getByTestId('submit-attempt').tap();
  await expectKeptNotice(page);
}

/** The screen says the answers are kept and will be sent, and shows no result. */
async function expectKeptNotice(page: Page): Promise<void> {
  const notice = page.getByTestId('submitting');
  await expect.poll(() => notice.getAttribute('data-offline'), { timeout: 20_000 }).toBe('true');
  expect(await notice.textContent()).toMatch(/giữ trên máy này, sẽ tự gửi khi có mạng/);
  expect(await page.getByTestId('result-correct').count()).toBe(0);
}

/** The server's own view of the attempt: scored or not. */
async function serverResult(attemptId: string, token: string) {
  const res = await api.call('GET', `/api/attempts/${attemptId}`, { headers: { 'x-attempt-token': token } });
  return res.body.result as { correctCount: number } | undefined;
}
const tokenOf = (page: Page, id: string) => page.evaluate((a) => JSON.parse(localStorage.getItem(`cthi.attempt.${a}`)!).token as string, id);

/** On the contest page once the service worker controls it, an attempt started: its id and token. */
async function startControlled(page: Page, phone: string) {
  await page.goto(`${server.baseUrl}/contests/${contestId}`);
  await untilControlled(page);
  const attemptId = await startAttempt(page, phone);
  return { attemptId, token: await tokenOf(page, attemptId) };
}

describe('offline submit', () => {
  it('is kept on the device and delivered when the connection returns, without a reload', async () => {
    const context = await browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      const { attemptId, token } = await startControlled(page, '0912000201');
      await submitOffline(context, page);
      expect(await serverResult(attemptId, token)).toBeUndefined();

      await context.setOffline(false);
      await page.getByTestId('result-correct').waitFor({ timeout: 20_000 });
      expect((await serverResult(attemptId, token))?.correctCount).toBe(Number(await page.getByTestId('result-correct').textContent()));
    } finally {
      await context.close();
    }
  });

  it('survives a reload with no connection, and is delivered when the connection returns', async () => {
    const context = await browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      const { attemptId, token } = await startControlled(page, '0912000202');
      await submitOffline(context, page);

      await page.reload();
      await expectKeptNotice(page);
      // No check that the server has not seen it yet: after a reload the page is controlled by the
      // service worker, and Chromium's offline emulation let its submit through once in the suite
      // (the app still showed it as kept; the submit is idempotent). The test without a reload checks it.

      await context.setOffline(false);
      await page.getByTestId('result-correct').waitFor({ timeout: 20_000 });
      expect(await serverResult(attemptId, token)).toBeDefined();
    } finally {
      await context.close();
    }
  });

  it('survives closing the browser: opening the app again on the same storage finds the kept submit at start and sends it', async () => {
    // A persistent profile, as a phone's browser keeps it between launches.
    const profile = mkdtempSync(join(tmpdir(), 'pwa-profile-'));
    const launch = () => chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, ...PHONE });
    let context = await launch();
    try {
      let page = context.pages()[0] ?? (await context.newPage());
      const { attemptId, token } = await startControlled(page, '0912000203');
      // The offline emulation of a persistent profile let a retry through about one run in four (seen
      // in a loop of this test); an aborted route is the same failure to the app, and certain.
      await context.route('**/api/**', (route) => route.abort('internetdisconnected'));
      await submitOffline(context, page);
      // Leave the page first, while still offline: closing lifts the emulation and the route before
      // the page's timers stop, and its retry could then go out (it did, once in a loaded run).
      await page.goto('about:blank');
      await page.close();
      expect(await serverResult(attemptId, token)).toBeUndefined();
      await context.close();

      // Opened again once the connection is back, on the contest's link: the app finds the kept submit
      // at start, opens its page and sends it. (Reopening offline as well let a request through the
      // emulation and the route alike about one run in four in a persistent profile; the kept notice
      // after a reload offline is the test above.)
      context = await launch();
      page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${server.baseUrl}/contests/${contestId}`);
      await page.waitForURL(`**/attempts/${attemptId}`);
      await page.getByTestId('result-correct').waitFor({ timeout: 20_000 });
      expect(await serverResult(attemptId, token)).toBeDefined();
      // Back returns to the page the person opened.
      await page.goBack();
      await page.waitForURL(`**/contests/${contestId}`);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
