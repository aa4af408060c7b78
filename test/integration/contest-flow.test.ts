// Issue 3: one whole contest over the real HTTP API of the local mode, from an empty draft to
// the exported final ranking. The steps share state and run in order.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import {
  AnswerKey,
  attemptApi,
  eventually,
  expectError,
  expectStatus,
  exportFile,
  waitJob,
  findKeys,
  startAttempt,
  vnDate,
  type Person,
  type PublicQuestion,
} from '../helpers/contest.ts';
import { ADMIN, moveServerClock, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
let api: ReturnType<typeof apiClient>;
let token: string;

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
});

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const VILLAGES = ['Thôn Đắk Chum 1', 'Thôn Long Tro', 'Thôn Kon Hia'];
const PREDICTION_PROMPT = 'Theo bạn, có bao nhiêu người tham gia cuộc thi này?';

const units = { nongDan: '', phuNu: '', thanhNien: '', ngoai: '' };
let contestId = '';
let key: AnswerKey;
const count = async () => (await api.get(`/api/admin/contests/${contestId}/questions`, token)).body.items.length as number;
const importFile = (raw: BodyInit, type: string) =>
  api.call('POST', `/api/admin/contests/${contestId}/questions/import`, { token, raw, headers: { 'content-type': type } });

// People of the contest. P1 is typed with two phone spellings; P3 ties with P1 on correct
// answers, is slower, and predicts closer; P5 starts, saves and never submits.
const P1: Person = { fullName: '  Nguyễn   Văn An ', phone: '+84 912 345 678', unitId: '', village: 'Thôn Đắk Chum 1', birthYear: 1980 };
const P1_AGAIN = { ...P1, phone: '0912.345.678' };
const P2: Person = { fullName: 'Trần Thị Bình', phone: '0987 654 321', unitId: '', village: 'Thôn Long Tro' };
const P3: Person = { fullName: 'Y Hương', phone: '0355-111-222', unitId: '', village: 'thôn  đắk chum 1' };
const P4: Person = { fullName: 'A Pứk', phone: '0778123456', unitId: '' };
const P5: Person = { fullName: 'Lê Văn Cường', phone: '0868000111', unitId: '', village: 'Thôn Kon Hia' };
const PHONES = ['0912345678', '0987654321', '0355111222', '0778123456', '0868000111'];
const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Y Hương', 'A Pứk', 'Lê Văn Cường'];

interface Started {
  attemptId: string;
  attemptToken: string;
  questions: PublicQuestion[];
  [k: string]: unknown;
}
const attempts: Record<string, Started> = {};
const results: Record<string, any> = {};

