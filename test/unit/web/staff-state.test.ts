// The staff console's state classes: the session (kept across reloads, ended at expiresAt,
// on a 401 or from another tab), the staff API client, the sortable table, the poller of
// the live monitor and the two-step question import.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/lib/api/client.ts';
import { filenameFrom, questionFileType, staffApi, XLSX_TYPE } from '../../../web/src/lib/staff/api.ts';
import { ImportFlow, rowErrorsOf, type ImportPort } from '../../../web/src/lib/staff/import-flow.svelte.ts';
import { Poller } from '../../../web/src/lib/staff/poller.svelte.ts';
import { SESSION_KEY, StaffSession, type StaffAuth } from '../../../web/src/lib/staff/session.svelte.ts';
import { compareValues, SortableTable } from '../../../web/src/lib/staff/table.svelte.ts';
import type { ImportPreview } from '../../../web/src/lib/staff/types.ts';
import { ManualTime, MemoryStore, settle } from './fakes.ts';

const NOW = Date.parse('2025-03-01T01:00:00.000Z');
const auth = (over: Partial<StaffAuth> = {}): StaffAuth => ({
  token: 'tok-1',
  role: 'organizer',
  expiresAt: new Date(NOW + 3_600_000).toISOString(),
  email: 'to.chuc@example.com',
  ...over,
});

function sessionSetup(saved?: unknown) {
  const time = new ManualTime(NOW);
  const store = new MemoryStore();
  if (saved !== undefined) store.setItem(SESSION_KEY, typeof saved === 'string' ? saved : JSON.stringify(saved));
  const session = new StaffSession({
    store,
    now: () => time.now,
    setTimer: (fn, ms) => time.setTimeout(fn, ms),
    clearTimer: (h) => time.clearTimeout(h as number),
  });
  return { time, store, session };
}

describe('StaffSession', () => {
  it('keeps a sign-in on the device and picks it up after a reload', () => {
    const first = sessionSetup();
    first.session.signIn(auth());
    expect(JSON.parse(first.store.getItem(SESSION_KEY)!)).toEqual(auth());
    const reloaded = sessionSetup(first.store.getItem(SESSION_KEY));
    reloaded.session.restore();
    expect(reloaded.session.signedIn).toBe(true);
    expect(reloaded.session.role).toBe('organizer');
    expect(reloaded.session.token).toBe('tok-1');
    expect(reloaded.session.ended).toBeUndefined();
  });

  it('does not restore an expired session, forgets it and says why', () => {
    const { session, store } = sessionSetup(auth({ expiresAt: new Date(NOW - 1).toISOString() }));
    session.restore();
    expect(session.signedIn).toBe(false);
    expect(session.ended).toBe('expired');
    expect(store.getItem(SESSION_KEY)).toBeNull();
  });

  it.each([
    ['not JSON', '{oops'],
    ['no token', { ...auth(), token: '' }],
    ['unknown role', { ...auth(), role: 'root' }],
    ['bad date', { ...auth(), expiresAt: 'tomorrow' }],
  ])('throws away a saved session that is %s', (_name, saved) => {
    const { session, store } = sessionSetup(saved);
    session.restore();
    expect(session.signedIn).toBe(false);
    expect(session.ended).toBeUndefined();
    expect(store.getItem(SESSION_KEY)).toBeNull();
  });

  it('ends by itself at expiresAt', async () => {
    const { session, store, time } = sessionSetup();
    session.signIn(auth({ expiresAt: new Date(NOW + 60_000).toISOString() }));
    await time.advance(59_000);
    expect(session.signedIn).toBe(true);
    await time.advance(1_000);
    expect(session.signedIn).toBe(false);
    expect(session.ended).toBe('expired');
    expect(store.getItem(SESSION_KEY)).toBeNull();
  });

  it('re-arms its timer for expiries beyond what setTimeout can hold', async () => {
    const { session, time } = sessionSetup();
    const far = 40 * 86_400_000;
    session.signIn(auth({ expiresAt: new Date(NOW + far).toISOString() }));
    await time.advance(2 ** 31 - 1);
    expect(session.signedIn).toBe(true);
    await time.advance(far - (2 ** 31 - 1));
    expect(session.ended).toBe('expired');
  });

  it('signs out and forgets the token; a later expire() is harmless', () => {
    const { session, store } = sessionSetup();
    session.signIn(auth());
    session.signOut();
    expect(session.auth).toBeUndefined();
    expect(session.ended).toBe('signedOut');
    expect(store.getItem(SESSION_KEY)).toBeNull();
    session.expire();
    expect(session.ended).toBe('signedOut');
  });

  it('follows sign-out and sign-in in another tab', () => {
    const { session, store } = sessionSetup();
    session.signIn(auth());
    const listeners: ((e: StorageEvent) => void)[] = [];
    const target = {
      addEventListener: (_: string, fn: EventListener) => listeners.push(fn as (e: StorageEvent) => void),
      removeEventListener: () => undefined,
    };
    const stop = session.watch(target as unknown as Window);
    store.removeItem(SESSION_KEY);
    listeners.forEach((fn) => fn({ key: SESSION_KEY } as StorageEvent));
    expect(session.signedIn).toBe(false);
    store.setItem(SESSION_KEY, JSON.stringify(auth({ token: 'tok-2', role: 'observer' })));
    listeners.forEach((fn) => fn({ key: SESSION_KEY } as StorageEvent));
    expect(session.token).toBe('tok-2');
    expect(session.role).toBe('observer');
    stop();
  });
});

