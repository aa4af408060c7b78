// Issue 14: links that look right in Zalo and Facebook. Their crawlers fetch the page without
// running JavaScript; the contest's title, description, canonical URL and a reachable 1200x630
// PNG must be in the HTML the server sends.
import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { expectStatus } from '../helpers/contest.ts';
import { ADMIN, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
let api: ReturnType<typeof apiClient>;
let token: string;

beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
  token = await api.login(ADMIN.email, ADMIN.password);
});

const ZALO_UA = 'Mozilla/5.0 (compatible; Zalo/1.0; +https://zalo.me)';
const crawl = async (path: string) => {
  const res = await fetch(server.baseUrl + path, { headers: { 'user-agent': ZALO_UA, accept: 'text/html' } });
  return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'), html: await res.text() };
};
const og = (html: string, key: string) => new RegExp(`<meta property="og:${key}" content="([^"]*)"`).exec(html)?.[1];
const unescape = (s: string | undefined) => s?.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('the contest page as a link preview sees it', () => {
  it("carries the contest's title, description, canonical URL and image, and stays the app", async () => {
    const contest = (await api.get('/api/contests/cchc-2024')).body;
    const page = await crawl('/contests/cchc-2024');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(unescape(og(page.html, 'title'))).toBe(contest.title);
    expect(unescape(/<title>([^<]*)<\/title>/.exec(page.html)?.[1])).toBe(contest.title);
    expect(og(page.html, 'description')!.length).toBeGreaterThan(20);
    expect(og(page.html, 'url')).toBe(`http://127.0.0.1:${server.port}/contests/cchc-2024`);
    expect(page.html).toContain('<meta name="twitter:card" content="summary_large_image" />');
    expect(page.html).toContain('<div id="app"');
    expect(page.html).toMatch(/<script type="module"[^>]+src="\/assets\//);
    expect(page.cache).toBe('public, max-age=60');
  });

  it('points at a reachable 1200x630 PNG', async () => {
    const image = og((await crawl('/contests/cchc-2024')).html, 'image')!;
    const res = await fetch(image, { headers: { 'user-agent': ZALO_UA } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height, big-endian, right after the chunk header.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
  });

  it('keeps a unit link as its canonical URL', async () => {
    const units = (await api.get('/api/contests/cchc-2024')).body.units as { id: string }[];
    const page = await crawl(`/contests/cchc-2024?unit=${encodeURIComponent(units[0]!.id)}`);
    expect(og(page.html, 'url')).toBe(`http://127.0.0.1:${server.port}/contests/cchc-2024?unit=${encodeURIComponent(units[0]!.id)}`);
  });

  it('gives unknown and draft contests the generic page, never an error', async () => {
    const draft = await api.post(
      '/api/admin/contests',
      {
        title: 'Bản nháp bí mật',
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        questionsPerAttempt: 1,
        timeLimitSec: 60,
        maxAttempts: 1,
        unitIds: [(await api.get('/api/units')).body.items[0].id],
      },
      token,
    );
    expectStatus(draft, 201);
    for (const path of ['/contests/khong-co', `/contests/${draft.body.id}`, '/contests/%E0%A4%A']) {
      const page = await crawl(path);
      expect(page.status, path).toBe(200);
      expect(og(page.html, 'title'), path).toBe('Thi tìm hiểu trực tuyến');
      expect(page.html, path).not.toContain('Bản nháp bí mật');
      expect(page.html).toContain('<div id="app"');
    }
  });
});
