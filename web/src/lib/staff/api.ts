// Typed calls for the staff routes (types derived from the server's schemas: ./types.ts). Every call carries the session's token; any 401 ends
// the session (on AWS it is API Gateway's own body, not the envelope: the status is enough).
import { ApiError, request, type FetchFn, type RequestOptions } from '../api/client.ts';
import type { StaffSession } from './session.svelte.ts';
import type {
  AdminContest,
  AdminQuestion,
  ContestFields,
  ImportPreview,
  ImportResult,
  ExportBody,
  Job,
  LibraryPage,
  LibraryQuestion,
  LibraryQuestionInput,
  LibraryTopic,
  LoginResponse,
  QuestionInput,
  Results,
  Role,
  StaffUnit,
  StaffUser,
  Stats,
  UnitKind,
} from './types.ts';

const enc = encodeURIComponent;
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The media type the import route expects, from the file's own type or its extension. */
export function questionFileType(file: { name: string; type: string }): string {
  if (/\.xlsx$/i.test(file.name)) return XLSX_TYPE;
  if (/\.csv$/i.test(file.name)) return 'text/csv';
  return file.type || 'application/octet-stream';
}

/** `filename*=UTF-8''…` first, then `filename="…"`. */
export function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1]!.trim() : fallback;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let env: { code?: unknown; message?: unknown; details?: unknown } | undefined;
  try {
    env = ((await res.json()) as { error?: typeof env }).error;
  } catch {
    env = undefined;
  }
  return new ApiError(
    res.status,
    typeof env?.code === 'string' ? env.code : res.status >= 500 ? 'SERVER_ERROR' : 'HTTP_' + res.status,
    typeof env?.message === 'string' ? env.message : res.statusText || 'HTTP ' + res.status,
    env?.details,
  );
}

export interface Download {
  blob: Blob;
  filename: string;
}