describe('staffApi', () => {
  function withFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetchFn = async (url: string, init: RequestInit = {}) => {
      calls.push({ url, init });
      return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', ...headers },
      });
    };
    const { session } = sessionSetup();
    session.signIn(auth());
    return { calls, session, api: staffApi(session, fetchFn) };
  }

  it('sends the bearer token', async () => {
    const { calls, api } = withFetch(200, { items: [] });
    await api.contests();
    expect(calls[0]!.url).toBe('/api/admin/contests');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok-1');
  });

  it('ends the session on any 401, envelope or not (API Gateway sends its own body)', async () => {
    const { api, session } = withFetch(401, { message: 'Unauthorized' });
    await expect(api.stats('c-1')).rejects.toMatchObject({ status: 401 });
    expect(session.signedIn).toBe(false);
    expect(session.ended).toBe('expired');
  });

  it('ends the session on a 401 from a file call too, and reads the 422 row list', async () => {
    const bad = withFetch(422, { error: { code: 'IMPORT_INVALID', message: 'x', details: [{ row: 2, message: 'Thiếu đáp án B' }] } });
    const err = await bad.api.previewImport('c-1', new File(['a'], 'q.csv')).catch((e: unknown) => e);
    expect(rowErrorsOf(err)).toEqual([{ row: 2, message: 'Thiếu đáp án B' }]);
    expect(bad.calls[0]!.url).toBe('/api/admin/contests/c-1/questions/import?dryRun=true');
    expect((bad.calls[0]!.init.headers as Record<string, string>)['content-type']).toBe('text/csv');
    const expired = withFetch(401, '');
    await expect(expired.api.template('xlsx')).rejects.toBeInstanceOf(ApiError);
    expect(expired.session.signedIn).toBe(false);
  });

  it('a 403 leaves the session alone', async () => {
    const { api, session } = withFetch(403, { error: { code: 'FORBIDDEN', message: 'no' } });
    await expect(api.users()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(session.signedIn).toBe(true);
  });

  it('names downloads from Content-Disposition', async () => {
    const { api } = withFetch(200, 'data', { 'content-disposition': `attachment; filename="ket-qua-x.xlsx"; filename*=UTF-8''k%E1%BA%BFt-qu%E1%BA%A3.xlsx` });
    expect((await api.template('xlsx')).filename).toBe('kết-quả.xlsx');
    expect(filenameFrom('attachment; filename="a.csv"', 'b.csv')).toBe('a.csv');
    expect(filenameFrom(null, 'b.csv')).toBe('b.csv');
  });

  it.each([
    [{ name: 'Cau hoi.XLSX', type: '' }, XLSX_TYPE],
    [{ name: 'cau-hoi.csv', type: 'application/vnd.ms-excel' }, 'text/csv'],
    [{ name: 'file', type: 'text/plain' }, 'text/plain'],
  ])('sends %o as %s', (file, type) => expect(questionFileType(file)).toBe(type));
});

