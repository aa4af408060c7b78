// Shapes shared by the question-file readers (CSV, XLSX) and the validator.

/** One question as it will be stored: `correct` holds indexes into `options`, sorted, unique. */
export interface ParsedQuestion {
  text: string;
  options: string[];
  correct: number[];
  topic?: string;
  explanation?: string;
}

/**
 * `row` is the data-row number: 1 = the first row under the header, so row N
 * is spreadsheet line N + 1. Row 0 means the file as a whole (type, encoding,
 * headers, size, summary of left-out errors).
 */
export interface ImportError {
  row: number;
  message: string;
}

export type ParseQuestionFileResult =
  | { ok: true; questions: ParsedQuestion[] }
  | { ok: false; errors: ImportError[] };

/** A cell as read from the file: its text, or a problem that makes it unusable (e.g. `#N/A`). */
export type GridCell = string | { problem: string };

/** One non-empty record of the file; `row` uses the ImportError numbering (header = 0). */
export interface GridRow {
  row: number;
  /** Indexed by 0-based column; may be sparse/short. */
  cells: GridCell[];
}

export type GridResult = { ok: true; rows: GridRow[] } | { ok: false; errors: ImportError[] };
