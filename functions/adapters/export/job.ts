// Exports as a job (docs/jobs.md): the ranking, page by page, into a private S3 object by multipart
// upload, then a signed link. Steps:
//   source    a final contest streams its FINAL# pages; any other is ranked as a close ranks
//             (app/final-ranking.ts stage(): count, a sorted run per people partition, a merge a
//             group of pages per step) into pages under the job, so a resumed export reads the very
//             rows it started with; then the multipart upload is started
//   parts     CSV and JSON: pages are encoded until a part is full, uploaded under the next part
//             number, and the page reached is the checkpoint (a redone step rebuilds the same bytes
//             into the same part number). XLSX: one step streams the whole workbook through exceljs's
//             streaming writer into numbered parts (a zip cannot be resumed mid-file: a crash redoes
//             the step, which uploads the same bytes into the same part numbers again)
//   complete  completes the upload (a redone completion finds the object and goes on)
// Memory holds one part (5 MiB) and a page of rows (a people partition while ranking), whatever
// the number of rows.
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { FinalRow } from '../../app/contest-ports.ts';
import type { FinalRanking, RankingState } from '../../app/final-ranking.ts';
import type { FileStore, JobRecord, JobStore, UploadedPart } from '../../app/job-ports.ts';
import type { JobKind, StepOutcome } from '../../app/jobs.ts';
import type { ContestRecord } from '../../app/contest-ports.ts';
import { NotFound } from '../../domain/errors.ts';
import { findRound, roundStateOf } from '../../domain/rounds.ts';
import { roundIsFinal, storedRound } from '../../app/standings.ts';
import { csvLines } from './csv.ts';
import { resultsBook, resultsCsvHead, resultsCsvRows, vnDateTime, type ResultRow } from './results.ts';
import { writeXlsxTo, type WriteCell } from './xlsx.ts';

export const EXPORT_KIND = 'export';
/** A signed link is valid this long (contract v2). */
export const LINK_SECONDS = 15 * 60;

export type ExportFormat = 'csv' | 'xlsx' | 'json';
export interface ExportParams {
  format: ExportFormat;
  kind: 'results' | 'awards';
  round?: string;
  topN?: number;
}

export interface ExportDeps {
  jobs: JobStore;
  files: FileStore;
  contest: (contestId: string) => Promise<ContestRecord | undefined>;
  finalPages: (contestId: string, fromPage: number, maxPages: number, roundNo?: number) => Promise<FinalRow[][]>;
  /** What the ranking of a contest not yet final ranks, as GET results does (standings.ts liveScope). */
  liveScope: (contestId: string, round?: string) => Promise<{ roundNo?: number; final: boolean }>;
  /** Ranks it into the job's row pages, a bounded step at a time (app/final-ranking.ts). */
  ranking: Pick<FinalRanking, 'stage' | 'steps' | 'done'>;
  unitNames: () => Promise<Map<string, string>>;
  unitRanking: (contestId: string) => Promise<{ rank: number; name: string; memberCount: number; participants: number; participationRate: number; averageCorrect: number }[]>;
  now: () => Date;
  /** Bytes of a part (at least files.minPartBytes); smaller in tests to get many parts. */
  partBytes?: number;
}

const ROWS_PER_PAGE = 100;
const TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

interface ExportState {
  phase?: 'parts' | 'complete' | 'done';
  source?: 'final' | 'job';
  final?: boolean;
  participants?: number;
  uploadId?: string;
  key?: string;
  page?: number;
  rows?: number;
  parts?: UploadedPart[];
  pages?: number;
  /** An explicit round's number: its own FINAL# pages (docs/rounds.md). */
  roundNo?: number;
  /** A ranking not final yet, being staged: what it ranks (fixed by the first step) and how far. */
  live?: { roundNo?: number; final: boolean };
  ranking?: RankingState;
  /** Steps before the parts: 1, or those of the staged ranking. */
  base?: number;
}