describe('building the contest', () => {
  it('creates units', async () => {
    const make = async (name: string, memberCount: number) => {
      const res = await api.post('/api/admin/units', { name, memberCount }, token);
      expectStatus(res, 201);
      return res.body.id as string;
    };
    units.nongDan = await make('Hội Nông dân xã', 10);
    units.phuNu = await make('Hội Liên hiệp Phụ nữ xã', 4);
    units.thanhNien = await make('Đoàn Thanh niên xã', 50);
    units.ngoai = await make('Đơn vị không dự thi', 5);
    P1.unitId = P1_AGAIN.unitId = P2.unitId = units.nongDan;
    P3.unitId = P4.unitId = units.phuNu;
    P5.unitId = units.thanhNien;
  });

  it('creates a draft contest', async () => {
    const now = Date.now();
    const body = {
      title: 'Cuộc thi tìm hiểu cải cách hành chính',
      description: 'Dành cho hội viên các đoàn thể',
      rules: 'Mỗi người thi tối đa 2 lượt.',
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      questionsPerAttempt: 3,
      timeLimitSec: 120,
      maxAttempts: 2,
      unitIds: [units.nongDan, units.phuNu, units.thanhNien],
      villages: VILLAGES,
      prediction: { prompt: PREDICTION_PROMPT },
      showAnswers: 'after_close',
    };
    const res = await api.post('/api/admin/contests', body, token);
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ status: 'draft', questionCount: 0, questionsPerAttempt: 3, maxAttempts: 2, villages: VILLAGES, showAnswers: 'after_close' });
    contestId = res.body.id;
    expect((await api.get(`/api/admin/contests/${contestId}`, token)).body.id).toBe(contestId);
  });

  it('hides a draft from the public', async () => {
    expectError(await api.get(`/api/contests/${contestId}`), 404, 'NOT_FOUND');
    expect((await api.get('/api/contests')).body.items.map((c: any) => c.id)).not.toContain(contestId);
    expectError(await startAttempt(api, contestId, P1), 404, 'NOT_FOUND');
  });

  it('adds a question by POST and refuses to publish with too few', async () => {
    const res = await api.post(
      `/api/admin/contests/${contestId}/questions`,
      {
        text: 'Địa chỉ Cổng dịch vụ công quốc gia là gì?',
        options: ['dichvucong.gov.vn', 'chinhphu.vn', 'kontum.gov.vn', 'dichvucong.vn.com'],
        correct: [0],
        topic: 'Dịch vụ công trực tuyến',
        explanation: 'Cổng dịch vụ công quốc gia: dichvucong.gov.vn',
      },
      token,
    );
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ correct: [0], multiple: false });
    const refused = await api.post(`/api/admin/contests/${contestId}/publish`, undefined, token);
    expectError(refused, 422, 'NOT_ENOUGH_QUESTIONS');
    expect((await api.get(`/api/admin/contests/${contestId}`, token)).body.status).toBe('draft');
  });

  it('imports a CSV with a BOM, Vietnamese headers, quoted commas and newlines, and a multi-answer row', async () => {
    const csv =
      '\uFEFFCâu hỏi,Đáp án A,Đáp án B,Đáp án C,Đáp án D,Đáp án đúng,Chủ đề,Giải thích\r\n' +
      '"Người dân có thể nộp hồ sơ thủ tục hành chính bằng những cách nào, theo quy định?",Trực tiếp tại Bộ phận một cửa,Qua dịch vụ bưu chính công ích,Chỉ nộp cho Chủ tịch xã,Trực tuyến trên Cổng dịch vụ công,"A, B, D",Một cửa,"Theo Nghị định 61/2018/NĐ-CP, có ba cách.\r\nKhông cần gặp Chủ tịch xã."\r\n' +
      '"Dịch vụ bưu chính công ích\ngiúp người dân điều gì?","Gửi hồ sơ, nhận kết quả tại nhà",Được miễn mọi lệ phí,Không cần nộp giấy tờ,,A,Bưu chính công ích,\r\n';
    const res = await importFile(csv, 'text/csv');
    expectStatus(res, 200);
    expect(res.body).toEqual({ imported: 2, total: 3 });
    const items = (await api.get(`/api/admin/contests/${contestId}/questions`, token)).body.items;
    const multi = items.find((q: any) => q.text.startsWith('Người dân có thể nộp'));
    expect(multi).toMatchObject({
      text: 'Người dân có thể nộp hồ sơ thủ tục hành chính bằng những cách nào, theo quy định?',
      options: ['Trực tiếp tại Bộ phận một cửa', 'Qua dịch vụ bưu chính công ích', 'Chỉ nộp cho Chủ tịch xã', 'Trực tuyến trên Cổng dịch vụ công'],
      correct: [0, 1, 3],
      multiple: true,
      topic: 'Một cửa',
      explanation: 'Theo Nghị định 61/2018/NĐ-CP, có ba cách.\nKhông cần gặp Chủ tịch xã.',
    });
    const postal = items.find((q: any) => q.text.startsWith('Dịch vụ bưu chính'));
    // The quoted line break (Alt+Enter in Excel) stays in the question (contract v2).
    expect(postal).toMatchObject({
      text: 'Dịch vụ bưu chính công ích\ngiúp người dân điều gì?',
      options: ['Gửi hồ sơ, nhận kết quả tại nhà', 'Được miễn mọi lệ phí', 'Không cần nộp giấy tờ'],
      correct: [0],
      multiple: false,
    });
  });

  it('imports an .xlsx built with exceljs', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Câu hỏi');
    sheet.addRow(['STT', 'Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án C', 'Đáp án đúng', 'Chủ đề']);
    sheet.addRow([1, '"Dịch vụ công trực tuyến toàn trình" nghĩa là gì?', 'Làm toàn bộ trên mạng', 'Chỉ tra cứu trên mạng', 'Nộp giấy tại xã', 'A', 'Dịch vụ công']);
    sheet.addRow([2, 'Kênh nào đưa thông tin đến từng thôn?', 'Nhóm Zalo của thôn', 'Báo in', 'Thư điện tử', 'a', 'Tuyên truyền']);
    wb.addWorksheet('Ghi chú').addRow(['question', 'a', 'b', 'correct']);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await importFile(bytes, XLSX_TYPE);
    expectStatus(res, 200);
    expect(res.body).toEqual({ imported: 2, total: 5 });
    const texts = (await api.get(`/api/admin/contests/${contestId}/questions`, token)).body.items.map((q: any) => q.text);
    expect(texts).toContain('"Dịch vụ công trực tuyến toàn trình" nghĩa là gì?');
    expect(texts).toContain('Kênh nào đưa thông tin đến từng thôn?');
  });

  it('refuses a bad file as a whole with one {row, message} per problem', async () => {
    const before = await count();
    const csv = [
      'question,a,b,c,correct',
      'Câu hợp lệ?,Một,Hai,Ba,B',
      'Câu thiếu đáp án đúng?,Một,Hai,Ba,',
      'Câu hợp lệ khác?,Một,Hai,Ba,A',
      'Câu có đáp án đúng không tồn tại?,Một,Hai,,C',
      ',Một,Hai,Ba,A',
    ].join('\n');
    const res = await importFile(csv, 'text/csv');
    expectError(res, 422, 'IMPORT_INVALID');
    const details = res.body.error.details as { row: number; message: string }[];
    expect(details.length).toBeGreaterThanOrEqual(3);
    for (const d of details) {
      expect(Object.keys(d).sort()).toEqual(['message', 'row']);
      expect(d.message.length).toBeGreaterThan(0);
    }
    // Rows as Excel shows them: the header is row 1.
    expect([...new Set(details.map((d) => d.row))].sort()).toEqual([3, 5, 6]);
    expect(await count()).toBe(before);

    const notXlsx = await importFile(Buffer.from('not a workbook'), XLSX_TYPE);
    expectError(notXlsx, 422, 'IMPORT_INVALID');
    expect(await count()).toBe(before);
  });

  it('deletes a question of a draft', async () => {
    const added = await api.post(`/api/admin/contests/${contestId}/questions`, { text: 'Câu tạm?', options: ['Có', 'Không'], correct: [1] }, token);
    expectStatus(added, 201);
    expect(await count()).toBe(6);
    expectStatus(await api.del(`/api/admin/contests/${contestId}/questions/${added.body.id}`, token), 204);
    expect(await count()).toBe(5);
  });

  it('publishes', async () => {
    const res = await api.post(`/api/admin/contests/${contestId}/publish`, undefined, token);
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ status: 'published', phase: 'open', questionCount: 5 });
    key = await AnswerKey.load(api, contestId, token);
  });

  it('lets a published contest change its wording and end later, and nothing else', async () => {
    const current = (await api.get(`/api/admin/contests/${contestId}`, token)).body;
    const later = new Date(Date.parse(current.endsAt) + 3600_000).toISOString();
    const ok = await api.patch(`/api/admin/contests/${contestId}`, { rules: 'Thể lệ mới: mỗi người 2 lượt.', description: 'Mô tả mới', endsAt: later }, token);
    expectStatus(ok, 200);
    expect(ok.body).toMatchObject({ rules: 'Thể lệ mới: mỗi người 2 lượt.', description: 'Mô tả mới', endsAt: later, status: 'published' });
    expectError(await api.patch(`/api/admin/contests/${contestId}`, { questionsPerAttempt: 4 }, token), 409, 'INVALID_STATE');
    expectError(await api.patch(`/api/admin/contests/${contestId}`, { maxAttempts: 5 }, token), 409, 'INVALID_STATE');
    expect((await api.get(`/api/admin/contests/${contestId}`, token)).body).toMatchObject({ questionsPerAttempt: 3, maxAttempts: 2 });
  });

  it('refuses to change the question bank of a published contest', async () => {
    const before = await api.get(`/api/admin/contests/${contestId}/questions`, token);
    const add = await api.post(`/api/admin/contests/${contestId}/questions`, { text: 'Câu mới?', options: ['Có', 'Không'], correct: [0] }, token);
    expectError(add, 409, 'INVALID_STATE');
    expectError(await api.del(`/api/admin/contests/${contestId}/questions/${before.body.items[0].id}`, token), 409, 'INVALID_STATE');
    expectError(await importFile('question,a,b,correct\nCâu?,Có,Không,A', 'text/csv'), 409, 'INVALID_STATE');
    expect((await api.get(`/api/admin/contests/${contestId}/questions`, token)).body).toEqual(before.body);
  });

  it('shows the public contest without questions', async () => {
    const res = await api.get(`/api/contests/${contestId}`);
    expectStatus(res, 200);
    expect(res.body).toMatchObject({
      id: contestId,
      status: 'published',
      phase: 'open',
      questionsPerAttempt: 3,
      timeLimitSec: 120,
      maxAttempts: 2,
      villages: VILLAGES,
      prediction: { prompt: PREDICTION_PROMPT },
      participants: 0,
    });
    expect(res.body.units.map((u: any) => u.id)).toEqual([units.nongDan, units.phuNu, units.thanhNien]);
    expect(res.body).not.toHaveProperty('questions');
    expect(findKeys(res.body)).toEqual([]);
    expect((await api.get('/api/contests')).body.items.map((c: any) => c.id)).toContain(contestId);
  });
});

