import { describe, expect, it } from 'vitest';
import { contestShareMeta, renderSharePage, summarize } from '../../../functions/adapters/web/share-page.ts';
import { isSharePage } from '../../../functions/local/share.ts';
import { contestPath } from '../../../web/src/lib/router.svelte.ts';
import { unitLink } from '../../../web/src/lib/staff/share.ts';

const INDEX = `<!doctype html><html lang="vi"><head>
<meta charset="utf-8" />
<meta name="description" content="Generic." />
<title>Thi tìm hiểu trực tuyến</title>
</head><body><div id="app"></div></body></html>`;

const metaOf = (html: string, attr: 'property' | 'name', key: string) =>
  new RegExp(`<meta ${attr}="${key}" content="([^"]*)"`).exec(html)?.[1];

describe('contestShareMeta', () => {
  const contest = { id: 'cchc-2024', title: 'Tìm hiểu CCHC năm 2024', description: 'Cuộc thi dành cho hội viên các đoàn thể.' };

  it.each([
    ['a contest', contest, undefined, 'Tìm hiểu CCHC năm 2024', 'https://thi.example.vn/contests/cchc-2024'],
    ['a unit link keeps its ?unit=', contest, 'hoi-nong-dan', 'Tìm hiểu CCHC năm 2024', 'https://thi.example.vn/contests/cchc-2024?unit=hoi-nong-dan'],
    ['an unknown or draft contest gets the generic page', undefined, undefined, 'Thi tìm hiểu trực tuyến', 'https://thi.example.vn/'],
  ])('%s', (_name, c, unit, title, url) => {
    const meta = contestShareMeta(c, 'https://thi.example.vn', unit);
    expect(meta.title).toBe(title);
    expect(meta.url).toBe(url);
    expect(meta.image).toBe('https://thi.example.vn/og-image.png');
  });

  it('falls back from the description to the rules, then to a generic sentence', () => {
    expect(contestShareMeta({ id: 'a', title: 'T', rules: 'Thể lệ: mỗi người thi 3 lượt.' }, 'https://x.vn').description).toBe('Thể lệ: mỗi người thi 3 lượt.');
    expect(contestShareMeta({ id: 'a', title: 'T', description: '  ' }, 'https://x.vn').description).toMatch(/Cuộc thi tìm hiểu trực tuyến/);
  });

  it('encodes ids and units in the URL', () => {
    expect(contestShareMeta({ id: 'a b', title: 'T' }, 'https://x.vn', 'x&y').url).toBe('https://x.vn/contests/a%20b?unit=x%26y');
  });
});

describe('summarize', () => {
  it('keeps short text, flattening line breaks', () => expect(summarize('Dòng 1\n\nDòng 2')).toBe('Dòng 1 Dòng 2'));
  it('cuts long text at a word, with an ellipsis, within the limit', () => {
    const text = 'cải cách hành chính '.repeat(30);
    const out = summarize(text, 50);
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out.endsWith('…')).toBe(true);
    expect(text.startsWith(out.slice(0, -1))).toBe(true);
    expect(out.slice(0, -1).endsWith(' ')).toBe(false);
  });
});

describe('renderSharePage', () => {
  it('writes title, description, Open Graph and Twitter tags into the head, escaped', () => {
    const html = renderSharePage(INDEX, {
      title: 'Thi "Một cửa" <2024> & hơn',
      description: 'Mô tả',
      url: 'https://x.vn/contests/a?unit=u',
      image: 'https://x.vn/og-image.png',
    });
    expect(html).toContain('<title>Thi &quot;Một cửa&quot; &lt;2024&gt; &amp; hơn</title>');
    expect(html).not.toContain('Thi tìm hiểu trực tuyến</title>');
    expect(metaOf(html, 'name', 'description')).toBe('Mô tả');
    expect(metaOf(html, 'property', 'og:title')).toBe('Thi &quot;Một cửa&quot; &lt;2024&gt; &amp; hơn');
    expect(metaOf(html, 'property', 'og:url')).toBe('https://x.vn/contests/a?unit=u');
    expect(metaOf(html, 'property', 'og:image')).toBe('https://x.vn/og-image.png');
    expect(metaOf(html, 'property', 'og:image:width')).toBe('1200');
    expect(metaOf(html, 'name', 'twitter:card')).toBe('summary_large_image');
    expect(html).toContain('<link rel="canonical" href="https://x.vn/contests/a?unit=u" />');
    // Everything lands inside <head>, and the body is untouched.
    expect(html.indexOf('og:title')).toBeLessThan(html.indexOf('</head>'));
    expect(html).toContain('<body><div id="app"></div></body>');
  });
});

describe('the links people share are the canonical ones', () => {
  it.each([
    ['cchc-2024', undefined],
    ['cchc-2024', 'hoi-phu-nu'],
    ['id with space', 'đơn vị & 1'],
  ])('contest %s, unit %s: share kit link = canonical URL', async (id, unit) => {
    const { unitLink } = await import('../../../web/src/lib/staff/share.ts');
    expect(unitLink('https://thi.example.vn/', id, unit)).toBe(contestShareMeta({ id, title: 'T' }, 'https://thi.example.vn', unit).url);
  });
});

describe('the links people share are the share page', () => {
  // The console's share kit (unitLink) and the app's share button (contestPath + ?unit=) make these
  // links; CloudFront sends /contests/* to the share function (infra/stacks/web.ts), locally isSharePage.
  it.each([undefined, 'hoi-nong-dan', 'đoàn thanh niên'])('unit %s: a share-page path, whose canonical URL is the link itself', (unit) => {
    const origin = 'https://d111.cloudfront.net';
    const link = unitLink(origin, 'cchc 2024', unit);
    const url = new URL(link);
    expect(isSharePage('GET', url.pathname)).toBe(true);
    expect(url.pathname.startsWith('/contests/')).toBe(true);
    expect(origin + contestPath('cchc 2024') + (unit ? `?unit=${encodeURIComponent(unit)}` : '')).toBe(link);
    expect(contestShareMeta({ id: 'cchc 2024', title: 'T' }, origin, unit).url).toBe(link);
  });
});
