// The staff side in Chromium against the real local stack (what `npm start` runs): an
// organizer builds a contest from question files, publishes, watches participants arrive
// (driven through the API), closes and downloads the ranking (read back with exceljs); the
// Fatherland Front observer sees the right per-unit rates and no phone number; roles are
// enforced; the session survives a reload and ends cleanly. axe-core runs on every screen.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { launchBrowser, PHONE, staffSignIn } from '../helpers/browser.ts';
import { AnswerKey, attemptApi, startAttempt, type Api, type PublicQuestion } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

const ORGANIZER = { email: 'to.chuc@example.com', password: 'ToChuc@2024xa', role: 'organizer' };
const OBSERVER = { email: 'mat.tran@example.com', password: 'MatTran@2024xa', role: 'observer' };
const LAPTOP = { viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Europe/London' } as const;
const UNITS = { farmers: 'hoi-nong-dan', women: 'hoi-phu-nu', youth: 'doan-thanh-nien' } as const;
const MEMBERS: Record<string, number> = { 'hoi-nong-dan': 420, 'hoi-phu-nu': 380, 'doan-thanh-nien': 260 };
const TITLE = 'Tìm hiểu cải cách hành chính năm 2025 (kiểm thử)';

interface Person {
  fullName: string;
  phone: string;
  unitId: string;
  village: string;
  right: number;
  prediction?: number;
}
// Final ranking by the contest's rule: correct answers, then prediction error, then time.
const PEOPLE: Person[] = [
  { fullName: 'Nguyễn Văn An', phone: '0912 000 101', unitId: UNITS.farmers, village: 'Thôn Đắk Chum 1', right: 3, prediction: 4 },
  { fullName: 'Trần Thị Bình', phone: '0912.000.102', unitId: UNITS.women, village: 'Thôn Kon Hia', right: 2, prediction: 10 },
  { fullName: 'Lê Văn Cường', phone: '+84 912 000 103', unitId: UNITS.farmers, village: 'Thôn Đắk Chum 1', right: 2, prediction: 4 },
  { fullName: 'Phạm Thị Dung', phone: '0912000104', unitId: UNITS.youth, village: 'Thôn Kon Hia', right: 1 },
];
const EXPECTED_ORDER = ['Nguyễn Văn An', 'Lê Văn Cường', 'Trần Thị Bình', 'Phạm Thị Dung'];

let server: Stack;
let browser: Browser;
let api: Api;
let adminToken: string;
let contestId: string;
const downloads = mkdtempSync(join(tmpdir(), 'staff-e2e-'));
const axeReport: string[] = [];

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  adminToken = await api.login(ADMIN.email, ADMIN.password);
  for (const u of [ORGANIZER, OBSERVER]) {
    const res = await api.post('/api/admin/users', u, adminToken);
    expect(res.status, res.text).toBe(201);
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  if (axeReport.length) console.info(`axe (serious/critical violations per staff screen):\n${axeReport.join('\n')}`);
  await browser?.close();
  rmSync(downloads, { recursive: true, force: true });
});

async function open(options: Parameters<Browser['newContext']>[0] = LAPTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  return { context, page };
}

async function axe(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  axeReport.push(`  ${screen}: ${serious.length} (${result.violations.length} of any impact, ${result.passes.length} rules passed)`);
  expect(serious).toEqual([]);
}

const signIn = (page: Page, who: { email: string; password: string }) => staffSignIn(page, server.baseUrl, who);

/** Waits for a condition (vitest's own default gives up after 1 s). */
const poll = <T>(read: () => T | Promise<T>, timeout = 15_000) => expect.poll(read, { timeout, interval: 100 });

/** The wall-clock time in Vietnam, as a datetime-local value. */
const vnInput = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);

