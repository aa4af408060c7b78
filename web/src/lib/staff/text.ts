// Search that ignores case and Vietnamese diacritics ("nguyen" finds "Nguyễn").
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim();
}

export function matches(haystack: readonly (string | number | null | undefined)[], query: string): boolean {
  const q = fold(query);
  if (!q) return true;
  return q.split(/\s+/).every((word) => haystack.some((h) => h !== null && h !== undefined && fold(String(h)).includes(word)));
}

/** Lines of a textarea as a clean list: trimmed, no blanks, no duplicates (ignoring case). */
export function linesOf(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const v = line.replace(/\s+/g, ' ').trim();
    const k = v.toLocaleLowerCase('vi');
    if (v && !seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}
