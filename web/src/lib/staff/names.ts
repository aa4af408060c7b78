// Vietnamese names are written family, middle, given ("Nguyễn Văn An") but listed by the given
// name, then the middle, then the family name, in Vietnamese alphabetical order (a < ă < â,
// d < đ, tones after letters). The server's exports list by rank, so only the console sorts.

const collator = new Intl.Collator('vi', { numeric: true });

export interface NameParts {
  given: string;
  middle: string;
  family: string;
}

/** "Nguyễn Thị Minh Khai" -> family "Nguyễn", middle "Thị Minh", given "Khai"; one word is a given name. */
export function nameParts(fullName: string): NameParts {
  const words = fullName.normalize('NFC').trim().split(/\s+/).filter(Boolean);
  const given = words.pop() ?? '';
  const family = words.shift() ?? '';
  return { given, middle: words.join(' '), family };
}

/** Orders full names as a Vietnamese list does: given, then middle, then family name; the whole name last. */
export function compareVietnameseNames(a: string, b: string): number {
  const x = nameParts(a);
  const y = nameParts(b);
  return (
    collator.compare(x.given, y.given) ||
    collator.compare(x.middle, y.middle) ||
    collator.compare(x.family, y.family) ||
    collator.compare(a.normalize('NFC'), b.normalize('NFC'))
  );
}