async function questionFileXlsx(rows: (string | undefined)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Câu hỏi');
  ws.addRow(['STT', 'Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án C', 'Đáp án D', 'Đáp án đúng', 'Chủ đề']);
  rows.forEach((r, i) => ws.addRow([i + 1, ...r]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const GOOD_QUESTIONS = [
  ['Bộ phận Một cửa của xã làm gì?', 'Tiếp nhận hồ sơ, trả kết quả', 'Xét xử tranh chấp', 'Thu thuế', 'Cấp bằng lái', 'A', 'Một cửa'],
  ['Nộp hồ sơ trực tuyến ở đâu?', 'Cổng Dịch vụ công quốc gia', 'Chợ xã', 'Nhà văn hóa thôn', 'Trạm y tế', 'A', 'Dịch vụ công'],
  ['Những cách nào để nộp hồ sơ?', 'Trực tiếp', 'Trực tuyến', 'Qua bưu chính công ích', 'Gọi điện cho trưởng thôn', 'A, B, C', 'Một cửa'],
  ['Phản ánh, kiến nghị về thủ tục hành chính gửi đến đâu?', 'Cơ quan có thẩm quyền theo quy định', 'Không gửi được', 'Chỉ gửi qua thư tay', 'Chỉ nói miệng', 'A', 'Phản ánh'],
  ['Kết quả thủ tục có thể nhận qua bưu điện không?', 'Có', 'Không', 'Chỉ ở thành phố', 'Chỉ cho doanh nghiệp', 'A', 'Bưu chính'],
];

// Row 2: no option B; row 3: a correct answer that is not a letter; row 4 is fine (row 1 is the header).
const BAD_CSV = ['Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng', 'Câu thiếu đáp án?,Có,,A', 'Câu sai đáp án đúng?,Có,Không,Z', 'Câu đúng?,Có,Không,A', ''].join('\r\n');

async function questionCount(): Promise<number> {
  const res = await api.get(`/api/admin/contests/${contestId}/questions`, adminToken);
  expect(res.status, res.text).toBe(200);
  return res.body.items.length;
}

/** Waits until the server's live statistics count `n` participants (the stream consumer caught up). */
async function serverCounts(n: number): Promise<void> {
  await poll(async () => (await api.get(`/api/admin/contests/${contestId}/stats`, adminToken)).body.participants).toBe(n);
}

async function takePart(p: Person): Promise<void> {
  const key = await AnswerKey.load(api, contestId, adminToken);
  const { fullName, phone, unitId, village } = p;
  const start = await startAttempt(api, contestId, { fullName, phone, unitId, village });
  expect(start.status, start.text).toBe(201);
  const a = start.body as { attemptId: string; attemptToken: string; questions: PublicQuestion[] };
  const submit = await attemptApi(api, a.attemptId, a.attemptToken).submit({
    answers: key.answers(a.questions, p.right),
    ...(p.prediction === undefined ? {} : { prediction: p.prediction }),
  });
  expect(submit.status, submit.text).toBe(200);
  expect(submit.body.correctCount).toBe(p.right);
}

describe('organizer console', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ context, page } = await open());
    // Time flows as usual; the live monitor test jumps it over the monitor's 10 s refresh.
    await context.clock.install();
  });
  afterAll(async () => {
    await context?.close();
  });

  it('signs in and creates a contest with its times in Vietnam time', async () => {
    await page.goto(`${server.baseUrl}/admin`);
    await page.getByTestId('staff-login').waitFor();
    await axe(page, 'sign-in');
    await page.fill('[name=email]', ORGANIZER.email);
    await page.fill('[name=password]', 'wrong password');
    await page.getByTestId('login-submit').click();
    await poll(() => page.getByTestId('login-error').textContent()).toMatch(/không đúng/);

    await signIn(page, ORGANIZER);
    await page.waitForURL(/\/admin\/contests$/);
    await page.getByTestId('contest-list').waitFor();
    await axe(page, 'contest list');
    // An organizer's navigation has no admin screens.
    expect(await page.getByTestId('nav-units').count()).toBe(0);
    expect(await page.getByTestId('nav-users').count()).toBe(0);

    await page.getByTestId('new-contest').click();
    await page.getByTestId('contest-form').waitFor();
    await axe(page, 'contest editor (new)');
    const startMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
    const endMs = startMs + 3 * 3_600_000;
    const form = page.getByTestId('contest-form');
    await form.locator('[name=title]').fill(TITLE);
    await form.locator('[name=description]').fill('Cuộc thi dành cho hội viên các đoàn thể.');
    await form.locator('[name=rules]').fill('Mỗi người thi tối đa 2 lượt.\nTính lượt cao nhất.');
    await form.locator('[name=startsAt]').fill(vnInput(startMs));
    await form.locator('[name=endsAt]').fill(vnInput(endMs));
    await form.locator('[name=questionsPerAttempt]').fill('3');
    await form.locator('[name=timeLimitMin]').fill('5');
    await form.locator('[name=maxAttempts]').fill('2');
    await page.getByRole('button', { name: 'Bỏ chọn tất cả' }).click();
    for (const id of Object.values(UNITS)) await page.check(`input[name=unitIds][value=${id}]`);
    await form.locator('[name=villages]').fill('Thôn Đắk Chum 1\nThôn Kon Hia\n');
    await form.locator('[name=usePrediction]').check();
    await page.check('input[name=showAnswers][value=after_close]');
    await page.getByTestId('save-contest').click();

    await page.waitForURL(/\/admin\/contests\/[^/]+\/questions$/);
    contestId = decodeURIComponent(new URL(page.url()).pathname.split('/')[3]!);
    await poll(() => page.getByTestId('notice').textContent()).toMatch(/Đã tạo cuộc thi/);
    const stored = await api.get(`/api/admin/contests/${contestId}`, adminToken);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      title: TITLE,
      status: 'draft',
      questionsPerAttempt: 3,
      timeLimitSec: 300,
      maxAttempts: 2,
      villages: ['Thôn Đắk Chum 1', 'Thôn Kon Hia'],
      showAnswers: 'after_close',
      prediction: { prompt: expect.any(String) },
    });
    expect([...stored.body.unitIds].sort()).toEqual(Object.values(UNITS).sort());
    // Typed as Vietnam wall-clock time in a browser set to London: the same instants.
    expect(Date.parse(stored.body.startsAt)).toBe(startMs);
    expect(Date.parse(stored.body.endsAt)).toBe(endMs);
  });

  it('imports a file with errors (nothing stored), then a good one after its preview; edits and deletes', async () => {
    await page.getByTestId('import-panel').waitFor();
    await axe(page, 'question bank (empty)');

    await page.getByTestId('import-file').setInputFiles({ name: 'cau-hoi-loi.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
    await page.getByTestId('import-errors').waitFor();
    const rows = page.getByTestId('import-error');
    expect(await rows.count()).toBe(2);
    // Rows as Excel shows them: the header is row 1.
    expect(await rows.nth(0).getAttribute('data-row')).toBe('2');
    expect(await rows.nth(1).getAttribute('data-row')).toBe('3');
    expect(await rows.nth(1).textContent()).toMatch(/Z/);
    await axe(page, 'import errors');
    expect(await questionCount()).toBe(0);

    await page.getByRole('button', { name: 'Chọn tệp khác' }).click();
    const xlsx = await questionFileXlsx(GOOD_QUESTIONS);
    await page.getByTestId('import-file').setInputFiles({
      name: 'ngan-hang-cau-hoi.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx,
    });
    await page.getByTestId('import-preview').waitFor();
    expect(await page.getByTestId('preview-row').count()).toBe(5);
    expect(await page.getByTestId('import-preview').textContent()).toContain('A, B, C');
    await axe(page, 'import preview');
    expect(await questionCount()).toBe(0); // a preview stores nothing
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-done').waitFor();
    await poll(() => page.getByTestId('question-item').count()).toBe(5);
    expect(await questionCount()).toBe(5);

    // Edit the first question in place.
    const first = page.getByTestId('question-item').first();
    await first.getByTestId('edit').click();
    await page.getByTestId('edit-question').locator('[name=text]').fill('Bộ phận Một cửa của Ủy ban nhân dân xã làm gì?');
    await page.getByTestId('edit-question').getByTestId('question-submit').click();
    await poll(() => page.getByTestId('question-item').first().textContent()).toContain('Bộ phận Một cửa của Ủy ban nhân dân xã làm gì?');

    // Add one with the form, then delete it after a confirmation.
    await page.locator('summary', { hasText: 'Thêm một câu hỏi' }).click();
    const add = page.getByTestId('add-question');
    await add.locator('[name=text]').fill('Câu hỏi thêm bằng tay?');
    const options = add.locator('[name=option]');
    await options.nth(0).fill('Đúng');
    await options.nth(1).fill('Sai');
    await options.nth(2).fill('Không biết');
    await options.nth(3).fill('Có thể');
    await add.locator('[name=correct]').first().check();
    await add.getByTestId('question-submit').click();
    await poll(() => page.getByTestId('question-item').count()).toBe(6);
    await axe(page, 'question bank');
    await page.getByTestId('question-item').last().getByTestId('delete').click();
    await page.getByTestId('confirm-delete').waitFor({ state: 'visible' });
    await page.getByTestId('confirm-delete').getByTestId('confirm-ok').click();
    await poll(() => page.getByTestId('question-item').count()).toBe(5);
    expect(await questionCount()).toBe(5);
    const bank = (await api.get(`/api/admin/contests/${contestId}/questions`, adminToken)).body.items;
    expect(bank[0].text).toBe('Bộ phận Một cửa của Ủy ban nhân dân xã làm gì?');

    // The template downloads and carries the Vietnamese headers.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template-xlsx').click()]);
    const file = join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.getRow(1).getCell(1).value).toBe('Câu hỏi');
  });

  it('publishes after a confirmation that says what will happen', async () => {
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('contest-actions').waitFor();
    await axe(page, 'contest editor (draft)');
    await page.getByTestId('publish').click();
    const dialog = page.getByTestId('confirm-publish');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.textContent()).toMatch(/khóa/);
    await axe(page, 'publish confirmation');
    await dialog.getByTestId('confirm-ok').click();
    await poll(() => page.getByTestId('contest-status').getAttribute('data-phase')).toBe('open');
    expect((await api.get(`/api/admin/contests/${contestId}`, adminToken)).body.status).toBe('published');
    // Locked fields are disabled; the rules are still editable.
    expect(await page.getByTestId('contest-form').locator('[name=questionsPerAttempt]').isDisabled()).toBe(true);
    expect(await page.getByTestId('contest-form').locator('[name=rules]').isDisabled()).toBe(false);
  });

  it('watches participants arrive on the live monitor without reloading', async () => {
    await takePart(PEOPLE[0]!);
    await takePart(PEOPLE[1]!);
    await serverCounts(2);
    await page.getByTestId('tab-monitor').click();
    await poll(() => page.getByTestId('monitor-participants').textContent()).toBe('2');
    await axe(page, 'live monitor');
    await takePart(PEOPLE[2]!);
    await takePart(PEOPLE[3]!);
    // The monitor refreshes itself (every 10 s): no click, no reload. Once the server counts the
    // two newcomers, the phone's clock jumps the 10 s instead of waiting them out.
    await serverCounts(4);
    await page.clock.fastForward(10_000);
    await poll(() => page.getByTestId('monitor-participants').textContent()).toBe('4');
    await poll(() => page.getByTestId('monitor-attempts').textContent()).toBe('4');
    const farmers = page.locator(`[data-testid=monitor-units] [data-unit=${UNITS.farmers}] [data-testid=unit-participants]`);
    expect(await farmers.textContent()).toBe('2');
    expect(await page.getByTestId('village-row').count()).toBe(2);
  });

  it('shows a sortable, searchable ranking', async () => {
    await page.getByTestId('tab-results').click();
    await page.getByTestId('results-table').waitFor();
    expect(await page.getByTestId('result-row').count()).toBe(4);
    await axe(page, 'results');
    await page.getByTestId('results-search').fill('cuong');
    await poll(() => page.getByTestId('result-row').count()).toBe(1);
    expect(await page.getByTestId('result-row').textContent()).toContain('Lê Văn Cường');
    await page.getByTestId('results-search').fill('');
    await page.getByTestId('sort-fullName').click();
    const names = await page.locator('[data-testid=result-row] [data-col=fullName]').allTextContents();
    // By given name (An, Bình, Cường, Dung), not by family name.
    expect(names).toEqual(['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung']);
    expect(await page.locator('th', { has: page.getByTestId('sort-fullName') }).getAttribute('aria-sort')).toBe('ascending');
  });

  it('closes after a confirmation (a job) and downloads the final ranking as .xlsx, the export surviving a reload', async () => {
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('close-contest').click();
    const dialog = page.getByTestId('confirm-close');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.textContent()).toMatch(/không hoàn tác/);
    await axe(page, 'close confirmation');
    await dialog.getByTestId('confirm-ok').click();
    // The close runs as a job: a progress bar, then the notice once it is done.
    await poll(() => page.getByTestId('notice').textContent(), 60_000).toMatch(/Đã đóng cuộc thi/);
    await poll(() => page.getByTestId('contest-status').getAttribute('data-phase')).toBe('closed');

    await page.getByTestId('tab-results').click();
    await poll(() => page.getByTestId('results-kind').textContent()).toMatch(/chung cuộc/);
    await page.getByTestId('export-xlsx').click();
    // The file is made by a job (a progress bar, or already its link); a reload in the meantime finds it again.
    await page.getByTestId('export-job').waitFor({ state: 'visible' });
    await page.reload();
    const link = page.getByTestId('export-job-download');
    await link.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await link.textContent()).toMatch(/Excel/);
    await axe(page, 'export ready');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = join(downloads, 'ket-qua.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Hạng');
    const ranked: { rank: number; name: string; correct: number }[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) ranked.push({ rank: Number(row.getCell(1).value), name: String(row.getCell(2).value), correct: Number(row.getCell(6).value) });
    });
    expect(ranked.map((r) => r.name)).toEqual(EXPECTED_ORDER);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(ranked.map((r) => r.correct)).toEqual([3, 2, 2, 1]);
  });

  it('prints an award list of the top N and the units by participation rate', async () => {
    await page.getByTestId('tab-awards').click();
    await page.getByTestId('award-people').waitFor();
    await page.getByTestId('award-n').fill('2');
    await poll(() => page.getByTestId('award-person').count()).toBe(2);
    expect(await page.locator('[data-testid=award-person] th').allTextContents()).toEqual(EXPECTED_ORDER.slice(0, 2));
    const units = await page.locator('[data-testid=award-units] [data-testid=unit-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-unit')));
    expect(units).toEqual([UNITS.farmers, UNITS.youth, UNITS.women]); // 2/420 > 1/260 > 1/380
    await axe(page, 'award list');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.staff-bar').isVisible()).toBe(false);
    expect(await page.getByTestId('award-n').isVisible()).toBe(false);
    expect(await page.getByTestId('award-people').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await page.emulateMedia({ media: 'screen' });
  });

  it('builds a share kit with a link and a QR code per unit', async () => {
    await page.getByTestId('tab-share').click();
    await page.getByTestId('share-kit').waitFor();
    await poll(() => page.getByTestId('share-qr').count(), 15_000).toBe(4);
    const urls = await page.getByTestId('share-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-url')));
    expect(urls).toContain(`${server.baseUrl}/contests/${contestId}?unit=${UNITS.farmers}`);
    expect(urls).toContain(`${server.baseUrl}/contests/${contestId}`);
    expect(await page.getByTestId('share-qr').first().getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await axe(page, 'share kit');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.staff-bar').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
  });
});

