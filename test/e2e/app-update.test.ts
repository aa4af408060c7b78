// Issue 14: a new deployment reaches users. Two builds of the web app are served in turn by one
// origin (a small server here: static files from the build of the moment, /api proxied to the local
// stack), as CloudFront serves the bucket before and after a deploy. Build B is build A with a
// marker in index.html and its precache revision changed in sw.js, which is what a deploy changes.
// - The service worker update: B installs in the background, takes over at the start of the next
//   visit outside an attempt, never during one.
// - The API version check: an app the API refuses with 426 APP_OUTDATED reloads into the new build,
//   also in an attempt, whose answers come back from the device.
// Every wait is on an event or a state in the page, bounded; no fixed sleep.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatic } from '../../functions/local/static.ts';
import { apiClient } from '../helpers/api.ts';
import { launchBrowser, PHONE } from '../helpers/browser.ts';
import { createUnit, publishContest } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const dist = resolve(import.meta.dirname, '..', '..', 'web', 'dist');
const WAIT = 30_000;

let server: Stack;
let browser: Browser;
let contestId: string;
let unitId: string;
const scratch: string[] = [];

/** A copy of the build with a marker in index.html; `bump` changes index.html's precache revision as a deploy would. */
function buildCopy(name: string, bump: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), `web-${name}-`));
  scratch.push(dir);
  cpSync(dist, dir, { recursive: true });
  const index = join(dir, 'index.html');
  writeFileSync(index, readFileSync(index, 'utf8').replace('</head>', `<meta name="app-build" content="${name}"></head>`));
  if (bump) {
    const sw = join(dir, 'sw.js');
    const before = readFileSync(sw, 'utf8');
    const after = before.replace(/(\{url:"index\.html",revision:")([0-9a-f]+)"/, `$1$2-${name}"`);
    if (after === before) throw new Error('sw.js: no index.html precache entry to bump');
    writeFileSync(sw, after);
  }
  return dir;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((ok, fail) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c)).on('end', () => ok(Buffer.concat(parts))).on('error', fail);
  });