describe('SortableTable', () => {
  interface Row {
    name: string;
    score: number;
    village: string | null;
  }
  const rows: Row[] = [
    { name: 'Nguyễn Văn An', score: 3, village: 'Thôn Kon Hia' },
    { name: 'Đinh Thị Bé', score: 5, village: null },
    { name: 'Lê Văn Cường', score: 3, village: 'Thôn Đắk Chum' },
  ];
  const make = () =>
    new SortableTable<Row>(
      [
        { key: 'name', value: (r) => r.name },
        { key: 'score', value: (r) => r.score, firstDir: 'desc' },
        { key: 'village', value: (r) => r.village },
      ],
      (r) => [r.name, r.village],
      rows,
    );

  it('keeps the server order until a column is chosen', () => {
    expect(make().rows.map((r) => r.name)).toEqual(rows.map((r) => r.name));
  });

  it('sorts a column, flips it on a second click, keeps ties in server order', () => {
    const t = make();
    t.sortBy('score');
    expect(t.dir).toBe('desc');
    expect(t.rows.map((r) => r.name)).toEqual(['Đinh Thị Bé', 'Nguyễn Văn An', 'Lê Văn Cường']);
    expect(t.ariaSort('score')).toBe('descending');
    expect(t.ariaSort('name')).toBe('none');
    t.sortBy('score');
    expect(t.rows.map((r) => r.name)).toEqual(['Nguyễn Văn An', 'Lê Văn Cường', 'Đinh Thị Bé']);
  });

  it('sorts Vietnamese names by the Vietnamese alphabet and puts empty cells last both ways', () => {
    const t = make();
    t.sortBy('name');
    expect(t.rows.map((r) => r.name)).toEqual(['Đinh Thị Bé', 'Lê Văn Cường', 'Nguyễn Văn An']);
    t.sortBy('village');
    expect(t.rows.at(-1)!.village).toBeNull();
    t.sortBy('village');
    expect(t.rows.at(-1)!.village).toBeNull();
  });

  it('searches ignoring case and diacritics, word by word', () => {
    const t = make();
    t.query = 'cuong';
    expect(t.rows.map((r) => r.name)).toEqual(['Lê Văn Cường']);
    t.query = 'van kon';
    expect(t.rows.map((r) => r.name)).toEqual(['Nguyễn Văn An']);
    t.query = 'dinh';
    expect(t.rows).toHaveLength(1);
    t.query = '';
    expect(t.rows).toHaveLength(3);
    expect(t.total).toBe(3);
  });

  it('compares numbers as numbers', () => {
    expect(compareValues(2, 10)).toBeLessThan(0);
    expect(compareValues('2', '10')).toBeLessThan(0);
    expect(compareValues(null, 1)).toBeGreaterThan(0);
  });
});

describe('Poller', () => {
  function setup(load: () => Promise<number>, visible = () => true) {
    const time = new ManualTime(NOW);
    const poller = new Poller<number>(load, 10_000, {
      setTimer: (fn, ms) => time.setTimeout(fn, ms),
      clearTimer: (h) => time.clearTimeout(h as number),
      now: () => time.now,
      visible,
    });
    return { time, poller };
  }

  it('loads at once, then every interval after the previous answer', async () => {
    let n = 0;
    const { time, poller } = setup(async () => ++n);
    const stop = poller.start();
    await settle();
    expect(poller.value).toBe(1);
    expect(poller.updatedAt).toBe(NOW);
    await time.advance(9_999);
    await settle();
    expect(n).toBe(1);
    await time.advance(1);
    await settle();
    expect(poller.value).toBe(2);
    stop();
    await time.advance(60_000);
    await settle();
    expect(n).toBe(2);
  });

  it('keeps the last good value through a failed load, and recovers', async () => {
    let fail = false;
    let n = 0;
    const { time, poller } = setup(async () => {
      if (fail) throw new ApiError(0, 'NETWORK', 'down');
      return ++n;
    });
    poller.start();
    await settle();
    fail = true;
    await time.advance(10_000);
    await settle();
    expect(poller.value).toBe(1);
    expect(poller.error).toBeInstanceOf(ApiError);
    fail = false;
    await time.advance(10_000);
    await settle();
    expect(poller.value).toBe(2);
    expect(poller.error).toBeUndefined();
    poller.stop();
  });

  it('sends nothing while the tab is hidden', async () => {
    let n = 0;
    let shown = true;
    const { time, poller } = setup(
      async () => ++n,
      () => shown,
    );
    poller.start();
    await settle();
    shown = false;
    await time.advance(50_000);
    await settle();
    expect(n).toBe(1);
    shown = true;
    await time.advance(10_000);
    await settle();
    expect(n).toBe(2);
    poller.stop();
  });

  it('a manual refresh replaces a slower automatic one', async () => {
    const answers: ((v: number) => void)[] = [];
    const { poller } = setup(() => new Promise<number>((r) => answers.push(r)));
    poller.start();
    void poller.refresh();
    answers[1]!(2);
    await settle();
    answers[0]!(1);
    await settle();
    expect(poller.value).toBe(2);
    poller.stop();
    expect(poller.loading).toBe(false);
  });
});

