// Province scenario (issue 12): a contest of N people (100,000 in full mode, a few thousand in
// --quick) seeded directly into a stack of its own, then, through the API and the job runner:
// the export of the ranking while the contest is still open (not final: ranked by the export job
// itself, partition by partition), the close as a job (wall time, peak RSS of the server process
// that runs it), the final ranking
// exported as CSV and .xlsx (wall time, size, peak RSS over the idle server), a kill -9 of the
// whole stack in the middle of a CSV export then the resumed job (its file must equal the
// uninterrupted one, byte for byte), and one person's erasure on that table with the re-rank job it
// starts (wall time, peak RSS). `peakRssMb`: the highest RSS of the server over those measures.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ADMIN, startServer, type LocalServer } from '../../test/helpers/server.ts';
import { createPublishedContest, httpClient, type HttpClient } from './http.ts';
import { phone } from './people.ts';
import { seedPeople, type SeedSpec } from './seed.ts';
import { rawClient } from './floor.ts';

const TABLE = 'cuoc-thi';

/** VmRSS of one process, in MB. */
function rssMb(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Runs `work` while sampling the process's RSS every 50 ms; returns its result, wall time and peak RSS. */
async function measured<T>(pid: number, work: () => Promise<T>) {
  const idleMb = rssMb(pid);
  let peakMb = idleMb;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), 50);
  const t0 = performance.now();
  try {
    const value = await work();
    return { value, ms: Math.round(performance.now() - t0), idleMb: Math.round(idleMb), peakMb: Math.round(peakMb), growthMb: Math.round(peakMb - idleMb) };
  } finally {
    clearInterval(timer);
  }
}

