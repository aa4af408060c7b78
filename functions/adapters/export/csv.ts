// CSV as Excel opens it: UTF-8 with a BOM (so Vietnamese accents show), CRLF line endings, a field
// quoted when it holds a comma, a quote, a line break or edge spaces (quotes doubled inside).
// Writing needs none of a parser's weight (papaparse stays in the importer, which reads CSV).

const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
