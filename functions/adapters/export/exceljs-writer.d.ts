// exceljs publishes types for its main entry only; this is its streaming workbook writer on its own
// (see xlsx.ts for why), typed loosely there.
declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  const WorkbookWriter: unknown;
  export default WorkbookWriter;
}
