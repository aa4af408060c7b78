// Registration with the proof of work switched on (START_POW_BITS=12, the AWS setting): the app
// reads startProofBits from the contest, computes the proof with WebCrypto in a 360 px Chromium,
// sends X-Start-Proof, and the person lands on the first question as usual.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, PHONE } from '../helpers/browser.ts';
import { startServer, type LocalServer } from '../helpers/server.ts';

let server: LocalServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ env: { START_POW_BITS: '12' } }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it('computes and sends the proof, and starts the attempt', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const proofs: (string | undefined)[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/api\/contests\/[^/]+\/attempts$/.test(new URL(r.url()).pathname)) proofs.push(r.headers()['x-start-proof']);
  });
  await page.goto(`${server.baseUrl}/contests/cchc-2024`);
  await page.getByTestId('start').tap();
  await page.fill('[name=fullName]', 'Y Thị Hoa');
  await page.fill('[name=phone]', '+84 935 111 222');
  await page.selectOption('[name=unitId]', { index: 1 });
  await page.selectOption('[name=village]', { index: 1 });
  await page.check('[name=consent]');
  await page.getByTestId('start-attempt').tap();
  await page.waitForURL(/\/attempts\/[^/]+$/);
  await page.getByTestId('question').waitFor();
  expect(proofs).toHaveLength(1);
  expect(proofs[0]).toMatch(/^\d{10}:\d+$/);
  await context.close();
});