describe('registration', () => {
  it.each([
    ['a landline', { phone: '0260 3861 234' }, ['phone']],
    ['a short number', { phone: '091234' }, ['phone']],
    ['no consent', { consent: false }, ['consent']],
    ['a unit not in the contest', { unitId: 'ngoai' }, ['unitId']],
    ['a village not on the list', { village: 'Thôn Không Có' }, ['village']],
    ['a one-letter name', { fullName: 'A' }, ['fullName']],
    ['several problems', { phone: 'abc', consent: false, village: 'Nơi khác' }, ['consent', 'phone', 'village']],
  ])('refuses %s with VALIDATION_FAILED naming the fields', async (_name, change, fields) => {
    const body = { ...P1, consent: true, ...change } as Record<string, unknown>;
    if (body.unitId === 'ngoai') body.unitId = units.ngoai;
    const res = await api.post(`/api/contests/${contestId}/attempts`, body);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual(fields);
  });

  it('refuses a missing consent field and unknown fields', async () => {
    const { consent: _c, ...noConsent } = { ...P1, consent: true };
    expectError(await api.post(`/api/contests/${contestId}/attempts`, noConsent), 400, 'VALIDATION_FAILED');
    const extra = await api.post(`/api/contests/${contestId}/attempts`, { ...P1, consent: true, score: 10 });
    expectError(extra, 400, 'VALIDATION_FAILED');
    expect(extra.body.error.details).toContainEqual({ field: 'score', message: 'Unknown field' });
  });

  it('404s an unknown contest', async () => {
    expectError(await startAttempt(api, 'no-such-contest', P1), 404, 'NOT_FOUND');
  });
});

