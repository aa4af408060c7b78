// CSV as Excel opens it: UTF-8 with a BOM (so Vietnamese accents show), CRLF line endings, fields
// quoted by papaparse (the parser the importer reads CSV with) when they need it.
import Papa from 'papaparse';

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const data = [header, ...rows].map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))));
  return `\uFEFF${Papa.unparse(data, { newline: '\r\n', header: false })}\r\n`;
}
