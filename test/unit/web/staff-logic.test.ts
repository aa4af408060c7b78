// Pure parts of the staff console: Vietnam time in the contest editor, the form <-> body
// mapping, who may open which screen, the award list, the dashboard figures, the share
// links, and the staff message catalog (same catalog as the participant app, merged lazily).
import { describe, expect, it } from 'vitest';
import { en } from '../../../web/src/lib/i18n/en.ts';
import { i18n } from '../../../web/src/lib/i18n/index.svelte.ts';
import { staffEn } from '../../../web/src/lib/i18n/staff-en.ts';
import { staffVi } from '../../../web/src/lib/i18n/staff-vi.ts';
import { vi as participantVi } from '../../../web/src/lib/i18n/vi.ts';
import { certificates, documentDate, rankUnits, topPeople } from '../../../web/src/lib/staff/awards.ts';
import { bodyFromForm, emptyForm, formFieldOf, formFromContest, formIssues, patchFromForm } from '../../../web/src/lib/staff/contest-form.ts';
import { fillDays, fillHistogram, overallRate, unitMatrix } from '../../../web/src/lib/staff/dashboard.ts';
import { loadStaffMessages, st } from '../../../web/src/lib/staff/i18n.ts';
import { canOpen, homeOf, matchStaffPath, staffPaths, type StaffRoute } from '../../../web/src/lib/staff/routes.ts';
import { slug, unitLink } from '../../../web/src/lib/staff/share.ts';
import { fold, linesOf, matches } from '../../../web/src/lib/staff/text.ts';
import { fromVietnamInput, toVietnamInput, vietnamHourFrom } from '../../../web/src/lib/staff/time.ts';
import type { AdminContest, ResultRow, Role, Stats, UnitStat } from '../../../web/src/lib/staff/types.ts';

describe('Vietnam time in the editor', () => {
  it.each([
    ['2025-03-01T08:00', '2025-03-01T08:00:00+07:00', '2025-03-01T01:00:00.000Z'],
    ['2025-01-01T00:30', '2025-01-01T00:30:00+07:00', '2024-12-31T17:30:00.000Z'],
    ['2024-02-29T23:59', '2024-02-29T23:59:00+07:00', '2024-02-29T16:59:00.000Z'],
  ])('%s Vietnam time is %s, the instant %s', (input, iso, utc) => {
    expect(fromVietnamInput(input)).toBe(iso);
    expect(new Date(iso).toISOString()).toBe(utc);
    expect(toVietnamInput(utc)).toBe(input);
    expect(toVietnamInput(iso)).toBe(input);
  });

  it.each(['', '2025-02-30T08:00', '2025-13-01T08:00', '2025-01-01 08:00', '2025-01-01T24:00', 'hôm nay'])('refuses %j', (input) => {
    expect(fromVietnamInput(input)).toBeUndefined();
  });

  it('shows any offset as Vietnam time', () => {
    expect(toVietnamInput('2025-03-01T08:00:00+02:00')).toBe('2025-03-01T13:00');
    expect(toVietnamInput('not a date')).toBe('');
  });

  it('proposes whole hours', () => {
    expect(vietnamHourFrom(Date.parse('2025-03-01T01:10:00Z'))).toBe('2025-03-01T09:00');
    expect(vietnamHourFrom(Date.parse('2025-03-01T01:00:00Z'), 2)).toBe('2025-03-03T09:00');
  });
});

const contest = (over: Partial<AdminContest> = {}): AdminContest => ({
  id: 'c-1',
  title: 'Tìm hiểu CCHC',
  description: 'Giới thiệu',
  rules: 'Thể lệ',
  startsAt: '2025-03-01T01:00:00.000Z',
  endsAt: '2025-03-15T10:00:00.000Z',
  questionsPerAttempt: 10,
  timeLimitSec: 600,
  maxAttempts: 3,
  unitIds: ['u1', 'u2'],
  villages: ['Thôn A', 'Thôn B'],
  prediction: { prompt: 'Bao nhiêu người?' },
  showAnswers: 'after_close',
  status: 'draft',
  phase: 'draft',
  questionCount: 12,
  createdAt: '2025-02-01T00:00:00.000Z',
  updatedAt: '2025-02-01T00:00:00.000Z',
  rounds: [{ id: 'r1', no: 1, name: 'Tìm hiểu CCHC', startsAt: '2025-03-01T01:00:00.000Z', endsAt: '2025-03-15T10:00:00.000Z', status: 'upcoming' }],
  hasRounds: false,
  ...over,
});