describe('taking part', () => {
  it('starts an attempt with a draw of 3 shuffled questions and no answer key', async () => {
    const res = await startAttempt(api, contestId, P1);
    expectStatus(res, 201);
    const a = res.body;
    expect(a).toMatchObject({ contestId, attemptNo: 1, attemptsLeft: 1, prediction: { prompt: PREDICTION_PROMPT } });
    expect(typeof a.attemptToken).toBe('string');
    expect(a.attemptToken.length).toBeGreaterThanOrEqual(20);
    expect(a.questions).toHaveLength(3);
    expect(new Set(a.questions.map((q: any) => q.id)).size).toBe(3);
    for (const q of a.questions) expect(q.options.map((o: any) => o.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].slice(0, q.options.length));
    const deadline = Date.parse(a.deadline) - Date.parse(a.startedAt);
    expect(deadline).toBe(120_000);
    expect(Math.abs(Date.parse(a.serverNow) - Date.now())).toBeLessThan(5_000);
    expect(findKeys(a)).toEqual([]);
    attempts.p1a = a;
  });

  it('P1 submits 3 right at once (prediction 100), with no answer key before the close', async () => {
    const a = attempts.p1a!;
    const call = attemptApi(api, a.attemptId, a.attemptToken);
    const res = await call.submit({ answers: key.answers(a.questions, 3), prediction: 100 });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ attemptId: a.attemptId, correctCount: 3, questionCount: 3, late: false, best: { correctCount: 3 } });
    expect(res.body.best.durationMs).toBe(res.body.durationMs);
    expect(res.body.durationMs).toBe(Date.parse(res.body.submittedAt) - Date.parse(a.startedAt as string));
    expect(findKeys(res.body)).toEqual([]);
    results.p1a = res.body;
    // Repeating the submit, even with other answers, returns the same body.
    expect((await call.submit({ answers: key.answers(a.questions, 0), prediction: 5 })).body).toEqual(res.body);
    expect((await call.submit()).body).toEqual(res.body);
    const resumed = await call.get();
    expect(resumed.body).toMatchObject({ status: 'submitted', result: res.body });
    expect(findKeys(resumed.body)).toEqual([]);
    // Saving into a submitted attempt is refused.
    expectError(await call.save(key.answers(a.questions, 3)), 409, 'ATTEMPT_CLOSED');
  });

  it('P2 autosaves, resumes after a reload, and submits the rest (prediction 4)', async () => {
    const start = await startAttempt(api, contestId, P2);
    expectStatus(start, 201);
    const a = start.body as Started;
    attempts.p2 = a;
    const call = attemptApi(api, a.attemptId, a.attemptToken);
    const [q1, q2, q3] = a.questions;
    const s1 = await call.save({ [q1!.id]: key.choose(q1!, false) });
    expectStatus(s1, 200);
    expect(Date.parse(s1.body.savedAt)).toBeGreaterThan(0);
    // Changing an answer replaces it; a partial save keeps the others.
    expectStatus(await call.save({ [q1!.id]: key.choose(q1!, true) }), 200);
    expectStatus(await call.save({ [q2!.id]: key.choose(q2!, false) }), 200);
    const resumed = await call.get();
    expectStatus(resumed, 200);
    expect(resumed.body).toMatchObject({ attemptId: a.attemptId, status: 'open', attemptNo: 1, deadline: a.deadline, startedAt: a.startedAt });
    expect(resumed.body.questions).toEqual(a.questions);
    expect(resumed.body.savedAnswers).toEqual({ [q1!.id]: key.choose(q1!, true), [q2!.id]: key.choose(q2!, false) });
    expect(resumed.body).not.toHaveProperty('attemptToken');
    expect(findKeys(resumed.body)).toEqual([]);
    // Answers must belong to the attempt.
    const bad = await call.save({ notAQuestion: ['a'] });
    expectError(bad, 400, 'VALIDATION_FAILED');
    expectError(await call.save({ [q3!.id]: ['z'] }), 400, 'VALIDATION_FAILED');

    const res = await call.submit({ answers: { [q3!.id]: key.choose(q3!, true) }, prediction: 4 });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ correctCount: 2, questionCount: 3, late: false });
    expect(findKeys(res.body)).toEqual([]);
    results.p2 = res.body;
  });

  it('P3 (same unit as P4) takes longer for 3 right and predicts closest (6)', async () => {
    const start = await startAttempt(api, contestId, P3);
    expectStatus(start, 201);
    const a = start.body as Started;
    attempts.p3 = a;
    // 1.5 s on the server's clock, not the wall clock (the stack's clock stays 1.5 s ahead:
    // moving it back would put P3's submit after the later ones).
    await moveServerClock(server, 1_500);
    const res = await attemptApi(api, a.attemptId, a.attemptToken).submit({ answers: key.answers(a.questions, 3), prediction: 6 });
    expectStatus(res, 200);
    expect(res.body.correctCount).toBe(3);
    expect(res.body.durationMs).toBeGreaterThan(results.p1a.durationMs);
    expect(res.body.durationMs).toBeGreaterThanOrEqual(1_500);
    results.p3 = res.body;
  });

  it('refuses the attempt without, or with a wrong, token and 404s an unknown attempt', async () => {
    const start = await startAttempt(api, contestId, P4);
    expectStatus(start, 201);
    const a = start.body as Started;
    attempts.p4 = a;
    expectError(await attemptApi(api, a.attemptId, undefined).get(), 401, 'UNAUTHORIZED');
    expectError(await attemptApi(api, a.attemptId, undefined).save({}), 401, 'UNAUTHORIZED');
    expectError(await attemptApi(api, a.attemptId, undefined).submit(), 401, 'UNAUTHORIZED');
    const wrong = 'x'.repeat(a.attemptToken.length);
    expectError(await attemptApi(api, a.attemptId, wrong).get(), 403, 'FORBIDDEN');
    expectError(await attemptApi(api, a.attemptId, wrong).save({}), 403, 'FORBIDDEN');
    expectError(await attemptApi(api, a.attemptId, wrong).submit(), 403, 'FORBIDDEN');
    expectError(await attemptApi(api, 'khongtontai123456', a.attemptToken).get(), 404, 'NOT_FOUND');
    expectError(await attemptApi(api, 'khongtontai123456', a.attemptToken).submit(), 404, 'NOT_FOUND');
    // The attempt is untouched.
    expect((await attemptApi(api, a.attemptId, a.attemptToken).get()).body).toMatchObject({ status: 'open', savedAnswers: {} });
  });

  it('P4 gets nothing right and gives no prediction', async () => {
    const a = attempts.p4!;
    const res = await attemptApi(api, a.attemptId, a.attemptToken).submit({ answers: key.answers(a.questions, 0) });
    expectStatus(res, 200);
    expect(res.body.correctCount).toBe(0);
    results.p4 = res.body;
  });

  it('P5 starts and saves 1 right and 1 wrong answer, and never submits', async () => {
    const start = await startAttempt(api, contestId, P5);
    expectStatus(start, 201);
    const a = start.body as Started;
    attempts.p5 = a;
    const [q1, q2] = a.questions;
    expectStatus(await attemptApi(api, a.attemptId, a.attemptToken).save({ [q1!.id]: key.choose(q1!, true), [q2!.id]: key.choose(q2!, false) }), 200);
  });

  it('P1 again with another phone spelling is the same person: attempt 2, then exhausted', async () => {
    const start = await startAttempt(api, contestId, P1_AGAIN);
    expectStatus(start, 201);
    expect(start.body).toMatchObject({ attemptNo: 2, attemptsLeft: 0 });
    const a = start.body as Started;
    attempts.p1b = a;
    // A worse attempt with the exact prediction: the best attempt, and its prediction, still count.
    const res = await attemptApi(api, a.attemptId, a.attemptToken).submit({ answers: key.answers(a.questions, 1), prediction: 5 });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ correctCount: 1, best: { correctCount: 3, durationMs: results.p1a.durationMs } });
    results.p1b = res.body;
    const third = await startAttempt(api, contestId, { ...P1, phone: '0912345678' });
    expectError(third, 409, 'ATTEMPTS_EXHAUSTED');
    expectError(await startAttempt(api, contestId, { ...P1, phone: '+84912345678' }), 409, 'ATTEMPTS_EXHAUSTED');
  });
});

