// Limits of a question-bank import. The text bounds come from the domain
// (functions/domain/limits.ts LIMITS, also used by POST .../questions) so an
// imported question is never one the form would refuse; options are kept
// stricter (300) because they are buttons on a 360 px phone screen. Lengths
// count UTF-16 units after cleaning, as the domain does (= characters for
// Vietnamese text in NFC).

import { LIMITS } from '../../domain/limits.ts';

export const MAX_QUESTION_LENGTH = LIMITS.questionText.max;
export const MAX_OPTION_LENGTH = Math.min(300, LIMITS.optionText.max);
export const MAX_EXPLANATION_LENGTH = LIMITS.explanation.max;
export const MAX_TOPIC_LENGTH = LIMITS.topic.max;

export const MIN_OPTIONS = LIMITS.options.min;
/** Options are columns A..F. */
export const MAX_OPTIONS = LIMITS.options.max;

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
/** Huge-sheet guard for .xlsx: the grid the reader lays out (last row x last column with a value), merged ranges included. */
export const MAX_XLSX_CELLS = 2_000_000;
