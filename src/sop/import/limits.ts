// How big an imported spreadsheet may be. An .xlsx file is a zip archive: a few kilobytes can
// unpack to gigabytes (a "zip bomb"), so the archive is measured before it is handed to exceljs,
// and measured again while it is inflated. Documented in docs/spreadsheet-import.md.

/** The file as uploaded (an .xlsx archive or a CSV file). */
export const MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024;
/** A CSV file, which is read whole. */
export const MAX_CSV_BYTES = 2 * 1024 * 1024;
/** Everything in the workbook once unpacked (sheets, styles, pictures). */
export const MAX_UNZIPPED_BYTES = 32 * 1024 * 1024;
/** The parts exceljs parses (sheets, shared strings, styles: the .xml files) once unpacked. */
export const MAX_UNZIPPED_XML_BYTES = 8 * 1024 * 1024;
/** Files inside the workbook archive. */
export const MAX_ZIP_ENTRIES = 1000;
/** Rows with content in a worksheet (a sheet holds at most 1,000 steps; headers and notes need some). */
export const MAX_ROWS = 2000;
/** Row elements written in one worksheet's XML, formatted empty rows included: checked before exceljs reads it. */
export const MAX_ROW_ELEMENTS = 20_000;
/** Columns with content. */
export const MAX_COLUMNS = 100;

/** A spreadsheet over one of the caps above; the message says which and where. */
export class ImportLimitError extends Error {
  constructor(
    message: string,
    /** The spreadsheet row the limit was passed on, when there is one. */
    readonly row = 0,
  ) {
    super(message);
    this.name = 'ImportLimitError';
  }
}