/** The counters follow the table's stream: wait until they have folded in `attempts` scored attempts. */
/** Waits for the stream consumer: an attempt and its person's first score may come in separate batches. */
const countersAt = (attempts: number, participants: number) =>
  eventually(
    () => api.get(`/api/admin/contests/${contestId}/stats`, token),
    (res) => res.body?.attempts === attempts && res.body?.participants === participants,
  );

describe('standings while open', () => {
  beforeAll(() => countersAt(5, 4));

  it('has sent no answer key to any device before the close', async () => {
    for (const a of Object.values(attempts)) {
      expect(findKeys(a)).toEqual([]);
      const resumed = await attemptApi(api, a.attemptId, a.attemptToken).get();
      expectStatus(resumed, 200);
      expect(findKeys(resumed.body)).toEqual([]);
    }
    for (const r of Object.values(results)) expect(findKeys(r)).toEqual([]);
  });

  it('ranks the live leaderboard by correct answers then duration, with masked phones', async () => {
    const res = await api.get(`/api/contests/${contestId}/leaderboard?limit=10`);
    expectStatus(res, 200);
    expect(res.body.final).toBe(false);
    expect(res.body.items.map((r: any) => [r.rank, r.fullName, r.correctCount])).toEqual([
      [1, 'Nguyễn Văn An', 3],
      [2, 'Y Hương', 3],
      [3, 'Trần Thị Bình', 2],
      [4, 'A Pứk', 0],
    ]);
    expect(res.body.items[0]).toMatchObject({ phoneMasked: '0912***678', unitId: units.nongDan, unitName: 'Hội Nông dân xã', village: 'Thôn Đắk Chum 1', durationMs: results.p1a.durationMs });
    expect(res.body.items[1]).toMatchObject({ phoneMasked: '0355***222', village: 'Thôn Đắk Chum 1', durationMs: results.p3.durationMs });
    expect(res.body.items[3].village).toBeNull();
    for (const phone of PHONES) expect(res.text).not.toContain(phone);
    expect(findKeys(res.body, ['phone'])).toEqual([]);
    const top2 = await api.get(`/api/contests/${contestId}/leaderboard?limit=2`);
    expect(top2.body.items).toEqual(res.body.items.slice(0, 2));
    expectError(await api.get(`/api/contests/${contestId}/leaderboard?limit=101`), 400, 'VALIDATION_FAILED');
  });

  it('ranks units by participation rate with their figures', async () => {
    const res = await api.get(`/api/contests/${contestId}/units`);
    expectStatus(res, 200);
    expect(res.body.items).toEqual([
      { rank: 1, unitId: units.phuNu, name: 'Hội Liên hiệp Phụ nữ xã', memberCount: 4, participants: 2, participationRate: 2 / 4, averageCorrect: (3 + 0) / 2 },
      { rank: 2, unitId: units.nongDan, name: 'Hội Nông dân xã', memberCount: 10, participants: 2, participationRate: 2 / 10, averageCorrect: (3 + 2) / 2 },
      { rank: 3, unitId: units.thanhNien, name: 'Đoàn Thanh niên xã', memberCount: 50, participants: 0, participationRate: 0, averageCorrect: 0 },
    ]);
    expect((await api.get(`/api/contests/${contestId}`)).body.participants).toBe(4);
  });

  it('gives statistics by unit, village, Vietnamese day and score, without personal data', async () => {
    const res = await api.get(`/api/admin/contests/${contestId}/stats`, token);
    expectStatus(res, 200);
    const s = res.body;
    expect(s.participants).toBe(4);
    expect(s.attempts).toBe(5);
    expect(s.byUnit).toEqual(
      expect.arrayContaining([
        { unitId: units.nongDan, name: 'Hội Nông dân xã', memberCount: 10, participants: 2, participationRate: 0.2, averageCorrect: 2.5 },
        { unitId: units.phuNu, name: 'Hội Liên hiệp Phụ nữ xã', memberCount: 4, participants: 2, participationRate: 0.5, averageCorrect: 1.5 },
        { unitId: units.thanhNien, name: 'Đoàn Thanh niên xã', memberCount: 50, participants: 0, participationRate: 0, averageCorrect: 0 },
      ]),
    );
    expect(s.byUnit).toHaveLength(3);
    expect(s.byVillage).toEqual([
      { village: 'Thôn Đắk Chum 1', participants: 2 },
      { village: 'Thôn Long Tro', participants: 1 },
    ]);
    // Days in Vietnam: each person counts on the day of their first scored attempt.
    const firsts = [results.p1a, results.p2, results.p3, results.p4].map((r) => vnDate(r.submittedAt));
    const all = [results.p1a, results.p1b, results.p2, results.p3, results.p4].map((r) => vnDate(r.submittedAt));
    const days = [...new Set(all)].sort().map((date) => ({
      date,
      participants: firsts.filter((d) => d === date).length,
      attempts: all.filter((d) => d === date).length,
    }));
    expect(s.byDay).toEqual(days);
    expect(s.scoreHistogram).toEqual([
      { correctCount: 0, people: 1 },
      { correctCount: 2, people: 1 },
      { correctCount: 3, people: 2 },
    ]);
    for (const phone of PHONES) expect(res.text).not.toContain(phone);
    for (const name of NAMES) expect(res.text).not.toContain(name);
    expect(findKeys(s, ['phone', 'phoneMasked', 'fullName'])).toEqual([]);
  });

  it('lets staff read the current standings with personal data', async () => {
    const res = await api.get(`/api/admin/contests/${contestId}/results`, token);
    expectStatus(res, 200);
    expect(res.body.final).toBe(false);
    expect(res.body.participants).toBe(4);
    expect(res.body.items.map((r: any) => [r.rank, r.phone, r.correctCount])).toEqual([
      [1, '0912345678', 3],
      [2, '0355111222', 3],
      [3, '0987654321', 2],
      [4, '0778123456', 0],
    ]);
    expectError(await api.get(`/api/admin/contests/${contestId}/results`), 401, 'UNAUTHORIZED');
  });
});

