// A small, tolerant pull scanner for the XML parts of an .xlsx, and the escaping both ways.
// Not a validating parser: it never throws, skips comments, processing instructions and DOCTYPEs
// (declared entities are never expanded), reads CDATA as text, and strips namespace prefixes
// from element names (some writers emit <x:c>). A truncated or mangled part simply ends early or
// yields odd tokens; the readers above it decide what that means.

export type XmlToken = 'open' | 'close' | 'text' | 'end';

export class XmlScanner {
  private pos = 0;
  /** Local name of the element of the last open/close token. */
  name = '';
  /** Raw attribute text of the last open token (read with attr()). */
  attrs = '';
  /** The last open token was `<x/>`. */
  selfClosing = false;
  /** The last text token, already decoded. */
  text = '';

  constructor(private readonly s: string) {}

  next(): XmlToken {
    const s = this.s;
    const len = s.length;
    for (;;) {
      const pos = this.pos;
      if (pos >= len) return 'end';
      if (s.charCodeAt(pos) !== 60 /* < */) {
        const lt = s.indexOf('<', pos);
        const end = lt < 0 ? len : lt;
        this.text = decodeXml(s.slice(pos, end));
        this.pos = end;
        return 'text';
      }
      if (s.startsWith('<!--', pos)) {
        this.pos = after(s, '-->', pos + 4);
        continue;
      }
      if (s.startsWith('<![CDATA[', pos)) {
        const e = s.indexOf(']]>', pos + 9);
        this.text = s.slice(pos + 9, e < 0 ? len : e);
        this.pos = e < 0 ? len : e + 3;
        return 'text';
      }
      if (s.startsWith('<?', pos)) {
        this.pos = after(s, '?>', pos + 2);
        continue;
      }
      if (s.startsWith('<!', pos)) {
        // <!DOCTYPE ...>, possibly with an internal subset [...] holding '>' characters.
        let e = s.indexOf('>', pos);
        const bracket = s.indexOf('[', pos);
        if (bracket >= 0 && (e < 0 || bracket < e)) {
          const close = s.indexOf(']', bracket);
          e = close < 0 ? -1 : s.indexOf('>', close);
        }
        this.pos = e < 0 ? len : e + 1;
        continue;
      }
      // A tag: up to the first '>' outside quotes.
      let i = pos + 1;
      let quote = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (quote) {
          if (c === quote) quote = 0;
        } else if (c === 34 || c === 39) quote = c;
        else if (c === 62) break;
      }
      if (i >= len) {
        this.pos = len;
        return 'end';
      }
      this.pos = i + 1;
      if (s.charCodeAt(pos + 1) === 47 /* / */) {
        this.name = localName(s.slice(pos + 2, i).trim());
        return 'close';
      }
      this.selfClosing = s.charCodeAt(i - 1) === 47 && i - 1 > pos;
      const bodyEnd = this.selfClosing ? i - 1 : i;
      let j = pos + 1;
      while (j < bodyEnd && !isSpace(s.charCodeAt(j))) j++;
      this.name = localName(s.slice(pos + 1, j));
      this.attrs = s.slice(j, bodyEnd);
      return 'open';
    }
  }

  /** Decoded value of the attribute whose local name is `name` on the last open token. */
  attr(name: string): string | undefined {
    return attr(this.attrs, name);
  }
}

function after(s: string, marker: string, from: number): number {
  const e = s.indexOf(marker, from);
  return e < 0 ? s.length : e + marker.length;
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

const ATTR = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Decoded value of the attribute with local name `name` (any prefix) in a raw attribute string. */
export function attr(attrs: string, name: string): string | undefined {
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(attrs); m; m = ATTR.exec(attrs)) {
    if (localName(m[1]!) === name) return decodeXml(m[2] ?? m[3] ?? '');
  }
  return undefined;
}

const ENTITY = /&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five predefined entities and character references; anything else is left as written. */
export function decodeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (_, e: string) => {
    if (e[0] !== '#') return NAMED[e]!;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/** OOXML writes characters XML cannot hold as `_xHHHH_` (e.g. `_x000D_` for CR), and a literal `_x` as `_x005F_x`. */
export function decodeOoxmlEscapes(s: string): string {
  return s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s;
}

// Characters XML 1.0 cannot contain at all (even as references): C0 controls except tab/LF/CR,
// U+FFFE/U+FFFF, and surrogates that are not part of a pair.
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without the characters XML 1.0 cannot hold. */
export function stripIllegalXml(s: string): string {
  return s.replace(ILLEGAL, '');
}

/** Text for element content or a double-quoted attribute: escaped, illegal characters removed. */
export function escapeXml(s: string): string {
  return stripIllegalXml(s).replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/**
 * Cell text as OOXML wants it: a literal `_xHHHH_` is protected as `_x005F_xHHHH_` and CR becomes
 * `_x000D_` (an XML parser would turn a raw CR into LF), then XML-escaped.
 */
export function escapeCellText(s: string): string {
  return escapeXml(s.replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1').replace(/\r/g, '_x000D_'));
}