/** One origin serving build A or B (switchable), /api proxied to the local stack; `refuse` answers the API's 426 instead. */
function deployment(builds: Record<'A' | 'B', string>) {
  const serve = { A: createStatic(builds.A), B: createStatic(builds.B) };
  const state = { current: 'A' as 'A' | 'B', refuseOldApps: false };
  const http: Server = createServer((req, res) => {
    void (async () => {
      if (!req.url?.startsWith('/api/')) return serve[state.current](req, res);
      // As the API does after a breaking deploy to an app built before it. (Both builds here carry the
      // same version in their JavaScript: the test stops refusing once the page runs build B.)
      if (state.refuseOldApps) {
        res.writeHead(426, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ error: { code: 'APP_OUTDATED', message: 'out of date' } }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length', 'accept-encoding'].includes(k)) headers[k] = v;
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
      const r = await fetch(server.baseUrl + req.url, { method: req.method, headers, body: body ? new Uint8Array(body) : undefined });
      const out: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
      });
      res.writeHead(r.status, out);
      res.end(Buffer.from(await r.arrayBuffer()));
    })().catch((err: unknown) => {
      res.writeHead(502);
      res.end(String(err));
    });
  });
  return {
    state,
    start: () => new Promise<string>((ok) => http.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(http.address() as { port: number }).port}`))),
    stop: () => new Promise<void>((ok) => http.close(() => ok())),
  };
}

const buildOf = (page: Page) => page.evaluate(() => document.querySelector('meta[name=app-build]')?.getAttribute('content') ?? null).catch(() => null);

/** Waits for the page's service worker to be active and in control (the first visit installs it). */
async function untilControlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    // clientsClaim is off: the first visit is not controlled; the next load is.
    await page.reload();
  }
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: WAIT });
}

/** Asks the browser to check for a new service worker now and waits until it is installed and waiting. */
function untilNewWorkerWaits(page: Page): Promise<boolean> {
  return page.evaluate(async (ms) => {
    const reg = (await navigator.serviceWorker.getRegistration())!;
    await reg.update();
    const worker = reg.installing ?? reg.waiting;
    if (!worker) return false;
    if (worker.state === 'installing') {
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`still ${worker.state} after ${ms} ms`)), ms);
        worker.addEventListener('statechange', () => {
          if (worker.state !== 'installing') {
            clearTimeout(timer);
            ok();
          }
        });
      });
    }
    return reg.waiting !== null;
  }, WAIT);
}

async function startAttempt(page: Page, phone: string): Promise<string> {
  await page.getByTestId('start').tap();
  await page.fill('[name=fullName]', 'Y Cập Nhật');
  await page.fill('[name=phone]', phone);
  await page.selectOption('[name=unitId]', unitId);
  await page.check('[name=consent]');
  await page.getByTestId('start-attempt').tap();
  await page.waitForURL(/\/attempts\/[^/]+$/);
  await page.getByTestId('question').waitFor();
  return new URL(page.url()).pathname.split('/').pop()!;
}

beforeAll(async () => {
  server = await sharedServer();
  const api = apiClient(server.baseUrl);
  const token = await api.login(ADMIN.email, ADMIN.password);
  unitId = await createUnit(api, token, 'Đoàn Thanh niên', 200);
  contestId = await publishContest(api, token, { title: 'Thi cập nhật ứng dụng', questionsPerAttempt: 2, maxAttempts: 5, timeLimitSec: 900, unitIds: [unitId] }, [
    { text: 'Câu một?', options: ['Có', 'Không'] },
    { text: 'Câu hai?', options: ['Có', 'Không'] },
  ]);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('a new deployment reaches the app', () => {
  let context: BrowserContext | undefined;
  let site: ReturnType<typeof deployment> | undefined;
  const open = async () => {
    site = deployment({ A: buildCopy('A', false), B: buildCopy('B', true) });
    const origin = await site.start();
    context = await browser.newContext(PHONE);
    return { origin, page: await context.newPage() };
  };
  const close = async () => {
    await context?.close();
    await site?.stop();
  };

  it('installs the new build in the background, keeps the old one through an attempt, takes over on the next visit outside one', async () => {
    const { origin, page } = await open();
    try {
      await page.goto(`${origin}/contests/${contestId}`);
      await untilControlled(page);
      expect(await buildOf(page)).toBe('A');

      // In an attempt when the deploy lands: B installs and waits.
      const attemptId = await startAttempt(page, '0912300001');
      await page.locator('label[data-testid=option]').first().tap();
      site!.state.current = 'B';
      expect(await untilNewWorkerWaits(page)).toBe(true);
      // A new visit in the middle of the attempt (the phone reopened the tab): still build A, B still waiting.
      await page.goto(`${origin}/attempts/${attemptId}`);
      await page.getByTestId('question').waitFor();
      expect(await buildOf(page)).toBe('A');
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting !== null)).toBe(true);
      expect(await page.locator('label[data-testid=option] input:checked').count()).toBe(1);

      // The next visit outside an attempt: B takes over (one reload from the precache).
      await page.goto(`${origin}/contests/${contestId}`);
      await expect.poll(() => buildOf(page), { timeout: WAIT }).toBe('B');
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting)).toBeNull();
      // Offline, the precache now holds B.
      await context!.setOffline(true);
      await page.reload();
      expect(await buildOf(page)).toBe('B');
    } finally {
      await close();
    }
  });

  it('an app the API refuses as out of date (426 APP_OUTDATED) reloads into the new build; the attempt comes back from the device', async () => {
    const { origin, page } = await open();
    try {
      await page.goto(`${origin}/contests/${contestId}`);
      await untilControlled(page);
      const attemptId = await startAttempt(page, '0912300002');
      const option = (n: number) => page.locator('label[data-testid=option]').nth(n);
      // Answers go to the server in batches, at once on reaching the review (save-cadence.ts).
      await option(0).tap();
      await page.getByTestId('next').tap();
      await page.getByTestId('next').tap();
      await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: WAIT }).toBe('saved');

      // A breaking deploy: build B is served and the API refuses build A.
      site!.state.current = 'B';
      site!.state.refuseOldApps = true;
      await page.getByTestId('prev').tap();
      await option(1).tap();
      await page.getByTestId('next').tap();
      // The refused save makes the app update and reload, in the attempt, into build B.
      await expect.poll(() => buildOf(page), { timeout: WAIT }).toBe('B');
      site!.state.refuseOldApps = false;
      expect(new URL(page.url()).pathname).toBe(`/attempts/${attemptId}`);
      await page.getByTestId('submit-attempt').waitFor();
      // Both answers are on the device, the one refused included: build B has them (and sends the
      // second with its next save or the submit, whether or not it already has).
      const kept = await page.evaluate((id) => JSON.parse(localStorage.getItem(`cthi.attempt.${id}`)!) as { answers: Record<string, string[]> }, attemptId);
      expect(Object.keys(kept.answers)).toHaveLength(2);
    } finally {
      await close();
    }
  });
});
