// A person is identified in a contest by their phone number, so every way of typing
// the same Vietnamese mobile number must collapse to one string: `0` + 9 digits.
//
// Accepted mobile ranges: 03x, 05x, 07x, 08x, 09x (the 10-digit plan since the 2018
// renumbering). The third digit is not checked: carriers get new blocks now and then
// (055, 052, 087...) and turning away a real participant costs more than accepting a
// typo. Rejected: landlines (02x), the retired 11-digit 01xx numbers, anything not 10
// digits once the country code is dropped.

const MOBILE = /^0[35789]\d{8}$/;
// Spaces (incl. NBSP after NFKC), dots, hyphens and dashes, parentheses, slashes.
const SEPARATORS = /[\s.\-\u2010-\u2015\u2212()/]/g;
// Optional country code (+84, 0084, or a bare 84 when exactly 9-10 digits follow),
// optional trunk 0 (so `+84 (0) 912...` works and a forgotten leading 0 too), 9 digits.
const SHAPE = /^(?:(?:\+|00)84|84(?=0?\d{9}$))?0?(\d{9})$/;

export function normalizePhone(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  // NFKC turns fullwidth digits and `＋` into ASCII and NBSP into a plain space.
  const match = SHAPE.exec(input.normalize('NFKC').replace(SEPARATORS, ''));
  const phone = match ? `0${match[1]}` : null;
  return phone !== null && MOBILE.test(phone) ? phone : null;
}

/** Public form of a phone number: enough to recognise your own row, not enough to call anyone. */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '*'.repeat(phone.length);
  return `${phone.slice(0, 4)}***${phone.slice(-3)}`;
}
