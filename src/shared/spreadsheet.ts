import fs from 'fs';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { fieldError } from './errors';

export type Cell = string | number | Date | null;
export interface SheetRow {
  /** The row number a person sees in Excel or a text editor (the header is row 1). */
  row: number;
  cells: Cell[];
}

/** Reads the first bytes to tell XLSX (a zip) from CSV, and the CSV's encoding. */
export async function sniff(filePath: string): Promise<{ kind: 'xlsx' | 'csv'; encoding?: 'utf8' | 'utf8-bom' | 'gb18030' }> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const sample = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(sample, 0, sample.length, 0);
    const head = sample.subarray(0, bytesRead);
    if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return { kind: 'xlsx' };
    if (head.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) return { kind: 'csv', encoding: 'utf8-bom' };
    // Cut at the last newline so a multi-byte character is never split at the sample's end.
    const lastNewline = head.lastIndexOf(0x0a);
    const whole = bytesRead < sample.length ? head : head.subarray(0, lastNewline > 0 ? lastNewline : bytesRead);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(whole);
      return { kind: 'csv', encoding: 'utf8' };
    } catch {
      // Excel in China saves CSV as GBK; GB18030 is its superset.
      return { kind: 'csv', encoding: 'gb18030' };
    }
  } finally {
    await handle.close();
  }
}

const isBlank = (cell: Cell) => cell === null || (typeof cell === 'string' && cell.trim() === '');

/**
 * Rows one at a time from a CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or the first sheet of an XLSX; never the
 * whole file in memory. Blank rows (also formatted-but-empty XLSX rows) are skipped wherever they are. A file
 * that cannot be read (an XLSX that is not a zip, an unterminated quote) is a 400 naming the file and row.
 */
export async function* readRows(filePath: string): AsyncGenerator<SheetRow> {
  let lastRow = 0;
  try {
    for await (const row of rowsOf(filePath)) {
      lastRow = row.row;
      if (row.cells.every(isBlank)) continue;
      yield row;
    }
  } catch (error) {
    if ((error as { name?: string }).name === 'ValidationError') throw error;
    const where = lastRow ? ` after row ${lastRow}` : '';
    throw fieldError('file', `The file cannot be read as CSV or XLSX${where}: ${String((error as Error)?.message ?? error).slice(0, 200)}`);
  }
}

async function* rowsOf(filePath: string): AsyncGenerator<SheetRow> {
  const { kind, encoding } = await sniff(filePath);
  if (kind === 'xlsx') {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(filePath, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit' });
    for await (const worksheet of reader) {
      for await (const row of worksheet) {
        const values = (row.values as unknown[]).slice(1).map((value) => {
          if (value && typeof value === 'object' && !(value instanceof Date)) {
            const rich = value as { text?: string; result?: unknown; richText?: { text: string }[] };
            return (rich.result ?? rich.text ?? rich.richText?.map((part) => part.text).join('') ?? null) as Cell;
          }
          return (value ?? null) as Cell;
        });
        yield { row: row.number, cells: values };
      }
      return; // first sheet only
    }
    return;
  }
  const source = fs.createReadStream(filePath);
  const text = encoding === 'gb18030' ? source.pipe(iconv.decodeStream('gb18030')) : source;
  const parser = text.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: false, info: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { row: info.lines, cells: record.map((cell) => cell.trim()) };
  }
}