describe('contest form', () => {
  it('round-trips a contest: form -> body gives the same fields, with the +07:00 offset', () => {
    const c = contest();
    const body = bodyFromForm(formFromContest(c, 'Mặc định?'));
    expect(body).toEqual({
      title: c.title,
      description: c.description,
      rules: c.rules,
      startsAt: '2025-03-01T08:00:00+07:00',
      endsAt: '2025-03-15T17:00:00+07:00',
      questionsPerAttempt: 10,
      timeLimitSec: 600,
      maxAttempts: 3,
      unitIds: ['u1', 'u2'],
      villages: ['Thôn A', 'Thôn B'],
      prediction: { prompt: 'Bao nhiêu người?' },
      showAnswers: 'after_close',
      retentionDays: 365,
      draw: null,
      rounds: null,
    });
    expect(Date.parse(body.startsAt)).toBe(Date.parse(c.startsAt));
  });

  it('topic quotas from the library (issue 13): checked, sent when changed, cleared by choosing the own bank', () => {
    const c = contest();
    const form = formFromContest(c, '');
    form.useLibrary = true;
    form.draw = [{ topic: 'Một cửa', count: 4 }, { topic: 'Dịch vụ công', count: 5 }];
    expect(formIssues(form)).toEqual([{ field: 'draw', message: 'sum' }]);
    form.draw[1]!.count = 6;
    expect(formIssues(form)).toEqual([]);
    expect(patchFromForm(form, c)).toEqual({ draw: [{ topic: 'Một cửa', count: 4 }, { topic: 'Dịch vụ công', count: 6 }] });
    form.draw[1]!.topic = 'Một cửa ';
    expect(formIssues(form)).toEqual([{ field: 'draw', message: 'topic' }]);
    form.draw = [{ topic: 'Một cửa', count: 0 }];
    expect(formIssues(form)).toEqual([{ field: 'draw', message: 'count' }]);

    const fromLibrary = contest({ draw: [{ topic: 'Một cửa', count: 10 }] });
    const again = formFromContest(fromLibrary, '');
    expect(again).toMatchObject({ useLibrary: true, draw: [{ topic: 'Một cửa', count: 10 }] });
    expect(patchFromForm(again, fromLibrary)).toEqual({});
    again.useLibrary = false;
    expect(patchFromForm(again, fromLibrary)).toEqual({ draw: null });
    expect(formFieldOf('draw.1.count')).toBe('draw');
  });

  it('sends nothing when nothing changed, and only what changed otherwise', () => {
    const c = contest();
    const form = formFromContest(c, '');
    expect(patchFromForm(form, c)).toEqual({});
    form.timeLimitMin = 12.5;
    form.villages = 'Thôn A\n\n thôn a \nThôn C';
    form.usePrediction = false;
    expect(patchFromForm(form, c)).toEqual({ timeLimitSec: 750, villages: ['Thôn A', 'Thôn C'], prediction: null });
  });

  it('for a published contest sends only what may still change', () => {
    const c = contest({ status: 'published', phase: 'open' });
    const form = formFromContest(c, '');
    form.title = 'Tên khác';
    form.rules = 'Thể lệ mới';
    form.endsAt = '2025-03-20T17:00';
    expect(patchFromForm(form, c)).toEqual({ rules: 'Thể lệ mới', endsAt: '2025-03-20T17:00:00+07:00' });
    expect(patchFromForm(form, contest({ status: 'closed', phase: 'closed' }))).toEqual({});
  });

  it('lets the retention period change in every status until the phone numbers are gone', () => {
    const closed = contest({ status: 'closed', phase: 'closed', retentionDays: 365 });
    const form = formFromContest(closed, '');
    form.retentionDays = 30;
    form.title = 'Không đổi được';
    expect(patchFromForm(form, closed)).toEqual({ retentionDays: 30 });
    expect(patchFromForm(form, { ...closed, purgedAt: '2026-01-01T00:00:00.000Z' })).toEqual({});
    form.retentionDays = 0;
    expect(formIssues(form).map((i) => i.field)).toContain('retentionDays');
  });

  it('reports each field a person must fix, before any request', () => {
    const form = emptyForm(Date.parse('2025-03-01T01:00:00Z'), [], 'Bao nhiêu?');
    form.title = 'ab';
    form.endsAt = form.startsAt;
    form.questionsPerAttempt = 0;
    form.timeLimitMin = Number.NaN;
    form.maxAttempts = 1.5;
    form.usePrediction = true;
    form.predictionPrompt = ' ';
    expect(formIssues(form).map((i) => `${i.field}:${i.message}`)).toEqual([
      'title:length',
      'endsAt:order',
      'questionsPerAttempt:range',
      'maxAttempts:range',
      'timeLimitSec:range',
      'unitIds:required',
      'prediction.prompt:length',
    ]);
    const ok = emptyForm(Date.parse('2025-03-01T01:00:00Z'), ['u1'], 'Bao nhiêu?');
    ok.title = 'Cuộc thi';
    expect(formIssues(ok)).toEqual([]);
  });

  it.each([
    ['villages.3', 'villages'],
    ['unitIds.0', 'unitIds'],
    ['prediction.prompt', 'prediction.prompt'],
    ['title', 'title'],
  ])('maps the server field %s to the form field %s', (server, field) => expect(formFieldOf(server)).toBe(field));
});

