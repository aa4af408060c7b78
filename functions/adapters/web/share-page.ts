// The contest page as a link preview sees it: Zalo's and Facebook's crawlers run no JavaScript, so
// the built index.html gets the contest's Open Graph and Twitter meta written into its <head>.
// Pure: the caller gives the HTML, the contest (or nothing) and the public origin.

export interface ShareContest {
  id: string;
  title: string;
  description?: string;
  rules?: string;
}

export interface ShareMeta {
  title: string;
  description: string;
  /** Absolute canonical URL of the page. */
  url: string;
  /** Absolute URL of a 1200x630 PNG. */
  image: string;
}

/** The branded default preview image (web/public/og-image.png), 1200x630. */
export const OG_IMAGE_PATH = '/og-image.png';
export const OG_IMAGE_SIZE = { width: 1200, height: 630 } as const;

const SITE_NAME = 'Thi tìm hiểu trực tuyến';
const GENERIC_DESCRIPTION = 'Cuộc thi tìm hiểu trực tuyến: đăng ký, làm bài trên điện thoại, xem kết quả và bảng xếp hạng.';
/** Previews show about two lines; longer text is cut at a word with an ellipsis. */
const DESCRIPTION_MAX = 200;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function summarize(text: string, max = DESCRIPTION_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > max / 2 ? cut.slice(0, atWord) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * The meta of `/contests/{id}`: the contest's title and a description from it, or the generic page
 * for an unknown or draft contest (a preview never shows an error). `?unit=` links keep their query
 * in the canonical URL, so a unit's link previews as itself.
 */
export function contestShareMeta(contest: ShareContest | undefined, origin: string, unitId?: string): ShareMeta {
  const image = `${origin}${OG_IMAGE_PATH}`;
  if (!contest) return { title: SITE_NAME, description: GENERIC_DESCRIPTION, url: `${origin}/`, image };
  const path = `/contests/${encodeURIComponent(contest.id)}`;
  const query = unitId ? `?unit=${encodeURIComponent(unitId)}` : '';
  const from = contest.description?.trim() || contest.rules?.trim() || GENERIC_DESCRIPTION;
  return { title: contest.title, description: summarize(from), url: `${origin}${path}${query}`, image };
}

/** index.html with its <title>, description and the Open Graph / Twitter tags of `meta`. */
export function renderSharePage(indexHtml: string, meta: ShareMeta): string {
  const title = escapeHtml(meta.title);
  const description = escapeHtml(meta.description);
  const tags = [
    `<link rel="canonical" href="${escapeHtml(meta.url)}" />`,
    `<meta property="og:type" content="website" />`,
    `<meta property="og:site_name" content="${escapeHtml(SITE_NAME)}" />`,
    `<meta property="og:locale" content="vi_VN" />`,
    `<meta property="og:title" content="${title}" />`,
    `<meta property="og:description" content="${description}" />`,
    `<meta property="og:url" content="${escapeHtml(meta.url)}" />`,
    `<meta property="og:image" content="${escapeHtml(meta.image)}" />`,
    `<meta property="og:image:type" content="image/png" />`,
    `<meta property="og:image:width" content="${OG_IMAGE_SIZE.width}" />`,
    `<meta property="og:image:height" content="${OG_IMAGE_SIZE.height}" />`,
    `<meta property="og:image:alt" content="${title}" />`,
    `<meta name="twitter:card" content="summary_large_image" />`,
    `<meta name="twitter:title" content="${title}" />`,
    `<meta name="twitter:description" content="${description}" />`,
    `<meta name="twitter:image" content="${escapeHtml(meta.image)}" />`,
  ].join('\n    ');
  return indexHtml
    .replace(/<title>[\s\S]*?<\/title>/, `<title>${title}</title>`)
    .replace(/<meta name="description" content="[^"]*"\s*\/?>/, `<meta name="description" content="${description}" />`)
    .replace('</head>', `    ${tags}\n  </head>`);
}
