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
 * `row` is the row number Excel (or LibreOffice, or a text editor's line
 * count for a CSV) shows at the left: the header is row 1, the first question
 * row 2. Row 0 means the file as a whole (type, encoding, headers, size,
 * summary of left-out errors). docs/import.md states the rule.
 */
export interface ImportError {
  row: number;
  message: string;
}

export type ParseQuestionFileResult =
  /** `rows[i]` is the spreadsheet row `questions[i]` came from, numbered as in ImportError. */
  | { ok: true; questions: ParsedQuestion[]; rows: number[] }
  | { ok: false; errors: ImportError[] };

/** A cell as read from the file: its text, or a problem that makes it unusable (e.g. `#N/A`). */
export type GridCell = string | { problem: string };

/** One non-empty record of the file; `row` is its 0-based index (header = 0): sheetRow() turns it into ImportError numbering. */
export interface GridRow {
  row: number;
  /** Indexed by 0-based column; may be sparse/short. */
  cells: GridCell[];
}

export type GridResult = { ok: true; rows: GridRow[] } | { ok: false; errors: ImportError[] };

/** A grid row's index as the spreadsheet row number people see (header = 1). */
export const sheetRow = (gridRow: number): number => gridRow + 1;