describe('who opens what', () => {
  const screens: [string, Record<Role, boolean>][] = [
    ['/', { admin: true, organizer: true, observer: true }],
    ['/contests', { admin: true, organizer: true, observer: false }],
    ['/contests/new', { admin: true, organizer: true, observer: false }],
    ['/contests/c-1/results', { admin: true, organizer: true, observer: false }],
    ['/contests/c-1/share', { admin: true, organizer: true, observer: false }],
    ['/units', { admin: true, organizer: false, observer: false }],
    ['/users', { admin: true, organizer: false, observer: false }],
    ['/dashboard', { admin: true, organizer: true, observer: true }],
    ['/dashboard/c-1', { admin: true, organizer: true, observer: true }],
  ];
  it.each(screens)('%s', (path, allowed) => {
    const route = matchStaffPath(path);
    for (const role of ['admin', 'organizer', 'observer'] as Role[]) expect(canOpen(role, route), role).toBe(allowed[role]);
  });

  it.each<[string, StaffRoute]>([
    ['', { name: 'home' }],
    ['/contests/', { name: 'contests' }],
    ['/contests/a%20b', { name: 'contest', id: 'a b', tab: 'settings' }],
    ['/contests/c-1/monitor', { name: 'contest', id: 'c-1', tab: 'monitor' }],
    ['/contests/c-1/settings', { name: 'notFound' }],
    ['/contests/c-1/nope', { name: 'notFound' }],
    ['/contests/%E0%A4%A', { name: 'notFound' }],
    ['/dashboard/c-1', { name: 'dashboard', id: 'c-1' }],
    ['/units/x', { name: 'notFound' }],
  ])('reads %j', (path, route) => expect(matchStaffPath(path)).toEqual(route));

  it('builds the paths it reads', () => {
    expect(matchStaffPath(staffPaths.contest('c 1', 'awards').replace('/admin', ''))).toEqual({ name: 'contest', id: 'c 1', tab: 'awards' });
    expect(staffPaths.contest('c-1')).toBe('/admin/contests/c-1');
    expect(homeOf('observer')).toBe('/admin/dashboard');
    expect(homeOf('organizer')).toBe('/admin/contests');
  });
});

