import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvFile, CsvRecordTerminator, NdjsonEncoder } from '../../../src/staff/export/export-encoders';

/** CSV as PostgreSQL's COPY writes it: RFC 4180 quoting, LF after each record. */
function copyCsv(records: string[][]): string {
  const cell = (value: string) => (/[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value);
  return records.map((record) => `${record.map(cell).join(',')}\n`).join('');
}

async function through(transform: CsvRecordTerminator | NdjsonEncoder, chunks: unknown[]): Promise<Buffer> {
  const output: Buffer[] = [];
  await pipeline(Readable.from(chunks, { objectMode: true }), transform, async function (source) {
    for await (const chunk of source) output.push(chunk as Buffer);
  });
  return Buffer.concat(output);
}

/** Splits bytes at the given cut points (so a quote, a CR or a multi-byte character may fall on a boundary). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(bytes.subarray(start, point));
    start = Math.max(start, point);
  }
  return chunks;
}

const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '=', 'é', '✓', "'", '\t') , maxLength: 12 });

describe('CsvRecordTerminator', () => {
  test('when COPY output arrives in any chunks, then every record ends in CRLF, line breaks inside quotes stay, and a CSV parser reads the same records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(text, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), async (records, cuts) => {
        const input = Buffer.from(copyCsv(records), 'utf8');
        const transform = new CsvRecordTerminator({ bom: false });
        const output = (await through(transform, split(input, cuts))).toString('utf8');
        expect(transform.records).toBe(records.length);
        expect(output.endsWith('\r\n')).toBe(true);
        expect(parse(output, { relax_column_count: false })).toEqual(records);
        expect(output.replace(/\r\n/g, '').length).toBe(input.toString('utf8').length - records.length);
      }),
      { numRuns: 300 },
    );
  });

  test('when a BOM is asked for, then it comes first, once, even for a header-only file', async () => {
    const output = await through(new CsvRecordTerminator({ bom: true }), [Buffer.from('id,name\n'), Buffer.from('1,a\n')]);
    expect(output.toString('utf8')).toBe('\ufeffid,name\r\n1,a\r\n');
    expect((await through(new CsvRecordTerminator({ bom: true }), [])).toString('utf8')).toBe('\ufeff');
  });
});

describe('NdjsonEncoder', () => {
  test('when rows of JSON text pass through, then each becomes one line and the rows are counted', async () => {
    const rows = Array.from({ length: 5000 }, (_, index) => [JSON.stringify({ id: index, message: 'line\nbreak ✓' })]);
    const encoder = new NdjsonEncoder({ bom: false });
    const output = (await through(encoder, rows)).toString('utf8');
    expect(encoder.rows).toBe(5000);
    const lines = output.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as { id: number }).map((row) => row.id)).toEqual(rows.map((_, index) => index));
  });

  test('when a BOM is asked for, then it comes first, once', async () => {
    const output = await through(new NdjsonEncoder({ bom: true }), [['{"a":1}'], ['{"a":2}']]);
    expect(output.toString('utf8')).toBe('\ufeff{"a":1}\n{"a":2}\n');
  });
});

describe('csvFile', () => {
  test('when a small table is encoded, then it has a header, CRLF record ends, RFC 4180 quoting, and a CSV parser reads the same cells', () => {
    const bytes = csvFile(['name', 'note', 'count'], [['Ana', 'says "hi", twice', 3], ['Bo', 'line one\nline two', 0], [null, '', 12.5]], { bom: false });
    const text = bytes.toString('utf8');
    expect(text).toBe('name,note,count\r\nAna,"says ""hi"", twice",3\r\nBo,"line one\nline two",0\r\n,,12.5\r\n');
    expect(parse(text)).toEqual([['name', 'note', 'count'], ['Ana', 'says "hi", twice', '3'], ['Bo', 'line one\nline two', '0'], ['', '', '12.5']]);
  });

  test.each(['=SUM(A1)', '+1', '-2+3', '@cmd', '\tx', '\rx'])('when a text cell starts like a formula (%j), then it gets a leading quote, as in the lead export', (value) => {
    const text = csvFile(['v'], [[value]], { bom: false }).toString('utf8');
    expect(parse(text, { relax_quotes: true })[1]).toEqual([`'${value}`]);
  });

  test('when numbers are negative or text is ordinary, then they stay as they are', () => {
    expect(csvFile(['a', 'b'], [[-5, 'fall-2026']], { bom: false }).toString('utf8')).toBe('a,b\r\n-5,fall-2026\r\n');
  });

  test('when a BOM is asked for, then the file starts with it, once', () => {
    const bytes = csvFile(['a'], [], { bom: true });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('a\r\n');
  });
});