describe('roles and the session', () => {
  it('an organizer cannot open admin screens', async () => {
    const { context, page } = await open();
    await signIn(page, ORGANIZER);
    for (const path of ['/admin/units', '/admin/users']) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByTestId('staff-forbidden').waitFor();
      expect(await page.getByTestId('units-page').count()).toBe(0);
      expect(await page.getByTestId('users-page').count()).toBe(0);
    }
    await axe(page, 'forbidden');
    await context.close();
  });

  it('keeps the session across a reload and ends it at expiresAt or on a 401', async () => {
    const { context, page } = await open();
    await signIn(page, ORGANIZER);
    await page.reload();
    await page.getByTestId('staff-who').waitFor();
    expect(await page.getByTestId('staff-login').count()).toBe(0);

    const saved = JSON.parse((await page.evaluate(() => localStorage.getItem('cthi.staff.session')))!);
    expect(saved.role).toBe('organizer');
    // Past its expiresAt: back to the sign-in screen, told why.
    await page.evaluate((s) => localStorage.setItem('cthi.staff.session', JSON.stringify({ ...s, expiresAt: new Date(Date.now() - 1000).toISOString() })), saved);
    await page.reload();
    await page.getByTestId('session-expired').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('cthi.staff.session'))).toBeNull();

    // A token the server refuses (401) also ends it.
    await page.evaluate((s) => localStorage.setItem('cthi.staff.session', JSON.stringify({ ...s, token: 'not-a-token' })), saved);
    await page.goto(`${server.baseUrl}/admin/contests`);
    await page.getByTestId('session-expired').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('cthi.staff.session'))).toBeNull();

    // It also expires by itself while the page stays open.
    await signIn(page, ORGANIZER);
    const soon = await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('cthi.staff.session')!);
      localStorage.setItem('cthi.staff.session', JSON.stringify({ ...s, expiresAt: new Date(Date.now() + 1500).toISOString() }));
      return true;
    });
    expect(soon).toBe(true);
    await page.reload();
    await page.getByTestId('staff-who').waitFor();
    await page.getByTestId('session-expired').waitFor({ timeout: 10_000 });

    // Signing out forgets the token.
    await signIn(page, ORGANIZER);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('staff-login').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('cthi.staff.session'))).toBeNull();
    await context.close();
  });

  it('an admin edits units and creates accounts', async () => {
    const { context, page } = await open();
    await signIn(page, ADMIN);
    await page.getByTestId('nav-units').click();
    await page.getByTestId('units-table').waitFor();
    await axe(page, 'units');
    const add = page.getByTestId('add-unit');
    await add.locator('[name=name]').fill('Hội Người cao tuổi xã');
    await add.locator('[name=memberCount]').fill('60');
    await add.getByRole('button', { name: 'Thêm đơn vị' }).click();
    const row = page.locator('[data-testid=unit-edit-row][data-name="Hội Người cao tuổi xã"]');
    await row.waitFor();
    await row.locator('input[type=number]').fill('65');
    await row.getByTestId('save-unit').click();
    await poll(async () => ((await api.get('/api/units')).body.items as { name: string; memberCount: number }[]).find((u) => u.name === 'Hội Người cao tuổi xã')?.memberCount).toBe(65);
    await poll(() => row.textContent()).toMatch(/Đã lưu/);

    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId('users-table').textContent()).toContain(OBSERVER.email);
    await axe(page, 'staff accounts');
    const form = page.getByTestId('add-user');
    await form.locator('[name=email]').fill('can.bo.moi@example.com');
    await form.locator('[name=password]').fill('CanBo@2025moi');
    await form.locator('[name=role]').selectOption('organizer');
    await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await page.getByTestId('user-created').waitFor();
    expect(await api.login('can.bo.moi@example.com', 'CanBo@2025moi')).toBeTruthy();

    // English is one tap away, the same catalog.
    await page.getByTestId('locale-en').click();
    await poll(() => page.getByTestId('nav-units').textContent()).toBe('Units');
    await axe(page, 'staff accounts (English)');
    await page.getByTestId('locale-vi').click();
    await context.close();
  });
});