describe('ImportFlow', () => {
  const preview: ImportPreview = { questions: [{ text: 'Câu 1?', options: ['Có', 'Không'], correct: [0], multiple: false, row: 2 }], total: 6 };
  const file = (name = 'cau-hoi.xlsx') => new File(['x'], name);

  function port(over: Partial<ImportPort> = {}) {
    const calls: string[] = [];
    const p: ImportPort = {
      preview: async (f) => {
        calls.push(`preview ${f.name}`);
        return preview;
      },
      store: async (f) => {
        calls.push(`store ${f.name}`);
        return { imported: 1, total: 6 };
      },
      ...over,
    };
    return { p, calls };
  }

  it('checks first, stores only after the confirmation', async () => {
    const { p, calls } = port();
    const flow = new ImportFlow(p);
    expect(await flow.confirm()).toBe(false);
    const checking = flow.choose(file());
    expect(flow.step).toBe('checking');
    expect(flow.busy).toBe(true);
    await checking;
    expect(flow.step).toBe('preview');
    expect(flow.preview).toEqual(preview);
    expect(calls).toEqual(['preview cau-hoi.xlsx']);
    expect(await flow.confirm()).toBe(true);
    expect(flow.step).toBe('done');
    expect(flow.result).toEqual({ imported: 1, total: 6 });
    expect(calls).toEqual(['preview cau-hoi.xlsx', 'store cau-hoi.xlsx']);
  });

  it('shows the per-row errors of an invalid file and stores nothing', async () => {
    const details = [
      { row: 0, message: 'Thiếu cột bắt buộc: Đáp án B' },
      { row: 3, message: 'Đáp án đúng "Z" không hợp lệ' },
    ];
    const { p, calls } = port({
      preview: async () => {
        throw new ApiError(422, 'IMPORT_INVALID', 'bad', details);
      },
    });
    const flow = new ImportFlow(p);
    await flow.choose(file('loi.csv'));
    expect(flow.step).toBe('invalid');
    expect(flow.rowErrors).toEqual(details);
    expect(await flow.confirm()).toBe(false);
    expect(calls).toEqual([]);
  });

  it('reports other failures as such (network, a contest published meanwhile)', async () => {
    const { p } = port({
      store: async () => {
        throw new ApiError(409, 'INVALID_STATE', 'published');
      },
    });
    const flow = new ImportFlow(p);
    await flow.choose(file());
    expect(await flow.confirm()).toBe(false);
    expect(flow.step).toBe('failed');
    expect(flow.error).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('ignores the late answer about a file the person has replaced', async () => {
    let release!: (v: ImportPreview) => void;
    const { p } = port({ preview: (f) => (f.name === 'cu.csv' ? new Promise((r) => (release = r)) : Promise.resolve(preview)) });
    const flow = new ImportFlow(p);
    const old = flow.choose(file('cu.csv'));
    await flow.choose(file('moi.xlsx'));
    release({ questions: [], total: 0 });
    await old;
    expect(flow.file!.name).toBe('moi.xlsx');
    expect(flow.preview).toEqual(preview);
    flow.reset();
    expect(flow.step).toBe('idle');
    expect(flow.file).toBeUndefined();
  });
});
