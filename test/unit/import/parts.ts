// Hand-built .xlsx packages for reader tests: each part is given as XML text, so a test can use
// exactly the markup it is about (inline strings, prefixes, odd references, broken parts...).

import { zip } from './helpers.ts';
import type { ZipPart } from './helpers.ts';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface BookParts {
  /** The inside of <sheetData> of sheet1.xml, or a whole sheet when it starts with '<?xml' or '<worksheet'. */
  sheet: string;
  /** After </sheetData> (mergeCells, hyperlinks...). */
  sheetTail?: string;
  /** <si> elements of sharedStrings.xml. */
  sst?: string;
  /** The inside of <styleSheet>. */
  styles?: string;
  /** Attributes of <workbookPr>. */
  workbookPr?: string;
  /** Extra parts, replacing the defaults of the same name (data undefined = leave the part out). */
  extra?: Record<string, string | undefined>;
}

export function sheetXml(sheetData: string, tail = ''): string {
  if (sheetData.startsWith('<?xml') || sheetData.startsWith('<worksheet')) return sheetData;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${sheetData}</sheetData>${tail}</worksheet>`;
}

/** A one-sheet workbook ("Trang 1") from the given parts. */
export function book(p: BookParts): Buffer {
  const parts: Record<string, string | undefined> = {
    '[Content_Types].xml': '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    '_rels/.rels': `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr ${p.workbookPr ?? ''}/><sheets><sheet name="Trang 1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels':
      `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` +
      `<Relationship Id="rId3" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': sheetXml(p.sheet, p.sheetTail),
    'xl/sharedStrings.xml': `<sst xmlns="${MAIN}">${p.sst ?? ''}</sst>`,
    'xl/styles.xml': `<styleSheet xmlns="${MAIN}">${p.styles ?? ''}</styleSheet>`,
    ...p.extra,
  };
  const list: ZipPart[] = [];
  for (const [name, xml] of Object.entries(parts)) if (xml !== undefined) list.push({ name, data: Buffer.from(xml, 'utf8') });
  return zip(list);
}

export { MAIN, PKG, REL };