describe('Fatherland Front dashboard', () => {
  it('shows per-unit participation rates on a phone, with no phone number anywhere', async () => {
    const { context, page } = await open({ ...PHONE });
    await signIn(page, OBSERVER);
    await page.waitForURL(/\/admin\/dashboard$/);
    await page.getByTestId('dash-contests').waitFor();
    expect(await page.getByTestId('nav-contests').count()).toBe(0);
    await poll(() => page.getByTestId('chart-across').getAttribute('data-status'), 15_000).toBe('ready');
    await axe(page, 'dashboard (all contests)');

    await page.locator(`[data-testid=dash-contest-row][data-contest="${contestId}"] a`).click();
    await page.getByTestId('dash-units').waitFor();
    for (const [unitId, members] of Object.entries(MEMBERS)) {
      const participants = PEOPLE.filter((p) => p.unitId === unitId).length;
      const row = page.locator(`[data-testid=dash-units] [data-unit=${unitId}]`);
      expect(await row.getByTestId('unit-participants').textContent()).toBe(String(participants));
      expect(Number(await row.getByTestId('unit-rate').getAttribute('data-rate'))).toBeCloseTo(participants / members, 10);
      expect(await row.getByTestId('unit-rate').textContent()).toBe(
        new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 }).format(participants / members),
      );
    }
    expect(await page.getByTestId('dash-participants').textContent()).toBe('4');
    for (const chart of ['chart-units', 'chart-villages', 'chart-scores']) {
      await poll(() => page.getByTestId(chart).getAttribute('data-status'), 15_000).toBe('ready');
    }
    // Everyone took part today: one day of data is said in a sentence, not drawn as a lone dot.
    expect(await page.getByTestId('days-single').textContent()).toContain('4 người');
    await axe(page, 'dashboard (one contest)');

    // No personal data: not one participant's phone, in any spelling, in the text or the markup.
    const text = await page.evaluate(() => document.body.innerText);
    const html = await page.content();
    for (const p of PEOPLE) {
      const digits = p.phone.replace(/\D/g, '').replace(/^84/, '0');
      for (const form of [p.phone, digits, digits.slice(1), `+84${digits.slice(1)}`]) {
        expect(text).not.toContain(form);
        expect(html).not.toContain(form);
      }
      expect(text).not.toContain(p.fullName);
    }
    expect(text).not.toMatch(/(?:\+84|\b0)(?:[\s.-]?\d){9}\b/);
    // Usable at 360 px: the page itself never scrolls sideways (wide tables scroll in their box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // An observer sees dashboards only.
    await page.goto(`${server.baseUrl}/admin/contests/${contestId}/results`);
    await page.getByTestId('staff-forbidden').waitFor();
    expect(await page.getByTestId('results-table').count()).toBe(0);
    await context.close();
  });
});