describe('award list', () => {
  const row = (rank: number, fullName: string): ResultRow => ({
    rank,
    fullName,
    phone: `09${rank}${fullName.length}`,
    unitId: 'u',
    unitName: 'U',
    village: null,
    correctCount: 10 - rank,
    prediction: null,
    predictionError: null,
    durationMs: 1000,
    submittedAt: '2025-03-01T01:00:00.000Z',
    attempts: 1,
  });
  const ranking = [row(1, 'A'), row(2, 'B'), row(3, 'C'), row(3, 'D'), row(5, 'E')];

  it('takes the top N and whoever shares the N-th rank', () => {
    expect(topPeople(ranking, 2).map((r) => r.fullName)).toEqual(['A', 'B']);
    expect(topPeople(ranking, 3).map((r) => r.fullName)).toEqual(['A', 'B', 'C', 'D']);
    expect(topPeople(ranking, 10)).toHaveLength(5);
    expect(topPeople(ranking, 0)).toEqual([]);
  });

  it('award certificates: one per row given, in ranking order, whatever ranking (a round\'s too)', () => {
    expect(certificates([row(3, 'C'), row(1, 'A'), row(2, 'B')]).map((r) => r.fullName)).toEqual(['A', 'B', 'C']);
    expect(certificates([])).toEqual([]);
  });

  it('the document date line: Vietnam calendar day, leading zero below 10 and for months 1 and 2 (Decree 30)', () => {
    // 23:30 UTC on 4 January is already 5 January in Vietnam.
    expect(documentDate('2026-01-04T23:30:00Z')).toEqual({ d: '05', m: '01', y: '2026' });
    expect(documentDate('2026-02-15T03:00:00Z')).toEqual({ d: '15', m: '02', y: '2026' });
    expect(documentDate('2026-03-09T03:00:00Z')).toEqual({ d: '09', m: '3', y: '2026' });
    expect(documentDate('2026-12-03T03:00:00Z')).toEqual({ d: '03', m: '12', y: '2026' });
  });

  it('ranks units by rate, then participants, then average; equal units share a rank', () => {
    const u = (unitId: string, participationRate: number, participants: number, averageCorrect: number): UnitStat => ({
      unitId,
      name: unitId,
      memberCount: 100,
      participants,
      participationRate,
      averageCorrect,
    });
    const ranked = rankUnits([u('a', 0.1, 10, 5), u('b', 0.2, 5, 5), u('c', 0.1, 10, 5), u('d', 0.1, 12, 1), u('e', 0.1, 10, 6)]);
    expect(ranked.map((r) => `${r.unit.unitId}${r.rank}`)).toEqual(['b1', 'd2', 'e3', 'a4', 'c4']);
  });
});

describe('dashboard figures', () => {
  it('fills quiet days and keeps a running total', () => {
    expect(
      fillDays([
        { date: '2025-03-03', participants: 1, attempts: 2 },
        { date: '2025-03-01', participants: 3, attempts: 4 },
      ]),
    ).toEqual([
      { date: '2025-03-01', participants: 3, attempts: 4, cumulative: 3 },
      { date: '2025-03-02', participants: 0, attempts: 0, cumulative: 3 },
      { date: '2025-03-03', participants: 1, attempts: 2, cumulative: 4 },
    ]);
    expect(fillDays([])).toEqual([]);
    expect(fillDays([{ date: '2020-01-01', participants: 1, attempts: 1 }, { date: '2030-01-01', participants: 1, attempts: 1 }]).length).toBeLessThanOrEqual(371);
  });

  it('shows every score from 0 to the questions per attempt', () => {
    expect(fillHistogram([{ correctCount: 2, people: 5 }], 3)).toEqual([
      { correctCount: 0, people: 0 },
      { correctCount: 1, people: 0 },
      { correctCount: 2, people: 5 },
      { correctCount: 3, people: 0 },
    ]);
  });

  const stats = (byUnit: [string, number, number][]): Stats => ({
    participants: byUnit.reduce((n, [, , p]) => n + p, 0),
    attempts: 0,
    byRound: [],
    byUnit: byUnit.map(([unitId, memberCount, participants]) => ({ unitId, name: unitId.toUpperCase(), memberCount, participants, participationRate: participants / memberCount, averageCorrect: 0 })),
    byVillage: [],
    byDay: [],
    scoreHistogram: [],
  });

  it('computes the overall rate against the total membership', () => {
    expect(overallRate(stats([['a', 100, 10], ['b', 300, 30]]))).toBeCloseTo(0.1);
    expect(overallRate(stats([]))).toBe(0);
  });

  it('lays units against contests, blank where a unit was not in a contest', () => {
    const m = unitMatrix([
      { id: 'c1', stats: stats([['a', 100, 10]]) },
      { id: 'c2', stats: stats([['a', 100, 20], ['b', 50, 5]]) },
    ]);
    expect(m.units.map((u) => u.unitId)).toEqual(['a', 'b']);
    expect(m.rate('a', 'c2')).toBeCloseTo(0.2);
    expect(m.rate('b', 'c1')).toBeUndefined();
  });
});

