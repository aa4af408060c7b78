// Issue 13: the shared question library over the real HTTP API of the local mode: every route,
// search without diacritics, topics, import errors, a contest drawing by topic quotas (every drawn
// attempt respects them), NOT_ENOUGH_QUESTIONS naming the short topics, and a library edit after
// publish that changes nothing published. The library is one per stack, shared with other files
// and the demo: this file's topics carry a tag of their own and it reads only them.
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { createUnit, expectError, expectStatus, mapLimit, startAttempt } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
let api: ReturnType<typeof apiClient>;
let token: string;
let unitId: string;

const tag = Date.now().toString(36);
const ONE_STOP = `Một cửa ${tag}`;
const ONLINE = `Dịch vụ công ${tag}`;
const FEEDBACK = `Phản ánh ${tag}`;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
  unitId = await createUnit(api, token, `Chi hội thư viện ${tag}`, 40);
});

const importCsv = (csv: string) => api.call('POST', '/api/admin/library/import', { token, raw: csv, headers: { 'content-type': 'text/csv' } });
const topicCounts = async (): Promise<Map<string, number>> => {
  const res = await api.get('/api/admin/library/topics', token);
  expectStatus(res, 200);
  return new Map((res.body.items as { topic: string; questions: number }[]).map((t) => [t.topic, t.questions]));
};
const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** Rows of a question file with a topic column: question, 3 options (A right), topic. */
const bankCsv = (rows: { text: string; topic: string }[]) =>
  ['Câu hỏi,Đáp án A,Đáp án B,Đáp án C,Đáp án đúng,Chủ đề', ...rows.map((r, i) => [csvCell(r.text), `Đúng ${i}`, `Sai ${i}`, `Sai nữa ${i}`, 'A', csvCell(r.topic)].join(','))].join('\r\n');

