// Issue 12: a job survives kill -9 of the process running it at any moment. The whole local stack
// (server and its job runner, DynamoDB Local, the S3 emulator) is killed at a random moment of a
// close, then of a CSV export, then of an .xlsx export, and restarted on the same data: the
// resumed close gives the very final ranking of an uninterrupted close of the same people, and
// each resumed export the very bytes of an uninterrupted export. Steps are slowed
// (JOB_STEP_PAUSE_MS) and parts made small (EXPORT_PART_BYTES) so the kill lands mid-job.
// JOBS_CRASH_SEED replays a run's kill moments.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPeople, type SeedSpec } from '../../bench/lib/seed.ts';
import { apiClient } from '../helpers/api.ts';
import { createOpenContest, createUnit, expectStatus, resultPages, sleep, waitJob } from '../helpers/contest.ts';
import { seededRng } from '../../functions/domain/random.ts';
import { ADMIN, startServer, type LocalServer } from '../helpers/server.ts';

const PEOPLE = 400;
const SEED = Number(process.env.JOBS_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRng(SEED);
const ENV = { JOB_STEP_PAUSE_MS: '150', EXPORT_PART_BYTES: '4096' };

let server: LocalServer;
let dataDir: string;
const api = () => apiClient(server.baseUrl);
let token: string;

async function restart() {
  server = await startServer({ dataDir, env: ENV });
  token = await api().login(ADMIN.email, ADMIN.password);
}

/** Every row of the final ranking, through the paged results. */
async function ranking(contestId: string) {
  const { pages, items, failed } = await resultPages(api(), contestId, token);
  expect(failed && `${failed.status} ${failed.text}`).toBeUndefined();
  expect(pages.map((p) => p.final)).toEqual(pages.map(() => true));
  return items;
}

async function download(jobId: string) {
  const job = await waitJob(api(), jobId, token, 180_000);
  expect(job.status, JSON.stringify(job)).toBe('succeeded');
  const res = await fetch(job.result.url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/**
 * Starts `path`'s job, waits until it has done `fraction` of its steps (and `extraMs` more, to land
 * inside a step), kills the whole stack, restarts it; returns the job id and how far it had got.
 */
async function killDuring(path: string, body: unknown, fraction: number, extraMs: number) {
  const started = await api().post(path, body, token);
  expectStatus(started, 202);
  const id = started.body.job.id as string;
  let job: { status: string; progress: { done: number; total: number } };
  do {
    job = (await api().get(`/api/admin/jobs/${id}`, token)).body.job;
  } while (job.status !== 'succeeded' && job.progress.done < Math.floor(fraction * job.progress.total) && (await sleep(20), true));
  await sleep(extraMs);
  await server.kill9();
  await restart();
  return { id, at: `${job.status} ${job.progress.done}/${job.progress.total} + ${extraMs} ms` };
}

beforeAll(async () => {
  server = await startServer({ seedDemo: false, env: ENV });
  dataDir = server.dataDir;
  token = await api().login(ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await server?.stop();
});

describe('kill -9 during jobs', () => {
  it('a resumed close and resumed exports equal uninterrupted ones', async () => {
    console.log(`jobs crash: JOBS_CRASH_SEED=${SEED}`);
    const units = [await createUnit(api(), token, 'Hội Nông dân', 300), await createUnit(api(), token, 'Đoàn Thanh niên', 200)];
    const make = async () => (await createOpenContest(api(), token, { unitIds: units, bank: 3, questionsPerAttempt: 3, maxAttempts: 1, prediction: true, villages: ['Thôn 1', 'Thôn 2'] })).id;
    const [a, b] = [await make(), await make()];
    const client = new DynamoDBClient({ endpoint: server.ready.dynamoEndpoint, region: 'ap-southeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const t = Date.now();
    const spec = (contestId: string): SeedSpec => ({ contestId, units, villages: ['Thôn 1', 'Thôn 2'], questionsPerAttempt: 3, from: t - 3_600_000, to: t - 60_000 });
    // The same people in both contests.
    await seedPeople(client, 'cuoc-thi', spec(a), 0, PEOPLE, 4);
    await seedPeople(client, 'cuoc-thi', spec(b), 0, PEOPLE, 4);
    client.destroy();

    // The reference: a close nobody interrupts.
    const closeA = await api().post(`/api/admin/contests/${a}/close`, undefined, token);
    expectStatus(closeA, 202);
    expect((await waitJob(api(), closeA.body.job.id, token, 180_000)).status).toBe('succeeded');
    const expected = await ranking(a);
    expect(expected).toHaveLength(PEOPLE);

    // The close of B, killed at a random moment of its 36 steps (the wait for caches is the first 2.25 s).
    const closed = await killDuring(`/api/admin/contests/${b}/close`, undefined, random() * 0.95, Math.floor(random() * 300));
    console.log(`jobs crash: close killed at ${closed.at}`);
    const job = await waitJob(api(), closed.id, token, 180_000);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect((await api().get(`/api/admin/contests/${b}`, token)).body.status).toBe('closed');
    expect(await ranking(b)).toEqual(expected);

    for (const format of ['csv', 'xlsx'] as const) {
      const reference = await download((await api().post(`/api/admin/contests/${b}/exports`, { format }, token)).body.job.id);
      expect(reference.length).toBeGreaterThan(format === 'csv' ? PEOPLE * 50 : 5_000);
      // CSV: a part per step, killed between or inside them; .xlsx: one step writes the whole file, killed inside it.
      const cut = await killDuring(`/api/admin/contests/${b}/exports`, { format }, format === 'csv' ? random() * 0.8 : 0.17, Math.floor(random() * (format === 'csv' ? 200 : 150)));
      console.log(`jobs crash: ${format} export killed at ${cut.at}`);
      expect((await download(cut.id)).equals(reference), `${format} export resumed after kill -9 differs`).toBe(true);
    }
  }, 900_000);
});