describe('share kit and text helpers', () => {
  it('links each unit to the contest with ?unit=', () => {
    expect(unitLink('https://thi.example.vn/', 'cchc-2024', 'hoi-nong-dan')).toBe('https://thi.example.vn/contests/cchc-2024?unit=hoi-nong-dan');
    expect(unitLink('https://thi.example.vn', 'c 1', 'u&1')).toBe('https://thi.example.vn/contests/c%201?unit=u%261');
    expect(unitLink('https://thi.example.vn', 'c1')).toBe('https://thi.example.vn/contests/c1');
  });

  it('makes safe file names and folds Vietnamese for search', () => {
    expect(slug('Hội Liên hiệp Phụ nữ xã')).toBe('hoi-lien-hiep-phu-nu-xa');
    expect(slug('Đoàn Thanh niên')).toBe('doan-thanh-nien');
    expect(slug('!!!')).toBe('qr');
    expect(fold(' Nguyễn ĐỨC ')).toBe('nguyen duc');
    expect(matches(['Nguyễn Đức Anh', null], 'duc anh')).toBe(true);
    expect(matches(['Nguyễn Đức Anh'], 'binh')).toBe(false);
    expect(linesOf(' Thôn A \r\n\nthôn a\nThôn  B')).toEqual(['Thôn A', 'Thôn B']);
  });
});

describe('staff messages', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('English has exactly the keys of Vietnamese', () => {
    expect(Object.keys(staffEn).sort()).toEqual(Object.keys(staffVi).sort());
  });

  it.each(Object.keys(staffVi))('%s: same placeholders in both, no empty text', (key) => {
    const k = key as keyof typeof staffVi;
    expect(staffVi[k].trim()).not.toBe('');
    expect(staffEn[k].trim()).not.toBe('');
    expect(placeholders(staffEn[k])).toEqual(placeholders(staffVi[k]));
  });

  it('shares no key with the participant catalog (one catalog, no shadowing)', () => {
    const participant = new Set([...Object.keys(participantVi), ...Object.keys(en)]);
    expect(Object.keys(staffVi).filter((k) => participant.has(k))).toEqual([]);
  });

  it('is merged into the app catalog and follows the locale', async () => {
    expect(st('staff.signOut')).toBe('staff.signOut'); // not loaded yet: the participant app never has it
    await loadStaffMessages();
    expect(st('staff.signOut')).toBe('Đăng xuất');
    expect(st('staff.signedInAs', { email: 'a@b.vn', role: 'x' })).toBe('Đăng nhập: a@b.vn (x)');
    await i18n.setLocale('en', false);
    expect(st('staff.signOut')).toBe('Sign out');
    expect(i18n.t('reg.title')).toBe(en['reg.title']);
    await i18n.setLocale('vi', false);
    expect(st('staff.signOut')).toBe('Đăng xuất');
  });
});
