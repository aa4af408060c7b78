// Issue 14: organizers print award certificates for the winners in one go, and the award list, as
// Vietnamese administrative documents (Decree 30/2020/NĐ-CP): the issuing body under its superior
// body, the national title and motto, place and date, a signature block; A4, one certificate per
// sheet; nothing of the console's chrome in print. Checked on the print media in Chromium.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { launchBrowser, staffSignIn } from '../helpers/browser.ts';
import { attemptApi, createOpenContest, createUnit, expectStatus, startAttempt, type Api, type PublicQuestion } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const LAPTOP = { viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' } as const;
const ISSUER = {
  parentBody: 'UBND xã Đăk Hà',
  body: 'Ban Tổ chức cuộc thi',
  place: 'Tu Mơ Rông',
  signerTitle: 'TM. Ban Tổ chức - Trưởng ban',
  signerName: 'A Văn Thịnh',
};
const PEOPLE = [
  { fullName: 'Y Thị Hoa', phone: '0912500001', right: 3 },
  { fullName: 'A Văn Đức', phone: '0912500002', right: 2 },
  { fullName: 'Đinh Thị Ngọc Ánh', phone: '0912500003', right: 1 },
];

let server: Stack;
let browser: Browser;
let api: Api;
let token: string;
let contestId: string;

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
  const unitId = await createUnit(api, token, 'Chi hội Nông dân thôn Kon Hia', 120);
  const { id, key } = await createOpenContest(api, token, { unitIds: [unitId], bank: 3, questionsPerAttempt: 3, maxAttempts: 1, title: 'Tìm hiểu pháp luật năm 2026' });
  contestId = id;
  for (const p of PEOPLE) {
    const start = await startAttempt(api, contestId, { fullName: p.fullName, phone: p.phone, unitId, village: null });
    expectStatus(start, 201);
    const answers = key.answers(start.body.questions as PublicQuestion[], p.right);
    expectStatus(await attemptApi(api, start.body.attemptId, start.body.attemptToken).submit({ answers }), 200);
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function openAwards(page: Page): Promise<void> {
  await staffSignIn(page, server.baseUrl, ADMIN);
  await page.goto(`${server.baseUrl}/admin/contests/${contestId}/awards`);
  await page.getByTestId('award-people').waitFor();
}

/** Whether the document's style sheets hold an A4 @page rule. */
const hasA4PageRule = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.styleSheets).some((sheet) => {
      try {
        return Array.from(sheet.cssRules).some((r) => r instanceof CSSPageRule && /\bA4\b/i.test(r.cssText));
      } catch {
        return false;
      }
    }),
  );

describe('award certificates and the printed award list', () => {
  it('sets the issuer, then prints one A4 certificate per winner with the national title, motto, issuer and signer, and no console chrome', async () => {
    const context = await browser.newContext(LAPTOP);
    const page = await context.newPage();
    try {
      await openAwards(page);
      await expect.poll(() => page.getByTestId('award-person').count(), { timeout: 15_000 }).toBe(3);
      await page.getByTestId('issuer-missing').waitFor();

      // The issuing body and signer, saved on the contest.
      for (const [k, v] of Object.entries(ISSUER)) await page.fill(`[data-testid=issuer-${k}]`, v);
      await page.getByTestId('issuer-save').click();
      await expect.poll(() => page.getByTestId('issuer-message').textContent(), { timeout: 15_000 }).toMatch(/Đã lưu/);
      expect((await api.get(`/api/admin/contests/${contestId}`, token)).body.issuer).toEqual(ISSUER);

      // Two winners: two certificates.
      await page.getByTestId('award-n').fill('2');
      await expect.poll(() => page.getByTestId('award-person').count()).toBe(2);
      await page.getByTestId('view-certs').check();
      const certs = page.getByTestId('award-certificate');
      await expect.poll(() => certs.count()).toBe(2);
      expect(await page.getByTestId('cert-name').allTextContents()).toEqual(['Y Thị Hoa', 'A Văn Đức']);

      await page.emulateMedia({ media: 'print' });
      expect(await hasA4PageRule(page)).toBe(true);
      // One per sheet: each certificate but the last breaks the page after it, on the A4 "award" page.
      const breaks = await certs.evaluateAll((els) => els.map((e) => [getComputedStyle(e).breakAfter, getComputedStyle(e).page]));
      expect(breaks).toEqual([
        ['page', 'award'],
        ['auto', 'award'],
      ]);
      for (let i = 0; i < 2; i++) {
        const cert = certs.nth(i);
        expect(await cert.getByTestId('doc-nation').textContent()).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
        expect(await cert.getByTestId('doc-motto').textContent()).toBe('Độc lập - Tự do - Hạnh phúc');
        expect((await cert.getByTestId('doc-issuer').innerText()).split(/\n+/)).toEqual(['UBND XÃ ĐĂK HÀ', 'BAN TỔ CHỨC CUỘC THI']);
        expect(await cert.getByTestId('doc-date').textContent()).toMatch(/^\s*Tu Mơ Rông, ngày \d\d tháng \d\d? năm 20\d\d\s*$/);
        expect(await cert.getByTestId('doc-signer-title').innerText()).toBe('TM. BAN TỔ CHỨC - TRƯỞNG BAN');
        expect(await cert.getByTestId('doc-signer-name').textContent()).toBe('A Văn Thịnh');
        expect(await cert.textContent()).toContain('GIẤY KHEN');
        expect(await cert.textContent()).toContain('Tìm hiểu pháp luật năm 2026');
        // No round was given: none is printed.
        expect(await cert.getByTestId('cert-round').count()).toBe(0);
      }
      expect(await certs.nth(1).textContent()).toContain('2/3 câu trả lời đúng');
      // The console's chrome stays off the paper: bar, tabs, heading, status badge, controls.
      for (const selector of ['.staff-bar', 'nav.tabs', '[data-testid=contest-heading]', '[data-testid=contest-status]', '[data-testid=issuer-form]', '[data-testid=print-certificates]']) {
        expect(await page.locator(selector).first().isVisible(), selector).toBe(false);
      }
      const pdf = await page.pdf({ preferCSSPageSize: true });
      // Two certificates, two A4 pages.
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(2);

      // The award list in print: the same document head and signature around the table, the title once.
      await page.emulateMedia({ media: 'screen' });
      await page.getByTestId('view-list').check();
      await page.emulateMedia({ media: 'print' });
      const list = page.getByTestId('award-list');
      expect(await list.getByTestId('doc-nation').isVisible()).toBe(true);
      expect(await list.getByTestId('doc-motto').isVisible()).toBe(true);
      expect(await list.getByTestId('doc-signer-name').textContent()).toBe('A Văn Thịnh');
      expect(await list.textContent()).toContain('DANH SÁCH KHEN THƯỞNG');
      // The contest is still open: the printed list says it is provisional, under its title.
      expect(await list.getByTestId('list-provisional').isVisible()).toBe(true);
      expect(await page.getByTestId('awards-provisional').isVisible()).toBe(false);
      expect(await page.getByTestId('award-people').isVisible()).toBe(true);
      expect(await page.getByTestId('award-certificates').count()).toBe(0);
      expect(await page.getByTestId('contest-heading').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });
    } finally {
      await context.close();
    }
  });
});