export function staffApi(session: StaffSession, fetchFn: FetchFn = (i, init) => globalThis.fetch(i, init)) {
  const auth = (): Record<string, string> => (session.token ? { authorization: `Bearer ${session.token}` } : {});

  async function call<T>(path: string, opts: Omit<RequestOptions, 'fetch'> = {}): Promise<T> {
    const method = opts.method ?? 'GET';
    try {
      return await request<T>(path, {
        timeoutMs: 30_000,
        // Reads are safe to repeat; a write is sent once and its outcome shown to the person.
        retry: method === 'GET' ? { retries: 2 } : { retries: 0 },
        ...opts,
        headers: { ...opts.headers, ...auth() },
        fetch: fetchFn,
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) session.expire();
      throw err;
    }
  }

  /** Bytes in or out (question files, exports): the JSON client does not fit. */
  async function raw(path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetchFn(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...auth() } });
    } catch (cause) {
      throw new ApiError(0, 'NETWORK', cause instanceof Error ? cause.message : 'network error');
    }
    if (res.ok) return res;
    const err = await errorFrom(res);
    if (err.status === 401) session.expire();
    throw err;
  }

  async function download(path: string, fallbackName: string): Promise<Download> {
    const res = await raw(path, { method: 'GET' });
    return { blob: await res.blob(), filename: filenameFrom(res.headers.get('content-disposition'), fallbackName) };
  }

  const contest = (id: string) => `/api/admin/contests/${enc(id)}`;

  return {
    login(email: string, password: string, newPassword?: string) {
      return request<LoginResponse>('/api/auth/login', {
        method: 'POST',
        body: newPassword ? { email, password, newPassword } : { email, password },
        retry: { retries: 0 },
        timeoutMs: 30_000,
        fetch: fetchFn,
      });
    },

    /** The public list, revalidated: a unit just edited must not come back from the browser cache. */
    async units(): Promise<StaffUnit[]> {
      const res = await raw('/api/units', { method: 'GET', cache: 'no-cache' });
      return ((await res.json()) as { items: StaffUnit[] }).items;
    },
    createUnit: (body: { name: string; kind?: UnitKind; memberCount: number }) => call<StaffUnit>('/api/admin/units', { method: 'POST', body }),
    updateUnit: (id: string, patch: Partial<Omit<StaffUnit, 'id'>>) => call<StaffUnit>(`/api/admin/units/${enc(id)}`, { method: 'PATCH', body: patch }),

    users: () => call<{ items: StaffUser[] }>('/api/admin/users').then((r) => r.items),
    createUser: (body: { email: string; password: string; role: Role; displayName?: string }) =>
      call<StaffUser>('/api/admin/users', { method: 'POST', body }),

    contests: () => call<{ items: AdminContest[] }>('/api/admin/contests').then((r) => r.items),
    contest: (id: string) => call<AdminContest>(contest(id)),
    createContest: (body: Partial<ContestFields>) => call<AdminContest>('/api/admin/contests', { method: 'POST', body }),
    updateContest: (id: string, patch: Partial<ContestFields>) => call<AdminContest>(contest(id), { method: 'PATCH', body: patch }),
    publish: (id: string) => call<AdminContest>(`${contest(id)}/publish`, { method: 'POST' }),
    /** Starts the close (a job: 202 with it). */
    close: (id: string) => call<{ job: Job }>(`${contest(id)}/close`, { method: 'POST' }).then((r) => r.job),
    job: (jobId: string) => call<{ job: Job }>(`/api/admin/jobs/${enc(jobId)}`).then((r) => r.job),

    questions: (id: string) => call<{ items: AdminQuestion[] }>(`${contest(id)}/questions`).then((r) => r.items),
    addQuestion: (id: string, q: QuestionInput) => call<AdminQuestion>(`${contest(id)}/questions`, { method: 'POST', body: q }),
    updateQuestion: (id: string, qid: string, q: QuestionInput) =>
      call<AdminQuestion>(`${contest(id)}/questions/${enc(qid)}`, { method: 'PUT', body: q }),
    deleteQuestion: (id: string, qid: string) => call<void>(`${contest(id)}/questions/${enc(qid)}`, { method: 'DELETE' }),
    async previewImport(id: string, file: File): Promise<ImportPreview> {
      const res = await raw(`${contest(id)}/questions/import?dryRun=true`, { method: 'POST', body: file, headers: { 'content-type': questionFileType(file) } });
      return (await res.json()) as ImportPreview;
    },
    async importFile(id: string, file: File): Promise<ImportResult> {
      const res = await raw(`${contest(id)}/questions/import`, { method: 'POST', body: file, headers: { 'content-type': questionFileType(file) } });
      return (await res.json()) as ImportResult;
    },
    template: (format: 'csv' | 'xlsx') => download(`/api/admin/question-template?format=${format}`, `mau-cau-hoi.${format}`),

    library(query: { topic?: string; q?: string; limit?: number; cursor?: string }): Promise<LibraryPage> {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
      const qs = params.toString();
      return call<LibraryPage>(`/api/admin/library${qs ? `?${qs}` : ''}`);
    },
    libraryTopics: () => call<{ items: LibraryTopic[] }>('/api/admin/library/topics').then((r) => r.items),
    addLibraryQuestion: (q: LibraryQuestionInput) => call<LibraryQuestion>('/api/admin/library', { method: 'POST', body: q }),
    updateLibraryQuestion: (qid: string, q: LibraryQuestionInput) => call<LibraryQuestion>(`/api/admin/library/${enc(qid)}`, { method: 'PUT', body: q }),
    deleteLibraryQuestion: (qid: string) => call<void>(`/api/admin/library/${enc(qid)}`, { method: 'DELETE' }),
    async importLibrary(file: File): Promise<ImportResult> {
      const res = await raw('/api/admin/library/import', { method: 'POST', body: file, headers: { 'content-type': questionFileType(file) } });
      return (await res.json()) as ImportResult;
    },


    /** The whole ranking, page after page of 500; `round`: a round id (docs/rounds.md), else the open or latest round's. */
    async results(id: string, round?: string): Promise<Results> {
      const r = round ? `&round=${enc(round)}` : '';
      let page = await call<Results>(`${contest(id)}/results?limit=500${r}`);
      const items = [...page.items];
      while (page.next) {
        page = await call<Results>(`${contest(id)}/results?limit=500${r}&cursor=${enc(page.next)}`);
        items.push(...page.items);
      }
      return { ...page, items, next: undefined };
    },
    /** Starts an export (a job whose result is a signed download link); `round` in the body for one round's. */
    startExport: (id: string, body: ExportBody) => call<{ job: Job }>(`${contest(id)}/exports`, { method: 'POST', body }).then((r) => r.job),
    // Without `round` the stats are the whole contest's.
    stats: (id: string, round?: string) => call<Stats>(`${contest(id)}/stats${round ? `?round=${enc(round)}` : ''}`),
    /** Ends a round (a job, as a close). */
    closeRound: (id: string, round: string) => call<{ job: Job }>(`${contest(id)}/rounds/${enc(round)}/close`, { method: 'POST' }).then((r) => r.job),
  };
}

export type StaffApi = ReturnType<typeof staffApi>;

/** Hands a downloaded file to the browser as a normal download. */
export function saveFile({ blob, filename }: Download): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'external';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
