// Names are typed on phones with Vietnamese keyboards that emit either precomposed or
// combining diacritics, so "Nguyễn" can arrive as two different strings: NFC first.

/** Length bounds of a person's full name, in Unicode code points after normalisation. */
export const NAME_MIN = 2;
export const NAME_MAX = 80;

// Control (Cc) and invisible format (Cf: zero-width spaces, BOM, bidi marks) characters
// make look-alike names and break exports; none of them belongs in a name.
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/** NFC, invisible characters removed, whitespace runs collapsed to one space, trimmed. */
export function cleanText(input: string): string {
  return input
    .normalize('NFC')
    .replace(/[\t\n\v\f\r]/g, ' ') // line breaks separate words: keep a space, not nothing
    .replace(INVISIBLE, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * Like cleanText, but line breaks survive (a question typed with Alt+Enter in an Excel cell):
 * each line cleaned and trimmed, CR LF and CR read as LF, at most one blank line in a row.
 */
export function cleanMultilineText(input: string): string {
  return input
    .normalize('NFC')
    .replace(/\r\n?|[\v\f\u2028\u2029]/g, '\n')
    .split('\n')
    .map(cleanText)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A person's full name, or null when it is too short, too long or has no letter at all. */
export function normalizeName(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const name = cleanText(input);
  const length = [...name].length;
  if (length < NAME_MIN || length > NAME_MAX || !/\p{L}/u.test(name)) return null;
  return name;
}

/**
 * The form of a name that decides whether two registrations of one phone are the same person:
 * case, spacing and diacritics ignored, so "nguyen van a" is "Nguyễn Văn A" (people type with
 * and without a Vietnamese keyboard) but "Lê Thị B" is someone else.
 */
export function nameKey(name: string): string {
  return cleanText(name)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLocaleLowerCase('vi');
}

/** Initials only ("Nguyễn Văn Hùng" -> "N. V. H."): enough for a family to recognise, not to look anyone up. */
export function maskName(name: string): string {
  return cleanText(name)
    .split(' ')
    .map((word) => [...word].find((ch) => /\p{L}/u.test(ch)))
    .filter((ch): ch is string => ch !== undefined)
    .map((ch) => `${ch.toLocaleUpperCase('vi')}.`)
    .join(' ');
}
