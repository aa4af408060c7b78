// CSV as Excel opens it: UTF-8 with a BOM (so Vietnamese accents show), CRLF line endings, fields
// quoted by papaparse (the parser the importer reads CSV with) when they need it.
import Papa from 'papaparse';

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${csvLines([header, ...rows])}`;
}

/** Lines of CSV (each ending in CRLF), no BOM: a file written in pieces is the pieces joined. */
export function csvLines(rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return '';
  const data = rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))));
  return `${Papa.unparse(data, { newline: '\r\n', header: false })}\r\n`;
}