/** Collects bytes into numbered parts of `size` and uploads each as it fills (the last on end). */
class PartWriter extends Writable {
  #buffers: Buffer[] = [];
  #length = 0;
  readonly parts: UploadedPart[] = [];
  bytes = 0;
  constructor(
    private readonly upload: (partNumber: number, body: Buffer) => Promise<UploadedPart>,
    private readonly size: number,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void) {
    this.#buffers.push(chunk);
    this.#length += chunk.length;
    this.bytes += chunk.length;
    if (this.#length < this.size) return done();
    this.#flush().then(() => done(), done);
  }
  override _final(done: (e?: Error | null) => void) {
    this.#flush().then(() => done(), done);
  }
  async #flush() {
    if (this.#length === 0 && this.parts.length > 0) return;
    const body = Buffer.concat(this.#buffers);
    this.#buffers = [];
    this.#length = 0;
    this.parts.push(await this.upload(this.parts.length + 1, body));
  }
}

export function exportJobKind(deps: ExportDeps): JobKind {
  const { jobs, files, now } = deps;
  const partBytes = Math.max(deps.partBytes ?? files.minPartBytes, 1);

  const fileName = (job: JobRecord) => {
    const p = job.params as unknown as ExportParams;
    return `${p.kind === 'awards' ? 'khen-thuong' : 'ket-qua'}-${job.contestId}${p.round ? `-${p.round}` : ''}.${p.format}`;
  };

  async function pagesFrom(job: JobRecord, state: ExportState, from: number, count: number): Promise<FinalRow[][]> {
    return state.source === 'final' ? deps.finalPages(job.contestId, from, count, state.roundNo) : jobs.rowPages(job.id, from, count);
  }

  async function named(rows: FinalRow[]): Promise<ResultRow[]> {
    const names = await deps.unitNames();
    return rows.map((r) => ({ ...r, unitName: names.get(r.unitId) ?? r.unitId }));
  }

  /** Every row from the source, page by page (the XLSX step and the awards list). */
  async function* allRows(job: JobRecord, state: ExportState, limit = Infinity): AsyncGenerator<ResultRow> {
    let seen = 0;
    for (let page = 0; seen < limit; ) {
      const pages = await pagesFrom(job, state, page, 10);
      if (pages.length === 0) return;
      for (const rows of pages) for (const r of await named(rows)) if (seen++ < limit) yield r;
      page += pages.length;
    }
  }

  async function loadContest(job: JobRecord) {
    const contest = await deps.contest(job.contestId);
    if (!contest) throw new NotFound('Contest', job.contestId);
    return contest;
  }

  /** Awards: the top N people (names, units, scores; no phone) and the units, small enough for one step. */
  async function awards(job: JobRecord, state: ExportState, writer: PartWriter) {
    const p = job.params as unknown as ExportParams;
    const people: ResultRow[] = [];
    for await (const r of allRows(job, state, p.topN ?? 10)) people.push(r);
    const units = await deps.unitRanking(job.contestId);
    const personHeader = ['Hạng', 'Họ và tên', 'Đơn vị', 'Thôn', 'Số câu đúng', 'Thời gian làm bài (giây)', 'Thời điểm nộp bài'];
    const personCells = (r: ResultRow): WriteCell[] => [r.rank, r.fullName, r.unitName, r.village ?? '', r.correctCount, Math.round(r.durationMs / 100) / 10, vnDateTime(r.submittedAt)];
    const unitHeader = ['Hạng', 'Đơn vị', 'Số hội viên', 'Số người tham gia', 'Tỷ lệ tham gia (%)', 'Số câu đúng trung bình'];
    const unitCells = (u: (typeof units)[number]): WriteCell[] => [u.rank, u.name, u.memberCount, u.participants, Math.round(u.participationRate * 1000) / 10, Math.round(u.averageCorrect * 100) / 100];
    if (p.format === 'json') writer.write(JSON.stringify({ people: people.map(({ phone: _p, ...r }) => r), units }));
    else if (p.format === 'csv') writer.write(`\uFEFF${csvLines([personHeader, ...people.map(personCells), [], unitHeader, ...units.map(unitCells)])}`);
    else {
      const contest = await loadContest(job);
      await writeXlsxTo(
        {
          creator: 'Cuộc thi tìm hiểu CCHC',
          title: contest.title,
          date: new Date(contest.finalizedAt ?? job.createdAt),
          sheets: [
            { name: 'Giải cá nhân', frozenRows: 1, headerFont: { bold: true }, rows: [personHeader, ...people.map(personCells)] },
            { name: 'Giải tập thể', frozenRows: 1, headerFont: { bold: true }, rows: [unitHeader, ...units.map(unitCells)] },
          ],
        },
        writer,
      );
      return;
    }
    await new Promise<void>((resolve, reject) => writer.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }

  const upload = (state: ExportState) => (partNumber: number, body: Buffer) => files.putPart(state.key!, state.uploadId!, partNumber, body);

  async function whole(job: JobRecord, state: ExportState): Promise<StepOutcome> {
    const p = job.params as unknown as ExportParams;
    const writer = new PartWriter(upload(state), partBytes);
    let rows = 0;
    if (p.kind === 'awards') await awards(job, state, writer);
    else {
      const contest = await loadContest(job);
      async function* counted() {
        for await (const r of allRows(job, state)) {
          rows++;
          yield r;
        }
      }
      await writeXlsxTo(resultsBook(counted(), contest.title, new Date(contest.finalizedAt ?? job.createdAt)), writer);
    }
    // The workbook's commit ends the writer; its last part is uploaded once 'finish' fires.
    if (!writer.writableFinished) await once(writer, 'finish');
    return { state: { ...state, phase: 'complete', parts: writer.parts, rows }, done: job.progress.total - 1 };
  }

  /** CSV / JSON results: the pages from the checkpoint until a part is full (or the end), as one part. */
  async function nextPart(job: JobRecord, state: ExportState): Promise<StepOutcome> {
    const p = job.params as unknown as ExportParams;
    const parts = state.parts ?? [];
    let page = state.page ?? 0;
    let rows = state.rows ?? 0;
    const chunks: string[] = [];
    let length = 0;
    if (parts.length === 0) {
      const head = p.format === 'csv' ? resultsCsvHead() : `{"final":${state.final === true},"participants":${state.participants ?? 0},"items":[`;
      chunks.push(head);
      length += Buffer.byteLength(head);
    }
    let end = false;
    while (length < partBytes) {
      const pages = await pagesFrom(job, state, page, 1);
      if (pages.length === 0) {
        end = true;
        break;
      }
      const list = await named(pages[0]!);
      const text =
        p.format === 'csv'
          ? resultsCsvRows(list)
          : list.map((r, i) => `${rows + i === 0 ? '' : ','}${JSON.stringify(r)}`).join('');
      chunks.push(text);
      length += Buffer.byteLength(text);
      rows += list.length;
      page++;
    }
    if (end && p.format === 'json') chunks.push(']}');
    const part = await files.putPart(state.key!, state.uploadId!, parts.length + 1, Buffer.from(chunks.join('')));
    const next: ExportState = { ...state, page, rows, parts: [...parts, part], ...(end ? { phase: 'complete' as const } : {}) };
    const base = state.base ?? 1;
    const total = base + 1 + Math.max(1, state.pages ?? 0, page);
    return { state: next as Record<string, unknown>, done: Math.min(base + page, total - 1), total };
  }

  return {
    total: () => 3,

    async step(job) {
      const state = job.state as ExportState;
      const p = job.params as unknown as ExportParams;
      if (!state.phase) {
        const contest = await loadContest(job);
        const round = p.round !== undefined ? findRound(contest, p.round) : undefined;
        if (p.round !== undefined && !round) throw new NotFound('Round', p.round);
        const roundNo = round ? storedRound(round) : undefined;
        const final = round ? roundIsFinal(contest, round) : contest.status === 'closed' && contest.finalizedAt !== undefined;
        let participants: number;
        let pages: number;
        let base = 1;
        if (final) {
          participants = (round?.explicit ? roundStateOf(contest, round).participants : contest.finalParticipants) ?? 0;
          pages = Math.ceil(participants / ROWS_PER_PAGE);
        } else {
          // Ranked into ROWS# pages of FINAL_PAGE_ROWS (= ROWS_PER_PAGE) rows, a step at a time.
          const live = state.live ?? (await deps.liveScope(job.contestId, p.round));
          const out = await deps.ranking.stage(job.id, contest, live.roundNo, live.final, state.ranking ?? {});
          if (out.participants === undefined) {
            const rows = (out.state.counts ?? []).reduce((a, b) => a + b, 0);
            const total = deps.ranking.steps(out.state) + 1 + Math.max(1, Math.ceil(rows / ROWS_PER_PAGE));
            return { state: { live, ranking: out.state } as Record<string, unknown>, done: deps.ranking.done(out.state), total };
          }
          participants = out.participants;
          pages = Math.max(1, Math.ceil(participants / ROWS_PER_PAGE));
          base = deps.ranking.steps(out.state);
        }
        const key = `exports/${job.contestId}/${job.id}/${fileName(job)}`;
        const uploadId = await files.startUpload(key, TYPES[p.format], fileName(job));
        const next: ExportState = { phase: 'parts', source: final ? 'final' : 'job', final, participants, uploadId, key, page: 0, rows: 0, parts: [], pages, base, ...(roundNo !== undefined ? { roundNo } : {}) };
        return { state: next as Record<string, unknown>, done: base, total: base + 1 + Math.max(1, pages) };
      }
      try {
        if (state.phase === 'parts') return await (p.kind === 'awards' || p.format === 'xlsx' ? whole(job, state) : nextPart(job, state));
        await files.complete(state.key!, state.uploadId!, state.parts ?? []);
      } catch (e) {
        // The upload is gone (aborted by the bucket's lifecycle rule after a long outage, or storage
        // that lost it): start the file over, from the first step. Same rows, same bytes.
        if ((e as { name?: string }).name === 'NoSuchUpload') return { state: {}, done: 0 };
        throw e;
      }
      const bytes = (await files.size(state.key!)) ?? 0;
      return {
        state: { ...state, phase: 'done' },
        done: job.progress.total,
        result: { key: state.key!, filename: fileName(job), bytes, rows: p.kind === 'awards' ? Math.min(state.participants ?? 0, p.topN ?? 10) : (state.rows ?? 0) },
      };
    },

    async present(job) {
      const r = job.result as { key: string; filename: string; bytes: number; rows: number };
      const at = now();
      return {
        url: await files.signedUrl(r.key, r.filename, at, LINK_SECONDS),
        expiresAt: new Date(at.getTime() + LINK_SECONDS * 1000).toISOString(),
        bytes: r.bytes,
        rows: r.rows,
      };
    },

    async failed(job) {
      const state = job.state as ExportState;
      if (state.uploadId && state.key) await files.abort(state.key, state.uploadId);
    },
  };
}
