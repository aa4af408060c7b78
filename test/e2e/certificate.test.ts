// Issue 14: after a scored attempt the participant saves (or shares) a certificate of
// participation as an image: name, unit, contest, date, score, with Vietnamese diacritics drawn.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certVi } from '../../web/src/lib/i18n/cert-vi.ts';
import { apiClient } from '../helpers/api.ts';
import { createUnit, publishContest } from '../helpers/contest.ts';
import { launchBrowser, PHONE } from '../helpers/browser.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const root = resolve(import.meta.dirname, '..', '..');
const NAME = 'Nguyễn Thị Hằng';
const UNIT = 'Hội Liên hiệp Phụ nữ';
const TITLE = 'Tìm hiểu cải cách hành chính năm 2024';

let server: Stack;
let browser: Browser;
let contestId: string;
let unitId: string;

beforeAll(async () => {
  server = await sharedServer();
  const api = apiClient(server.baseUrl);
  const token = await api.login(ADMIN.email, ADMIN.password);
  unitId = await createUnit(api, token, UNIT, 120);
  contestId = await publishContest(api, token, { title: TITLE, questionsPerAttempt: 2, maxAttempts: 2, unitIds: [unitId] }, [
    { text: 'Câu 1?', options: ['Đúng 1', 'Sai 1'] },
    { text: 'Câu 2?', options: ['Đúng 2', 'Sai 2'] },
  ]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/**
 * The certificate module bundled on its own (it imports nothing) and loaded into the page, with a
 * translation function over the Vietnamese catalog: what the app's button runs.
 */
async function loadModule(page: Page): Promise<void> {
  const built = await build({ entryPoints: [join(root, 'web/src/lib/certificate.ts')], bundle: true, format: 'iife', globalName: 'certificate', write: false, target: 'es2022' });
  await page.addScriptTag({ content: built.outputFiles[0]!.text });
  await page.addScriptTag({
    content: `window.vi = ${JSON.stringify(certVi)}; window.t = (k, p) => window.vi[k].replace(/\\{(\\w+)\\}/g, (m, n) => (p && n in p ? String(p[n]) : m));`,
  });
}

/** PNG bytes of the certificate drawn in the page for these data. */
async function drawn(page: Page, data: Record<string, unknown>): Promise<Buffer> {
  const b64 = await page.evaluate(async (d) => {
    const w = window as any;
    const file: File = await w.certificate.certificateFile(d, w.t);
    const bytes = new Uint8Array(await file.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, data);
  return Buffer.from(b64, 'base64');
}

/** A hash of the pixels of the name's band of the certificate. */
function nameBand(page: Page, fullName: string): Promise<string> {
  return page.evaluate((fullName) => {
    const w = window as any;
    const canvas: HTMLCanvasElement = w.certificate.drawCertificate({ fullName, contestTitle: 'T', submittedAt: '2026-12-03T03:00:00Z', correctCount: 1, questionCount: 2 }, w.t);
    const data = canvas.getContext('2d')!.getImageData(200, 450, 1200, 180).data;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) hash = (hash * 31 + data[i]! + data[i + 1]! * 7 + data[i + 2]! * 13) >>> 0;
    return String(hash);
  }, fullName);
}

describe('certificate of participation', () => {
  it('is saved from the result page with the name, unit, contest and score', async () => {
    // bypassCSP: the test adds the module as an inline script.
    const context = await browser.newContext({ ...PHONE, acceptDownloads: true, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/contests/${contestId}`);
    await page.getByTestId('start').tap();
    await page.fill('[name=fullName]', NAME);
    await page.fill('[name=phone]', '0987654321');
    await page.selectOption('[name=unitId]', unitId);
    await page.check('[name=consent]');
    await page.getByTestId('start-attempt').tap();
    await page.getByTestId('question').waitFor();
    for (let i = 0; i < 2; i++) {
      await page.locator('label[data-testid=option]').filter({ hasText: /Đúng/ }).tap();
      await page.getByTestId('next').tap();
    }
    // The unit's name arrives with the contest, read again once the result shows: on a loaded
    // machine that read can start after the network first looks idle, so wait for it by name.
    const contestRead = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/contests/${contestId}` && r.request().method() === 'GET');
    await page.getByTestId('submit-attempt').tap();
    await page.getByTestId('result-correct').waitFor();
    await contestRead;
    await page.waitForLoadState('networkidle');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('certificate').tap()]);
    expect(download.suggestedFilename()).toBe('giay-chung-nhan-Nguyen-Thi-Hang.png');
    const saved = readFileSync((await download.path())!);
    expect(saved.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([saved.readUInt32BE(16), saved.readUInt32BE(20)]).toEqual([1600, 1131]);
    await page.getByTestId('certificate-saved').waitFor();

    // The file is the certificate of exactly these data: drawn again in the page, byte for byte.
    await loadModule(page);
    const attemptId = new URL(page.url()).pathname.split('/').pop()!;
    const submittedAt = await page.evaluate((id) => JSON.parse(localStorage.getItem(`cthi.attempt.${id}`)!).result.submittedAt as string, attemptId);
    const expected = await drawn(page, { fullName: NAME, unitName: UNIT, contestTitle: TITLE, submittedAt, correctCount: 2, questionCount: 2 });
    expect(saved.equals(expected)).toBe(true);
    const otherName = await drawn(page, { fullName: 'Nguyễn Thị Hồng', unitName: UNIT, contestTitle: TITLE, submittedAt, correctCount: 2, questionCount: 2 });
    expect(saved.equals(otherName)).toBe(false);
    await context.close();
  });

  it('draws Vietnamese diacritics as glyphs: neither dropped nor boxes', async () => {
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${server.baseUrl}/`);
    await loadModule(page);
    const withMarks = await nameBand(page, 'Nguyễn Thị Hằng');
    const without = await nameBand(page, 'Nguyen Thi Hang');
    // U+E000 has no glyph in any font: where a font lacks Vietnamese, ễ ị ằ would look like this.
    const boxes = await nameBand(page, 'Nguy\uE000n Th\uE000 H\uE000ng');
    expect(withMarks).not.toBe(without);
    expect(withMarks).not.toBe(boxes);
    await page.close();
  });
});
