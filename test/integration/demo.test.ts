// Issue 17: the demo shows life. SEED_DEMO writes, besides the open contest, a closed contest of the
// past with a few hundred simulated participants across the commune's organizations and villages;
// every screen's source (leaderboard, results, statistics, unit ranking, a person's export) has
// real-looking, consistent figures; `npm run demo:remove` deletes it for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseQuestionFile } from '../../functions/adapters/import/question-file.ts';
import { DEMO_CONTEST_ID, DEMO_LIBRARY_CONTEST_ID, demoUnits, demoVillages, READY_MADE_BANK } from '../../functions/local/demo.ts';
import { DEMO_PARTICIPANTS, DEMO_PAST_CONTEST_ID, demoParticipants } from '../../functions/local/demo-people.ts';
import { apiClient } from '../helpers/api.ts';
import { eventually, expectStatus } from '../helpers/contest.ts';
import { removeTempDirs, runLocal, tempDir } from '../helpers/local-process.ts';

// Runs after every describe's own afterAll (their servers are stopped by then).
afterAll(removeTempDirs);
import { ADMIN, startServer, type LocalServer } from '../helpers/server.ts';

let server: LocalServer;
let api: ReturnType<typeof apiClient>;
let token: string;
const dataDir = tempDir('cuoc-thi-demo-');
const PAST = DEMO_PAST_CONTEST_ID;

beforeAll(async () => {
  server = await startServer({ dataDir, env: { SEED_DEMO_PAST: '1' } });
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await server?.stop();
});

describe('the closed demo contest', () => {
  it('is listed, closed, and marked as demo data in its title and description', async () => {
    const contest = (await api.get(`/api/contests/${PAST}`)).body;
    expect(contest.title).toContain('(dữ liệu mẫu)');
    expect(contest.description).toContain('npm run demo:remove');
    expect((await api.get(`/api/admin/contests/${PAST}`, token)).body).toMatchObject({ status: 'closed' });
    expect(Date.parse(contest.endsAt)).toBeLessThan(Date.now());
  });

  it('has a few hundred participants from every organization and village, with a final ranking', async () => {
    expect(demoParticipants().length).toBe(DEMO_PARTICIPANTS);
    const results = (await api.get(`/api/admin/contests/${PAST}/results`, token)).body;
    expect(results.final).toBe(true);
    expect(results.items.length).toBe(DEMO_PARTICIPANTS);
    expect(results.items.map((r: { rank: number }) => r.rank)[0]).toBe(1);
    expect(new Set(results.items.map((r: { unitId: string }) => r.unitId))).toEqual(new Set(demoUnits.map((u) => u.id)));
    expect(new Set(results.items.map((r: { village: string }) => r.village))).toEqual(new Set(demoVillages));
    const leaderboard = (await api.get(`/api/contests/${PAST}/leaderboard?limit=10`)).body;
    expect(leaderboard.final).toBe(true);
    expect(leaderboard.items.map((r: { fullName: string }) => r.fullName)).toEqual(results.items.slice(0, 10).map((r: { fullName: string }) => r.fullName));
  });

  it('the statistics and the unit ranking agree with the results (counters from the stream, as for real submits)', async () => {
    const results = (await api.get(`/api/admin/contests/${PAST}/results`, token)).body.items as { unitId: string; village: string; correctCount: number; attempts: number }[];
    const stats = await eventually(
      async () => (await api.get(`/api/admin/contests/${PAST}/stats`, token)).body,
      (s) => s.participants === DEMO_PARTICIPANTS && s.attempts === results.reduce((n, r) => n + r.attempts, 0),
      30_000,
    );
    expect(stats.attempts).toBe(results.reduce((n, r) => n + r.attempts, 0));
    for (const unit of stats.byUnit) expect(unit.participants).toBe(results.filter((r) => r.unitId === unit.unitId).length);
    for (const v of stats.byVillage) expect(v.participants).toBe(results.filter((r) => r.village === v.village).length);
    for (const h of stats.scoreHistogram) expect(h.people).toBe(results.filter((r) => r.correctCount === h.correctCount).length);
    expect(stats.byDay.length).toBeGreaterThan(5);
    const units = (await api.get(`/api/contests/${PAST}/units`)).body.items;
    expect(units.length).toBe(demoUnits.length);
    expect(units.every((u: { participants: number }) => u.participants > 0)).toBe(true);
  });

  it("a simulated person's export holds their attempts and final row, like a real one's", async () => {
    const first = demoParticipants()[0]!;
    const exported = (await api.get(`/api/admin/people/${first.phone}`, token)).body;
    const entry = exported.contests.find((c: { contestId: string }) => c.contestId === PAST);
    expect(entry.person).toMatchObject({ fullName: first.fullName, unitId: first.unitId });
    expect(entry.attempts.length).toBeGreaterThan(0);
    expect(entry.attempts.every((a: { status: string; answers: object }) => a.status === 'submitted' && Object.keys(a.answers).length === 10)).toBe(true);
    expect(entry.finalRank).toMatchObject({ rank: expect.any(Number), correctCount: expect.any(Number) });
  });
});