async function waitJob(http: HttpClient, auth: Record<string, string>, jobId: string, timeoutMs = 1_800_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await http.get(`/api/admin/jobs/${jobId}`, auth);
    if (res.status !== 200) throw new Error(`job ${jobId}: ${res.status} ${JSON.stringify(res.body)}`);
    const job = res.body.job;
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Downloads a finished export's file: its size and SHA-256. */
async function fetchFile(url: string) {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`download ${url}: ${res.status}`);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

export interface ProvinceOptions {
  people: number;
  log: (message: string) => void;
  /** Milliseconds after the chosen step before the kill (a random moment inside the next one). */
  killAfterMs?: number;
}

export async function provinceScenario(options: ProvinceOptions) {
  const { people, log } = options;
  const errors: string[] = [];
  // Small parts in quick mode, so a small export still has several steps to be killed between.
  // DynamoDB Local holds about 1 GB after 100,000 people (STACK.md): room for the close's reads too.
  const env: Record<string, string> = people < 20_000 ? { EXPORT_PART_BYTES: String(64 * 1024), JOB_STEP_PAUSE_MS: '100' } : { DYNAMODB_HEAP: '3g' };
  let server: LocalServer = await startServer({ seedDemo: false, env });
  const dataDir = server.dataDir;
  let http = httpClient(server.baseUrl, 8);
  try {
    const token = await http.login(ADMIN.email, ADMIN.password);
    const auth = { authorization: `Bearer ${token}` };
    const units: string[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await http.call('POST', '/api/admin/units', { headers: auth, body: { name: `Đơn vị ${i + 1} (tỉnh)`, memberCount: 2_000 + i * 50 } });
      if (res.status !== 201) throw new Error(`unit: ${res.status}`);
      units.push(res.body.id);
    }
    const villages = Array.from({ length: 200 }, (_, i) => `Thôn ${i + 1}`);
    const now = Date.now();
    const contestId = await createPublishedContest(http, auth, 'Cuộc thi tìm hiểu CCHC toàn tỉnh (bench)', units, villages, now);

    const spec: SeedSpec = { contestId, units, villages, questionsPerAttempt: 10, from: now - 14 * 86_400_000, to: now - 60_000 };
    log(`province: seeding ${people} people...`);
    const raw = rawClient(server.ready.dynamoEndpoint, 8);
    const seeded = await seedPeople(raw, TABLE, spec, 0, people, 4, (written, rate) => log(`province: ${written} people stored (${rate} items/s)`));
    raw.destroy();
    log(`province: ${people} people in ${Math.round(seeded.ms / 1000)} s; counters complete ${seeded.consumer.catchUpMs} ms after`);
    const pid = server.process.pid!;

    // Exports (CSV and .xlsx after the close, CSV of the live ranking before it).
    const exportOnce = async (format: 'csv' | 'xlsx', what: string) => {
      const run = await measured(server.process.pid!, async () => {
        const res = await http.call('POST', `/api/admin/contests/${contestId}/exports`, { headers: auth, body: { format } });
        if (res.status !== 202) throw new Error(`export: ${res.status} ${JSON.stringify(res.body)}`);
        return waitJob(http, auth, res.body.job.id);
      });
      if (run.value.status !== 'succeeded') throw new Error(`export ${what}: ${JSON.stringify(run.value.error)}`);
      const file = await fetchFile(run.value.result.url);
      if (file.bytes !== run.value.result.bytes) errors.push(`export ${what}: downloaded ${file.bytes} bytes, job says ${run.value.result.bytes}`);
      if (run.value.result.rows !== people) errors.push(`export ${what}: ${run.value.result.rows} rows, expected ${people}`);
      if (run.growthMb >= 200) errors.push(`export ${what}: server RSS grew ${run.growthMb} MB (target < 200)`);
      log(`province: ${what} export ${run.ms} ms, ${(file.bytes / 1e6).toFixed(1)} MB, server RSS ${run.idleMb} → peak ${run.peakMb} MB (+${run.growthMb})`);
      return { ms: run.ms, bytes: file.bytes, rows: run.value.result.rows, steps: run.value.progress.total, idleRssMb: run.idleMb, peakRssMb: run.peakMb, rssGrowthMb: run.growthMb, sha256: file.sha256 };
    };

    // The live ranking (the contest still open), ranked by the export job: count, a sorted run per
    // people partition, the merge into the job's pages.
    const liveExport = await exportOnce('csv', 'live csv (not final)');

    // The close as a job.
    const close = await measured(pid, async () => {
      const res = await http.call('POST', `/api/admin/contests/${contestId}/close`, { headers: auth });
      if (res.status !== 202) throw new Error(`close: ${res.status} ${JSON.stringify(res.body)}`);
      return waitJob(http, auth, res.body.job.id);
    });
    if (close.value.status !== 'succeeded') errors.push(`province close: ${JSON.stringify(close.value.error)}`);
    if (close.value.result?.participants !== people) errors.push(`province close: ${close.value.result?.participants} participants, expected ${people}`);
    log(`province: close ${close.ms} ms, server RSS ${close.idleMb} → peak ${close.peakMb} MB`);

    // Exports of the final ranking.
    const csvExport = await exportOnce('csv', 'csv');
    const xlsxExport = await exportOnce('xlsx', 'xlsx');

    // kill -9 in the middle of a CSV export, then the resumed job.
    const started = await http.call('POST', `/api/admin/contests/${contestId}/exports`, { headers: auth, body: { format: 'csv' } });
    const jobId = started.body.job.id as string;
    // Killed once a random share (20-70 %) of its steps is done, plus a moment to land inside a step.
    const share = 0.2 + Math.random() * 0.5;
    let seen: any;
    do {
      seen = (await http.get(`/api/admin/jobs/${jobId}`, auth)).body.job;
    } while (seen.status !== 'succeeded' && seen.progress.done < Math.max(1, Math.floor(share * seen.progress.total)) && (await new Promise((r) => setTimeout(r, 10)), true));
    const killAfterMs = options.killAfterMs ?? Math.floor(Math.random() * 100);
    await new Promise((r) => setTimeout(r, killAfterMs));
    const atKill = (await http.get(`/api/admin/jobs/${jobId}`, auth)).body.job;
    http.close();
    await server.kill9();
    const restartT0 = performance.now();
    server = await startServer({ dataDir, env });
    http = httpClient(server.baseUrl, 8);
    const token2 = await http.login(ADMIN.email, ADMIN.password);
    const auth2 = { authorization: `Bearer ${token2}` };
    const resumed = await waitJob(http, auth2, jobId);
    const resumedMs = Math.round(performance.now() - restartT0);
    const resumedFile = resumed.status === 'succeeded' ? await fetchFile(resumed.result.url) : undefined;
    const identical = resumedFile?.sha256 === csvExport.sha256 && resumedFile?.bytes === csvExport.bytes;
    if (atKill.status === 'succeeded') errors.push('province: the export had finished before the kill -9 (nothing was resumed)');
    if (!identical) errors.push(`province: the CSV export resumed after kill -9 differs from the uninterrupted one (${JSON.stringify(resumedFile)} vs ${csvExport.bytes} B)`);
    log(`province: kill -9 at ${atKill.status} ${atKill.progress.done}/${atKill.progress.total} (+${killAfterMs} ms), restart and resume ${resumedMs} ms, identical file: ${identical}`);

    // One person's erasure on that table; the final ranking is rewritten without them by the
    // re-rank job the erasure started (measured on the restarted server).
    let erasureMs = 0;
    let rerank: { ms: number; steps: number; participants: number; idleRssMb: number; peakRssMb: number } | undefined;
    const erasure = await measured(server.process.pid!, async () => {
      const t0 = performance.now();
      const erased = await http.call('DELETE', `/api/admin/people/${phone(3, 0)}`, { headers: auth2 });
      erasureMs = Math.round(performance.now() - t0);
      if (erased.status !== 200) errors.push(`province erasure: ${erased.status} ${JSON.stringify(erased.body)}`);
      log(`province: erasure of one person ${erasureMs} ms`);
      const rerankJobId = (erased.body?.jobs ?? [])[0] as string | undefined;
      if (!rerankJobId) {
        errors.push('province erasure: no re-rank job was started');
        return undefined;
      }
      const rerankJob = await waitJob(http, auth2, rerankJobId);
      if (rerankJob.status !== 'succeeded') errors.push(`province re-rank job: ${rerankJob.status} ${JSON.stringify(rerankJob.error)}`);
      return { ms: Math.round(performance.now() - t0), steps: rerankJob.progress.total, participants: rerankJob.result?.participants };
    });
    if (erasure.value) {
      rerank = { ...erasure.value, idleRssMb: erasure.idleMb, peakRssMb: erasure.peakMb };
      log(`province: re-rank job after the erasure done ${rerank.ms} ms after the request (${rerank.steps} steps, ${rerank.participants} participants), server RSS ${erasure.idleMb} → peak ${erasure.peakMb} MB`);
    }
    const peakRssMb = Math.max(liveExport.peakRssMb, close.peakMb, csvExport.peakRssMb, xlsxExport.peakRssMb, erasure.peakMb);
    log(`province: server peak RSS over the scenario ${peakRssMb} MB`);

    return {
      people,
      seed: { ms: seeded.ms, itemsPerSec: seeded.itemsPerSec, countersCatchUpMs: seeded.consumer.catchUpMs },
      close: { ms: close.ms, idleRssMb: close.idleMb, peakRssMb: close.peakMb, steps: close.value.progress.total },
      exports: { live: liveExport, csv: csvExport, xlsx: xlsxExport },
      killDuringExport: { at: `${atKill.status} ${atKill.progress.done}/${atKill.progress.total}`, killAfterMs, restartAndResumeMs: resumedMs, identical },
      erasureMs,
      rerank,
      peakRssMb,
      partBytes: env.EXPORT_PART_BYTES ? Number(env.EXPORT_PART_BYTES) : 5 * 1024 * 1024,
      errors,
    };
  } finally {
    http.close();
    await server.stop();
  }
}
