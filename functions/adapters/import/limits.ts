// Limits of a question-bank import. Text lengths are counted in Unicode code
// points after NFC normalisation and trimming.

export const MAX_QUESTION_LENGTH = 1000;
export const MAX_OPTION_LENGTH = 300;
export const MAX_EXPLANATION_LENGTH = 2000;
export const MAX_TOPIC_LENGTH = 200;

export const MIN_OPTIONS = 2;
/** Options are columns A..F. */
export const MAX_OPTIONS = 6;

/** Non-empty data rows (questions) accepted in one file. */
export const MAX_QUESTION_ROWS = 5000;
/** Errors listed individually; the rest are summarised in one final row-0 entry. */
export const MAX_LISTED_ERRORS = 200;

/** Largest file accepted (bytes of the request body). */
export const MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024;
/** Zip-bomb guard for .xlsx: total uncompressed size of all parts. */
export const MAX_XLSX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;
/** Zip-bomb guard for .xlsx: number of parts in the archive. */
export const MAX_XLSX_ENTRIES = 1000;
