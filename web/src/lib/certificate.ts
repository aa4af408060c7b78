// The certificate of participation (giấy chứng nhận tham gia) a person saves or shares after a
// scored attempt: a PNG drawn on a canvas with the phone's own fonts (Roboto / Noto on Android
// carry Vietnamese), so no font is downloaded. Loaded with import() on first use: it costs the
// participant entry nothing. It takes the translation function as an argument, so it imports
// nothing and a test can load it on its own.
import type { CertKey } from './i18n/cert-vi.ts';

export type Translate = (key: CertKey, params?: Record<string, string | number>) => string;

export interface CertificateData {
  fullName: string;
  unitName?: string | undefined;
  contestTitle: string;
  roundName?: string | undefined;
  /** The attempt's submission time (ISO). */
  submittedAt: string;
  correctCount: number;
  questionCount: number;
}

export const CERTIFICATE_SIZE = { width: 1600, height: 1131 } as const; // A4 landscape ratio (√2)

const FONT = "'Roboto', 'Noto Sans', 'Segoe UI', 'DejaVu Sans', Arial, sans-serif";
const SERIF = "'Noto Serif', 'Times New Roman', 'DejaVu Serif', serif";
const RED = '#b71c1c';
const INK = '#1b1f24';
const GOLD = '#c9a227';

/** Lines of at most `max` wide, cut at spaces (a word longer than a line stays whole). Pure. */
export function wrapText(text: string, max: number, width: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.replace(/\s+/g, ' ').trim().split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && width(next) > max) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** The date in Vietnam time, "ngày 03 tháng 12 năm 2026" in Vietnamese. */
export function certificateDate(iso: string, t: Translate): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return t('cert.date', { d: parts.day!, m: parts.month!, y: parts.year! });
}

/** Draws the certificate on `canvas` (created when not given). */
export function drawCertificate(data: CertificateData, t: Translate, canvas: HTMLCanvasElement = document.createElement('canvas')): HTMLCanvasElement {
  const { width: W, height: H } = CERTIFICATE_SIZE;
  canvas.width = W;
  canvas.height = H;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#fffdf5';
  g.fillRect(0, 0, W, H);
  // Double frame.
  g.strokeStyle = RED;
  g.lineWidth = 14;
  g.strokeRect(36, 36, W - 72, H - 72);
  g.strokeStyle = GOLD;
  g.lineWidth = 4;
  g.strokeRect(66, 66, W - 132, H - 132);

  g.textAlign = 'center';
  g.textBaseline = 'alphabetic';
  const center = W / 2;
  const text = (s: string, y: number, font: string, color = INK) => {
    g.font = font;
    g.fillStyle = color;
    g.fillText(s, center, y);
  };
  const block = (s: string, y: number, font: string, lineHeight: number, maxWidth: number, color = INK, maxLines = 3) => {
    g.font = font;
    const lines = wrapText(s, maxWidth, (x) => g.measureText(x).width);
    const shown = lines.length > maxLines ? [...lines.slice(0, maxLines - 1), `${lines.slice(maxLines - 1).join(' ').slice(0, 60)}…`] : lines;
    shown.forEach((l, i) => text(l, y + i * lineHeight, font, color));
    return y + shown.length * lineHeight;
  };

  text(t('cert.title'), 250, `700 96px ${SERIF}`, RED);
  text(t('cert.subtitle'), 320, `400 40px ${FONT}`);
  let y = block(data.contestTitle, 390, `700 46px ${FONT}`, 58, W - 300, INK, 2);
  text(t('cert.certifies'), y + 50, `400 36px ${FONT}`);
  y = block(data.fullName, y + 150, `700 84px ${SERIF}`, 96, W - 300, RED, 2);
  if (data.unitName) {
    text(t('cert.unit', { unit: data.unitName }), y + 20, `400 40px ${FONT}`);
    y += 64;
  }
  if (data.roundName) {
    text(t('cert.round', { round: data.roundName }), y + 20, `400 36px ${FONT}`);
    y += 56;
  }
  text(t('cert.score', { n: data.correctCount, total: data.questionCount }), y + 40, `700 48px ${FONT}`);
  text(certificateDate(data.submittedAt, t), H - 150, `italic 400 34px ${FONT}`);
  return canvas;
}

/** The certificate as a PNG file, named after the person. */
export async function certificateFile(data: CertificateData, t: Translate): Promise<File> {
  const canvas = drawCertificate(data, t);
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/png'));
  const slug = data.fullName.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return new File([blob], `giay-chung-nhan-${slug || 'thi'}.png`, { type: 'image/png' });
}

/**
 * Shares the certificate with the phone's share sheet when it accepts files (Android Chrome,
 * Safari 15+), else downloads it. Returns how it went.
 */
export async function shareCertificate(data: CertificateData, t: Translate): Promise<'shared' | 'downloaded' | 'cancelled'> {
  const file = await certificateFile(data, t);
  if (typeof navigator.canShare === 'function' && navigator.canShare({ files: [file] })) {
    try {
      await navigator.share({ files: [file], title: t('cert.title') });
      return 'shared';
    } catch (error) {
      if ((error as DOMException).name === 'AbortError') return 'cancelled';
      // NotAllowedError (no user gesture left after drawing) and others: fall back to a download.
    }
  }
  const url = URL.createObjectURL(file);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return 'downloaded';
}
