import { Transform, type TransformCallback } from 'node:stream';
import { FORMULA_START_CODES } from '../../leads';

/** The UTF-8 byte order mark Excel needs to read a CSV file as UTF-8. */
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const QUOTE = 0x22;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');

/**
 * PostgreSQL's COPY ends CSV records with LF; RFC 4180 says CRLF. This turns
 * every record-ending LF into CRLF, leaving line breaks inside quoted fields
 * (a multi-line message) alone, and counts the records as they pass. It
 * tracks only "inside quotes or not" across chunks: an escaped quote ("")
 * toggles twice, so it needs no special case. Work per chunk is a few
 * native indexOf scans, not a loop over bytes.
 */
export class CsvRecordTerminator extends Transform {
  /** Records passed through, the header row included. */
  records = 0;
  private inQuotes = false;
  private bomPending: boolean;

  constructor(options: { bom: boolean }) {
    super();
    this.bomPending = options.bom;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const parts: Buffer[] = [];
    if (this.bomPending) {
      parts.push(UTF8_BOM);
      this.bomPending = false;
    }
    let start = 0;
    let position = 0;
    let nextQuote = chunk.indexOf(QUOTE, 0);
    let nextLf = chunk.indexOf(LF, 0);
    for (;;) {
      if (this.inQuotes) {
        if (nextQuote === -1) break;
        this.inQuotes = false;
        position = nextQuote + 1;
        nextQuote = chunk.indexOf(QUOTE, position);
        if (nextLf !== -1 && nextLf < position) nextLf = chunk.indexOf(LF, position);
      } else if (nextQuote !== -1 && (nextLf === -1 || nextQuote < nextLf)) {
        this.inQuotes = true;
        position = nextQuote + 1;
        nextQuote = chunk.indexOf(QUOTE, position);
      } else if (nextLf !== -1) {
        parts.push(chunk.subarray(start, nextLf), CRLF);
        this.records += 1;
        start = position = nextLf + 1;
        nextLf = chunk.indexOf(LF, position);
      } else {
        break;
      }
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
    callback(null, parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }

  override _flush(callback: TransformCallback): void {
    // An export with no rows still has its header; the BOM goes first even then.
    if (this.bomPending) this.push(UTF8_BOM);
    callback();
  }
}

/**
 * Rows of one text column (a JSON object each) in, NDJSON bytes out, in
 * batches of about 64 kB so the response is not written line by line.
 */
export class NdjsonEncoder extends Transform {
  rows = 0;
  private batch: string[] = [];
  private batchLength = 0;
  private bomPending: boolean;

  constructor(options: { bom: boolean }) {
    super({ writableObjectMode: true, writableHighWaterMark: 1000 });
    this.bomPending = options.bom;
  }

  override _transform(row: [string], _encoding: BufferEncoding, callback: TransformCallback): void {
    const line = row[0];
    this.batch.push(line);
    this.batchLength += line.length + 1;
    this.rows += 1;
    if (this.batchLength >= 65_536) this.pushBatch();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.pushBatch();
    if (this.bomPending) this.push(UTF8_BOM);
    callback();
  }

  private pushBatch(): void {
    if (this.batch.length === 0) return;
    const text = `${this.batch.join('\n')}\n`;
    this.batch = [];
    this.batchLength = 0;
    if (this.bomPending) {
      this.bomPending = false;
      this.push(Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]));
    } else {
      this.push(Buffer.from(text, 'utf8'));
    }
  }
}

/** A cell of a CSV file made in memory: text gets the formula guard, numbers are written as they are, null is empty. */
export type CsvCell = string | number | null;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * A small CSV file built in memory (the insights tables), by the export's
 * rules: a header row, RFC 4180 quoting, CRLF record ends, UTF-8 with an
 * optional BOM, and the formula guard of the lead export (a text cell
 * starting with = + - @ tab or CR gets a leading ', with the very codes the
 * export's SQL uses, leads/lead-export-sql.ts). Lead exports themselves
 * stream from PostgreSQL's COPY instead (CsvRecordTerminator).
 */
export function csvFile(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>, options: { bom: boolean }): Buffer {
  const lines = [header, ...rows].map((cells) => cells.map(csvCell).join(','));
  const text = `${lines.join('\r\n')}\r\n`;
  return options.bom ? Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]) : Buffer.from(text, 'utf8');
}

function csvCell(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const guarded = cell.length > 0 && FORMULA_START_CODES.includes(cell.charCodeAt(0)) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}