/** The ready-made bank's questions per topic, read with the importer itself. */
async function bankTopics(): Promise<Map<string, number>> {
  const parsed = await parseQuestionFile(readFileSync(READY_MADE_BANK), 'text/csv');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const counts = new Map<string, number>();
  for (const q of parsed.questions) counts.set(q.topic!, (counts.get(q.topic!) ?? 0) + 1);
  return counts;
}
const libraryTopics = async () =>
  new Map(((await api.get('/api/admin/library/topics', token)).body.items as { topic: string; questions: number }[]).map((t) => [t.topic, t.questions]));

describe('the question library demo (issue 13)', () => {
  it('holds the ready-made bank, imported through the library import', async () => {
    const expected = await bankTopics();
    const topics = await libraryTopics();
    for (const [topic, n] of expected) expect(topics.get(topic), topic).toBe(n);
    // Line breaks typed inside a cell of the bank survive the import.
    const multiline = (await api.get(`/api/admin/library?limit=200`, token)).body.items.filter((q: { text: string }) => q.text.includes('\n'));
    const file = readFileSync(READY_MADE_BANK, 'utf8');
    if (/"[^"]*\n[^"]*"/.test(file)) expect(multiline.length).toBeGreaterThan(0);
  });

  it('has a published contest drawing from it by topic, whose attempts meet the quotas', async () => {
    const contest = (await api.get(`/api/admin/contests/${DEMO_LIBRARY_CONTEST_ID}`, token)).body;
    expect(contest.status).toBe('published');
    expect(contest.draw.length).toBe((await bankTopics()).size);
    expect(contest.draw.reduce((s: number, q: { count: number }) => s + q.count, 0)).toBe(contest.questionsPerAttempt);
    const bank = (await api.get(`/api/admin/contests/${DEMO_LIBRARY_CONTEST_ID}/questions`, token)).body.items as { id: string; topic: string }[];
    const topicOf = new Map(bank.map((q) => [q.id, q.topic]));
    const start = await api.post(`/api/contests/${DEMO_LIBRARY_CONTEST_ID}/attempts`, { fullName: 'Y Thị Hoa', phone: '0912 444 555', unitId: demoUnits[0]!.id, consent: true });
    expectStatus(start, 201);
    for (const q of contest.draw as { topic: string; count: number }[]) {
      expect(start.body.questions.filter((p: { id: string }) => topicOf.get(p.id) === q.topic).length, q.topic).toBe(q.count);
    }
  });
});

describe('restart and removal', () => {
  it('a restart does not write the demo again', async () => {
    await server.stop({ keepData: true });
    server = await startServer({ dataDir, env: { SEED_DEMO_PAST: '1' } });
    api = apiClient(server.baseUrl);
    token = await api.login(ADMIN.email, ADMIN.password);
    const results = (await api.get(`/api/admin/contests/${PAST}/results`, token)).body;
    expect(results.items.length).toBe(DEMO_PARTICIPANTS);
    const topics = await libraryTopics();
    for (const [topic, n] of await bankTopics()) expect(topics.get(topic), topic).toBe(n);
  }, 300_000);

  it('npm run demo:remove deletes both demo contests (server running) and keeps the organizations', async () => {
    const remove = runLocal('demo-remove', { DATA_DIR: dataDir });
    expect(await remove.exited, remove.output()).toBe(0);
    expect(remove.output()).toContain(`demo contest ${PAST}: removed ${DEMO_PARTICIPANTS} people`);
    for (const id of [PAST, DEMO_CONTEST_ID, DEMO_LIBRARY_CONTEST_ID]) expect((await api.get(`/api/contests/${id}`)).status).toBe(404);
    expect((await api.get('/api/units')).body.items.length).toBe(demoUnits.length);
    // The ready-made bank is real content: it stays in the library.
    expect((await libraryTopics()).size).toBeGreaterThanOrEqual((await bankTopics()).size);
  }, 300_000);

  it('the next start does not write them again', async () => {
    await server.stop({ keepData: true });
    server = await startServer({ dataDir, env: { SEED_DEMO_PAST: '1' } });
    api = apiClient(server.baseUrl);
    for (const id of [PAST, DEMO_CONTEST_ID]) expect((await api.get(`/api/contests/${id}`)).status).toBe(404);
    expectStatus(await api.get('/api/health'), 200);
  }, 300_000);
});
