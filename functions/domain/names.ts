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

/** A person's full name, or null when it is too short, too long or has no letter at all. */
export function normalizeName(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const name = cleanText(input);
  const length = [...name].length;
  if (length < NAME_MIN || length > NAME_MAX || !/\p{L}/u.test(name)) return null;
  return name;
}