describe('closing', () => {
  it('closes, finalising the attempt that was never submitted from its saved answers', async () => {
    const res = await api.post(`/api/admin/contests/${contestId}/close`, undefined, token);
    expectStatus(res, 202);
    expect(res.body.job).toMatchObject({ kind: 'close', contestId, progress: { done: 0 } });
    expect(['queued', 'running']).toContain(res.body.job.status);
    // Closing: refused to participants at once, shown as closing until the job ends.
    const during = await api.get(`/api/admin/contests/${contestId}`, token);
    expect(['closing', 'closed']).toContain(during.body.status);
    // A second close while it runs is the same job.
    const again = await api.post(`/api/admin/contests/${contestId}/close`, undefined, token);
    if (again.status === 202) expect(again.body.job.id).toBe(res.body.job.id);
    const job = await waitJob(api, res.body.job.id, token);
    expect(job).toMatchObject({ status: 'succeeded', progress: { done: job.progress.total }, result: { participants: 5 } });
    expect((await api.get(`/api/admin/contests/${contestId}`, token)).body).toMatchObject({ id: contestId, status: 'closed', phase: 'closed' });
    const a = attempts.p5!;
    const resumed = await attemptApi(api, a.attemptId, a.attemptToken).get();
    expectStatus(resumed, 200);
    expect(resumed.body.status).toBe('submitted');
    expect(resumed.body.result).toMatchObject({ correctCount: 1, questionCount: 3, late: true });
    results.p5 = resumed.body.result;
    expectError(await api.post(`/api/admin/contests/${contestId}/close`, undefined, token), 409, 'INVALID_STATE');
  });

  it('refuses new attempts, saves and submits of a closed contest', async () => {
    expectError(await startAttempt(api, contestId, { ...P2, phone: '0901111111', fullName: 'Người Đến Muộn' }), 409, 'CONTEST_NOT_OPEN');
    const a = attempts.p5!;
    expectError(await attemptApi(api, a.attemptId, a.attemptToken).save({ [a.questions[2]!.id]: ['a'] }), 409, 'ATTEMPT_CLOSED');
    // A submit of the finalised attempt returns its result, not a new score.
    const again = await attemptApi(api, a.attemptId, a.attemptToken).submit({ answers: key.answers(a.questions, 3) });
    expectStatus(again, 200);
    expect(again.body.correctCount).toBe(1);
  });

  it('ranks the final leaderboard with the prediction tie-breaker', async () => {
    await countersAt(6, 5);
    const res = await api.get(`/api/contests/${contestId}/leaderboard`);
    expectStatus(res, 200);
    expect(res.body.final).toBe(true);
    // 5 participants: Y Hương predicted 6 (off by 1), Nguyễn Văn An 100 in his counted attempt (off by 95).
    expect(res.body.items.map((r: any) => [r.rank, r.fullName, r.correctCount])).toEqual([
      [1, 'Y Hương', 3],
      [2, 'Nguyễn Văn An', 3],
      [3, 'Trần Thị Bình', 2],
      [4, 'Lê Văn Cường', 1],
      [5, 'A Pứk', 0],
    ]);
    expect(res.body.items[0].durationMs).toBeGreaterThan(res.body.items[1].durationMs);
    for (const phone of PHONES) expect(res.text).not.toContain(phone);
    expect((await api.get(`/api/contests/${contestId}`)).body).toMatchObject({ status: 'closed', phase: 'closed', participants: 5 });
  });

  it('updates unit figures and statistics with the finalised attempt', async () => {
    const unitsRes = await api.get(`/api/contests/${contestId}/units`);
    expect(unitsRes.body.items.map((u: any) => [u.rank, u.unitId, u.participants, u.participationRate, u.averageCorrect])).toEqual([
      [1, units.phuNu, 2, 0.5, 1.5],
      [2, units.nongDan, 2, 0.2, 2.5],
      [3, units.thanhNien, 1, 1 / 50, 1],
    ]);
    const s = (await api.get(`/api/admin/contests/${contestId}/stats`, token)).body;
    expect(s).toMatchObject({ participants: 5, attempts: 6 });
    expect(s.scoreHistogram).toEqual([
      { correctCount: 0, people: 1 },
      { correctCount: 1, people: 1 },
      { correctCount: 2, people: 1 },
      { correctCount: 3, people: 2 },
    ]);
    expect(s.byVillage).toEqual([
      { village: 'Thôn Đắk Chum 1', participants: 2 },
      { village: 'Thôn Kon Hia', participants: 1 },
      { village: 'Thôn Long Tro', participants: 1 },
    ]);
    expect(s.byDay.reduce((n: number, d: any) => n + d.participants, 0)).toBe(5);
    expect(s.byDay.reduce((n: number, d: any) => n + d.attempts, 0)).toBe(6);
  });

  it('exports the final results as JSON', async () => {
    const res = await api.get(`/api/admin/contests/${contestId}/results?format=json`, token);
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ final: true, participants: 5 });
    expect(res.body.items).toEqual([
      { rank: 1, fullName: 'Y Hương', phone: '0355111222', unitId: units.phuNu, unitName: 'Hội Liên hiệp Phụ nữ xã', village: 'Thôn Đắk Chum 1', correctCount: 3, prediction: 6, predictionError: 1, durationMs: results.p3.durationMs, submittedAt: results.p3.submittedAt, attempts: 1 },
      { rank: 2, fullName: 'Nguyễn Văn An', phone: '0912345678', unitId: units.nongDan, unitName: 'Hội Nông dân xã', village: 'Thôn Đắk Chum 1', correctCount: 3, prediction: 100, predictionError: 95, durationMs: results.p1a.durationMs, submittedAt: results.p1a.submittedAt, attempts: 2 },
      { rank: 3, fullName: 'Trần Thị Bình', phone: '0987654321', unitId: units.nongDan, unitName: 'Hội Nông dân xã', village: 'Thôn Long Tro', correctCount: 2, prediction: 4, predictionError: 1, durationMs: results.p2.durationMs, submittedAt: results.p2.submittedAt, attempts: 1 },
      { rank: 4, fullName: 'Lê Văn Cường', phone: '0868000111', unitId: units.thanhNien, unitName: 'Đoàn Thanh niên xã', village: 'Thôn Kon Hia', correctCount: 1, prediction: null, predictionError: null, durationMs: results.p5.durationMs, submittedAt: results.p5.submittedAt, attempts: 1 },
      { rank: 5, fullName: 'A Pứk', phone: '0778123456', unitId: units.phuNu, unitName: 'Hội Liên hiệp Phụ nữ xã', village: null, correctCount: 0, prediction: null, predictionError: null, durationMs: results.p4.durationMs, submittedAt: results.p4.submittedAt, attempts: 1 },
    ]);
  });

  it('exports CSV with a BOM and Vietnamese headers', async () => {
    const res = await exportFile(api, contestId, token, { format: 'csv' });
    expect(res.job.result).toMatchObject({ rows: 5, bytes: res.bytes.length });
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('.csv');
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.bytes.toString('utf8').slice(1);
    const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header).toEqual(['Hạng', 'Họ và tên', 'Số điện thoại', 'Đơn vị', 'Thôn', 'Số câu đúng', 'Dự đoán', 'Chênh lệch dự đoán', 'Thời gian làm bài (giây)', 'Thời điểm nộp bài', 'Số lượt thi']);
    expect(rows.map((r) => [r[0], r[1], r[2], r[5], r[6], r[7], r[10]])).toEqual([
      ['1', 'Y Hương', '0355111222', '3', '6', '1', '1'],
      ['2', 'Nguyễn Văn An', '0912345678', '3', '100', '95', '2'],
      ['3', 'Trần Thị Bình', '0987654321', '2', '4', '1', '1'],
      ['4', 'Lê Văn Cường', '0868000111', '1', '', '', '1'],
      ['5', 'A Pứk', '0778123456', '0', '', '', '1'],
    ]);
    expect(rows[0]![3]).toBe('Hội Liên hiệp Phụ nữ xã');
    expect(rows[0]![9]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
  });

  it('exports .xlsx that reads back with the ranks and phones as text', async () => {
    const res = await exportFile(api, contestId, token, { format: 'xlsx' });
    expect(res.headers.get('content-type')).toContain(XLSX_TYPE);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.bytes as any);
    const sheet = wb.worksheets[0]!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['Hạng', 'Họ và tên', 'Số điện thoại', 'Đơn vị', 'Thôn', 'Số câu đúng', 'Dự đoán', 'Chênh lệch dự đoán', 'Thời gian làm bài (giây)', 'Thời điểm nộp bài', 'Số lượt thi']);
    const rows = [2, 3, 4, 5, 6].map(values);
    expect(rows.map((r) => [r[0], r[1], r[2], r[5]])).toEqual([
      [1, 'Y Hương', '0355111222', 3],
      [2, 'Nguyễn Văn An', '0912345678', 3],
      [3, 'Trần Thị Bình', '0987654321', 2],
      [4, 'Lê Văn Cường', '0868000111', 1],
      [5, 'A Pứk', '0778123456', 0],
    ]);
    expect(sheet.rowCount).toBe(6);
  });

  it('shows the review once the contest is closed', async () => {
    const a = attempts.p1a!;
    const res = await attemptApi(api, a.attemptId, a.attemptToken).get();
    expectStatus(res, 200);
    const review = res.body.result.review as any[];
    expect(review).toHaveLength(3);
    expect(review.map((r) => r.questionId)).toEqual(a.questions.map((q) => q.id));
    for (const [i, r] of review.entries()) {
      expect(r.isCorrect).toBe(true);
      expect(r.correctOptionIds).toEqual(key.choose(a.questions[i]!, true));
      expect(r.chosen).toEqual(key.choose(a.questions[i]!, true));
    }
    const p4 = attempts.p4!;
    const wrong = (await attemptApi(api, p4.attemptId, p4.attemptToken).get()).body.result.review as any[];
    expect(wrong.every((r) => r.isCorrect === false && r.correctOptionIds.length > 0)).toBe(true);
    // Explanations come with the review where the bank has one.
    const explained = [...Object.values(attempts)].flatMap((x) => x.questions).find((q) => q.text.startsWith('Người dân có thể nộp') || q.text.startsWith('Địa chỉ Cổng'));
    if (explained) {
      const owner = Object.values(attempts).find((x) => x.questions.some((q) => q.id === explained.id))!;
      const ownerReview = (await attemptApi(api, owner.attemptId, owner.attemptToken).get()).body.result.review as any[];
      expect(ownerReview.find((r) => r.questionId === explained.id).explanation).toBeTruthy();
    }
  });
});