async function listAll(query: string, limit: number) {
  const seen: any[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await api.get(`/api/admin/library?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, token);
    expectStatus(res, 200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...res.body.items);
    cursor = res.body.next;
    if (!cursor) return seen;
  }
  throw new Error('paging never ended');
}

describe('library routes', () => {
  let added: any;

  it('adds a question (topic required), keeping the line breaks of its text', async () => {
    const body = { text: 'Bộ phận tiếp nhận và trả kết quả theo cơ chế một cửa:\nđặt ở đâu?', options: ['Trụ sở UBND xã', 'Nhà văn hoá thôn'], correct: [0], topic: ONE_STOP, explanation: 'Kế hoạch, mục II.\nTrích dẫn.' };
    const res = await api.post('/api/admin/library', body, token);
    expectStatus(res, 201);
    added = res.body;
    expect(added).toMatchObject({ text: body.text, topic: ONE_STOP, usedBy: [], correct: [0], multiple: false, explanation: body.explanation });
    expect(typeof added.id).toBe('string');

    const noTopic = await api.post('/api/admin/library', { ...body, topic: '  ' }, token);
    expectError(noTopic, 400, 'VALIDATION_FAILED');
    expect(noTopic.body.error.details).toContainEqual({ field: 'topic', message: 'required' });
    expectError(await api.post('/api/admin/library', { ...body, topic: undefined }, token), 400, 'VALIDATION_FAILED');
    expectError(await api.post('/api/admin/library', { ...body, options: ['Một'] }, token), 400, 'VALIDATION_FAILED');
  });

  it('imports a CSV with a topic column, line breaks in a quoted cell kept', async () => {
    const rows = [
      ...Array.from({ length: 6 }, (_, i) => ({ text: `Thủ tục ${i} giải quyết theo cơ chế một cửa liên thông ${tag}?`, topic: ONE_STOP })),
      ...Array.from({ length: 5 }, (_, i) => ({ text: `Dịch vụ công trực tuyến toàn trình số ${i} ${tag}?`, topic: ONLINE })),
      { text: `Đường dây nóng ${tag}:\nsố nào?`, topic: FEEDBACK },
    ];
    const res = await importCsv(bankCsv(rows));
    expectStatus(res, 200);
    expect(res.body.imported).toBe(12);
    expect(res.body.total).toBeGreaterThanOrEqual(13);
    const counts = await topicCounts();
    expect([counts.get(ONE_STOP), counts.get(ONLINE), counts.get(FEEDBACK)]).toEqual([7, 5, 1]);
    const [hotline] = await listAll(`topic=${encodeURIComponent(FEEDBACK)}`, 10);
    expect(hotline.text).toBe(`Đường dây nóng ${tag}:\nsố nào?`);
  });

  it('imports an .xlsx whose cell was typed with Alt+Enter', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Câu hỏi');
    ws.addRow(['Câu hỏi', 'Đáp án A', 'Đáp án B', 'Đáp án đúng', 'Chủ đề']);
    ws.addRow([`Cổng dịch vụ công ${tag}\r\nđịa chỉ nào?`, 'dichvucong.gov.vn', 'google.com', 'A', FEEDBACK]);
    const res = await api.call('POST', '/api/admin/library/import', { token, raw: Buffer.from(await wb.xlsx.writeBuffer()), headers: { 'content-type': XLSX_TYPE } });
    expectStatus(res, 200);
    expect(res.body.imported).toBe(1);
    const items = await listAll(`topic=${encodeURIComponent(FEEDBACK)}`, 10);
    expect(items.map((q) => q.text)).toContain(`Cổng dịch vụ công ${tag}\nđịa chỉ nào?`);
  });

  it('refuses a file without topics, or with a row lacking one, listing rows and storing nothing', async () => {
    const before = await topicCounts();
    const noColumn = await importCsv(`Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\nCâu ${tag}?,Có,Không,A`);
    expectError(noColumn, 422, 'IMPORT_INVALID');
    expect(noColumn.body.error.details).toEqual([{ row: 0, message: expect.stringContaining('Chủ đề') }]);

    const csv = bankCsv([
      { text: `Câu có chủ đề ${tag}?`, topic: ONE_STOP },
      { text: `Câu thiếu chủ đề ${tag}?`, topic: '' },
      { text: `Câu có chủ đề nữa ${tag}?`, topic: ONLINE },
      { text: `Câu cũng thiếu ${tag}?`, topic: ' ' },
    ]);
    const missing = await importCsv(csv);
    expectError(missing, 422, 'IMPORT_INVALID');
    expect(missing.body.error.details).toEqual([
      { row: 3, message: 'Thiếu chủ đề' },
      { row: 5, message: 'Thiếu chủ đề' },
    ]);
    const bad = await importCsv(bankCsv([{ text: `Đúng ${tag}?`, topic: ONE_STOP }]).replace(/,A,/, ',G,'));
    expectError(bad, 422, 'IMPORT_INVALID');
    expect(await topicCounts()).toEqual(before);
  });

  it('searches without diacritics, by topic, a page at a time', async () => {
    // "mot cua" finds "một cửa"; every word must appear.
    const found = await listAll(`q=${encodeURIComponent(`mot cua ${tag}`)}`, 4);
    expect(found.length).toBe(6);
    expect(found.every((q) => q.topic === ONE_STOP)).toBe(true);
    expect(new Set(found.map((q) => q.id)).size).toBe(6);
    const withoutTag = await listAll(`topic=${encodeURIComponent(ONE_STOP)}&q=${encodeURIComponent('bo phan mot cua dat o dau')}`, 50);
    expect(withoutTag.map((q) => q.id)).toEqual([added.id]);
    expect(await listAll(`q=${encodeURIComponent(`MỘT CỬA liên thông ${tag}`)}`, 50)).toHaveLength(6);
    expect(await listAll(`q=${encodeURIComponent(`duong day nong ${tag}`)}`, 50)).toHaveLength(1);
    expect(await listAll(`q=${encodeURIComponent(`mot cua ${tag} khongcotu`)}`, 50)).toHaveLength(0);

    const online = await listAll(`topic=${encodeURIComponent(ONLINE)}`, 2);
    expect(online).toHaveLength(5);
    expect(online.map((q) => q.id)).toEqual([...online.map((q) => q.id)].sort());
    const filtered = await listAll(`topic=${encodeURIComponent(ONLINE)}&q=${encodeURIComponent('toan trinh so 3')}`, 2);
    expect(filtered.map((q) => q.text)).toEqual([`Dịch vụ công trực tuyến toàn trình số 3 ${tag}?`]);

    expectError(await api.get('/api/admin/library?limit=0', token), 400, 'VALIDATION_FAILED');
    expectError(await api.get('/api/admin/library?cursor=a%20b', token), 400, 'VALIDATION_FAILED');
  });

  it('edits a question (moving it to another topic) and deletes one', async () => {
    const edited = await api.put(`/api/admin/library/${added.id}`, { text: `Một cửa ở đâu ${tag}?`, options: ['UBND xã', 'Thôn'], correct: [0], topic: FEEDBACK }, token);
    expectStatus(edited, 200);
    expect(edited.body).toMatchObject({ id: added.id, topic: FEEDBACK, text: `Một cửa ở đâu ${tag}?`, usedBy: [] });
    expect(edited.body.explanation).toBeUndefined();
    let counts = await topicCounts();
    expect([counts.get(ONE_STOP), counts.get(FEEDBACK)]).toEqual([6, 3]);

    expectError(await api.put('/api/admin/library/khongco', { text: 'Câu?', options: ['Có', 'Không'], correct: [0], topic: FEEDBACK }, token), 404, 'NOT_FOUND');
    expectError(await api.put(`/api/admin/library/${added.id}`, { text: 'Câu?', options: ['Có', 'Không'], correct: [0] }, token), 400, 'VALIDATION_FAILED');

    const del = await api.del(`/api/admin/library/${added.id}`, token);
    expect(del.status).toBe(204);
    expectError(await api.del(`/api/admin/library/${added.id}`, token), 404, 'NOT_FOUND');
    counts = await topicCounts();
    expect(counts.get(FEEDBACK)).toBe(2);
  });

  it('is for admins and organizers only', async () => {
    expectError(await api.get('/api/admin/library'), 401, 'UNAUTHORIZED');
    const email = `quan.sat.${tag}@example.com`;
    expectStatus(await api.post('/api/admin/users', { email, password: 'QuanSat@2024x', role: 'observer' }, token), 201);
    const observer = await api.login(email, 'QuanSat@2024x');
    expectError(await api.get('/api/admin/library/topics', observer), 403, 'FORBIDDEN');
    const organizerEmail = `to.chuc.${tag}@example.com`;
    expectStatus(await api.post('/api/admin/users', { email: organizerEmail, password: 'ToChuc@2024xy', role: 'organizer' }, token), 201);
    const organizer = await api.login(organizerEmail, 'ToChuc@2024xy');
    expectStatus(await api.get('/api/admin/library/topics', organizer), 200);
  });
});

describe('a contest drawing from the library by topic quotas', () => {
  const draftBody = (draw: unknown, questionsPerAttempt = 5) => ({
    title: `Rút theo chủ đề ${tag}`,
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: new Date(Date.now() + 3600_000).toISOString(),
    questionsPerAttempt,
    timeLimitSec: 600,
    maxAttempts: 1,
    unitIds: [unitId],
    draw,
  });

  it('refuses quotas that do not add up, or repeat a topic, field by field', async () => {
    const sum = await api.post('/api/admin/contests', draftBody([{ topic: ONE_STOP, count: 2 }, { topic: ONLINE, count: 2 }]), token);
    expectError(sum, 400, 'VALIDATION_FAILED');
    expect(sum.body.error.details).toEqual([{ field: 'draw', message: expect.stringContaining('add up to 4') }]);
    const dup = await api.post('/api/admin/contests', draftBody([{ topic: ONE_STOP, count: 2 }, { topic: ` ${ONE_STOP} `, count: 3 }]), token);
    expectError(dup, 400, 'VALIDATION_FAILED');
    expect(dup.body.error.details).toContainEqual({ field: 'draw.1.topic', message: 'duplicate topic' });
    const zero = await api.post('/api/admin/contests', draftBody([{ topic: ONE_STOP, count: 0 }, { topic: ONLINE, count: 5 }]), token);
    expect(zero.body.error.details).toContainEqual({ field: 'draw.0.count', message: expect.any(String) });
    expectError(await api.post('/api/admin/contests', draftBody([], 5)), 401, 'UNAUTHORIZED');
    expectError(await api.post('/api/admin/contests', draftBody([]), token), 400, 'VALIDATION_FAILED');
  });

  it('NOT_ENOUGH_QUESTIONS names each short topic, and the contest stays a draft', async () => {
    const created = await api.post('/api/admin/contests', draftBody([{ topic: ONE_STOP, count: 2 }, { topic: FEEDBACK, count: 3 }, { topic: `Không có ${tag}`, count: 1 }], 6), token);
    expectStatus(created, 201);
    expect(created.body.draw).toHaveLength(3);
    const res = await api.post(`/api/admin/contests/${created.body.id}/publish`, undefined, token);
    expectError(res, 422, 'NOT_ENOUGH_QUESTIONS');
    expect(res.body.error.details.topics).toEqual([
      { topic: FEEDBACK, needed: 3, available: 2 },
      { topic: `Không có ${tag}`, needed: 1, available: 0 },
    ]);
    expect(res.body.error.message).toContain(FEEDBACK);
    expect((await api.get(`/api/admin/contests/${created.body.id}`, token)).body.status).toBe('draft');
    expect((await api.get(`/api/admin/contests/${created.body.id}/questions`, token)).body.items).toEqual([]);
  });

  let contestId = '';
  let snapshot: any[] = [];

  it('publishes a snapshot, records usedBy, and every attempt draws exactly its quotas', async () => {
    const created = await api.post('/api/admin/contests', draftBody([{ topic: ONE_STOP, count: 2 }, { topic: ONLINE, count: 3 }]), token);
    expectStatus(created, 201);
    contestId = created.body.id;
    // A draft may switch between its own bank and the library.
    expectStatus(await api.patch(`/api/admin/contests/${contestId}`, { draw: null }, token), 200);
    const back = await api.patch(`/api/admin/contests/${contestId}`, { draw: [{ topic: ONE_STOP, count: 2 }, { topic: ONLINE, count: 3 }] }, token);
    expectStatus(back, 200);
    const published = await api.post(`/api/admin/contests/${contestId}/publish`, undefined, token);
    expectStatus(published, 200);
    expect(published.body).toMatchObject({ status: 'published', questionCount: 11, draw: [{ topic: ONE_STOP, count: 2 }, { topic: ONLINE, count: 3 }] });

    snapshot = (await api.get(`/api/admin/contests/${contestId}/questions`, token)).body.items;
    expect(snapshot.map((q) => q.topic).sort()).toEqual([...Array(6).fill(ONE_STOP), ...Array(5).fill(ONLINE)].sort());
    const library = [...(await listAll(`topic=${encodeURIComponent(ONE_STOP)}`, 50)), ...(await listAll(`topic=${encodeURIComponent(ONLINE)}`, 50))];
    expect(library.every((q) => q.usedBy.includes(contestId))).toBe(true);
    expect((await listAll(`topic=${encodeURIComponent(FEEDBACK)}`, 50)).some((q) => q.usedBy.includes(contestId))).toBe(false);

    const topicOf = new Map(snapshot.map((q) => [q.id, q.topic]));
    const starts = await mapLimit(Array.from({ length: 40 }, (_, i) => i), 8, (i) =>
      startAttempt(api, contestId, { fullName: `Người Thử ${i}`, phone: `0912${String(700000 + i).padStart(6, '0')}`, unitId }),
    );
    const orders = new Set<string>();
    for (const s of starts) {
      expectStatus(s, 201);
      const ids: string[] = s.body.questions.map((q: { id: string }) => q.id);
      expect(new Set(ids).size).toBe(5);
      const per = { [ONE_STOP]: 0, [ONLINE]: 0 } as Record<string, number>;
      for (const id of ids) per[topicOf.get(id)!]! += 1;
      expect(per).toEqual({ [ONE_STOP]: 2, [ONLINE]: 3 });
      orders.add(ids.map((id) => topicOf.get(id)).join('|'));
    }
    // Topics are interleaved, not always in quota order.
    expect(orders.size).toBeGreaterThan(1);
  });

  it('a library edit or delete after publish changes nothing published', async () => {
    const used = snapshot.find((q) => q.topic === ONE_STOP)!;
    const libraryCopy = (await listAll(`topic=${encodeURIComponent(ONE_STOP)}`, 50)).find((q) => q.id === used.id)!;
    const edited = await api.put(`/api/admin/library/${used.id}`, { text: `Đã sửa sau khi công bố ${tag}`, options: ['X', 'Y'], correct: [1], topic: ONE_STOP }, token);
    expectStatus(edited, 200);
    expect(edited.body.usedBy).toEqual(libraryCopy.usedBy);
    const other = snapshot.find((q) => q.topic === ONLINE)!;
    expect((await api.del(`/api/admin/library/${other.id}`, token)).status).toBe(204);
    expectStatus(await importCsv(bankCsv([{ text: `Câu mới sau khi công bố ${tag}?`, topic: ONE_STOP }])), 200);

    expect((await api.get(`/api/admin/contests/${contestId}/questions`, token)).body.items).toEqual(snapshot);
    const contest = await api.get(`/api/admin/contests/${contestId}`, token);
    expect(contest.body.questionCount).toBe(11);
    expectError(await api.patch(`/api/admin/contests/${contestId}`, { draw: [{ topic: ONE_STOP, count: 5 }] }, token), 409, 'INVALID_STATE');

    const byId = new Map(snapshot.map((q) => [q.id, q]));
    for (let i = 0; i < 10; i++) {
      const s = await startAttempt(api, contestId, { fullName: `Người Sau ${i}`, phone: `0912${String(800000 + i).padStart(6, '0')}`, unitId });
      expectStatus(s, 201);
      for (const q of s.body.questions) {
        expect(byId.get(q.id)?.text).toBe(q.text);
        expect(q.options.map((o: { text: string }) => o.text).sort()).toEqual([...byId.get(q.id)!.options].sort());
      }
    }
  });
});
