// Simulated participants: distinct valid Vietnamese mobiles, Vietnamese names, the contest's units
// and villages round-robin, and answers picked at random among each question's shown options.

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'A', 'Y', 'Đinh', 'Hoàng', 'Võ', 'Đặng'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Minh', 'Lăng', 'Ngọc', 'Đức', 'Thanh'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Hoa', 'Hùng', 'Lan', 'Mai', 'Nam', 'Phúc', 'Quang', 'Sương', 'Tâm', 'Thảo', 'Vy', 'Xuân'];

export const fullName = (i: number) => `${FAMILY[i % FAMILY.length]} ${MIDDLE[(i >> 3) % MIDDLE.length]} ${GIVEN[(i >> 5) % GIVEN.length]}`;

/**
 * A distinct canonical mobile for (prefix, i): `0` + prefix digit + 8 digits, e.g. 09xxxxxxxx.
 * Each load phase uses its own prefix (3, 5, 7, 8, 9) so phases never share a person.
 */
export function phone(prefix: 3 | 5 | 7 | 8 | 9, i: number): string {
  if (i >= 1e8) throw new RangeError('at most 10^8 phones per prefix');
  // Spread consecutive indexes over the whole range (a bijection mod 10^8): looks like real numbers.
  const scrambled = (i * 37_019_887 + 12_345_679) % 100_000_000;
  return `0${prefix}${String(scrambled).padStart(8, '0')}`;
}

export interface PublicQuestion {
  id: string;
  multiple: boolean;
  options: { id: string }[];
}

/** One answer per question: a random shown option (two for a multi-answer question, when it has them). */
export function randomAnswers(questions: PublicQuestion[]): Record<string, string[]> {
  return Object.fromEntries(
    questions.map((q) => {
      const ids = q.options.map((o) => o.id);
      const first = ids[Math.floor(Math.random() * ids.length)]!;
      if (!q.multiple || ids.length < 2) return [q.id, [first]];
      const second = ids.filter((id) => id !== first)[Math.floor(Math.random() * (ids.length - 1))]!;
      return [q.id, [first, second]];
    }),
  );
}

export function split<T extends Record<string, unknown>>(answers: T): [Partial<T>, Partial<T>] {
  const entries = Object.entries(answers);
  const half = Math.ceil(entries.length / 2);
  return [Object.fromEntries(entries.slice(0, half)) as Partial<T>, Object.fromEntries(entries.slice(half)) as Partial<T>];
}

/**
 * Where participant i connects from, as CloudFront would report it: 1,024 addresses of the
 * carrier-grade NAT range mobile carriers use, shared round-robin (a village hall, a carrier NAT).
 * The local stack believes X-Viewer-Address only with the origin secret, as on AWS.
 */
export const ORIGIN_SECRET = 'bench-origin-verify-secret';
export function viewerHeaders(i: number): Record<string, string> {
  const a = i % 1024;
  return { 'x-origin-verify': ORIGIN_SECRET, 'x-viewer-address': `100.64.${a >> 8}.${a & 255}` };
}
