import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijkmnpqrstuvwxyz'; // no l/o: ids get read aloud and typed

/** Short random ids (~72 bits at 14 chars) for units, contests, questions and attempts. */
export function newId(length = 14): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}
