// The CSV parser: RFC 4180 cases, error codes with line numbers, and a round-trip property under any chunking.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, formatCsvRow, parseCsv, plainFields, type CsvRow } from './csv.js';

function parseChunked(text: string, cuts: number[], plain = true, lazy = false): CsvRow[] {
  const p = new CsvParser(plain, lazy);
  const out: CsvRow[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(...p.push(text.slice(at, c)));
    at = c;
  }
  out.push(...p.push(text.slice(at)), ...p.end());
  return out;
}

describe('CSV parser', () => {
  it('reads plain, quoted, doubled-quote and multi-line fields with their start lines', () => {
    const text = 'a,b,c\n1,"x, y",3\n"he said ""hi""",,"two\nlines"\n4,5,6';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', '3'] },
      { line: 3, fields: ['he said "hi"', '', 'two\nlines'] },
      { line: 5, fields: ['4', '5', '6'] },
    ]);
  });

  it('accepts CRLF, a BOM, blank lines and a missing final line end', () => {
    expect(parseCsv('\uFEFFa,b\r\n\r\n1,2\r\n\n3,4')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
      { line: 5, fields: ['3', '4'] },
    ]);
  });

  it('keeps a trailing empty field and a lone quoted empty field', () => {
    expect(parseCsv('a,\n""\n')).toEqual([
      { line: 1, fields: ['a', ''] },
      { line: 2, fields: [''] },
    ]);
  });

  it('reports stray and unterminated quotes with codes, on the right line', () => {
    const rows = parseCsv('a,b\nx"y,1\n"ok"z,2\n3,"never\nends');
    expect(rows.map((r) => [r.line, r.error?.code])).toEqual([
      [1, undefined],
      [2, 'csv.stray_quote'],
      [3, 'csv.stray_quote'],
      [4, 'csv.unterminated_quote'],
    ]);
    expect(rows[1]!.fields).toEqual(['x"y', '1']);
    expect(rows[2]!.fields).toEqual(['okz', '2']);
  });

  it('counts lines the same when CRLF inside a quoted field is split across chunks', () => {
    const text = 'h\r\n"a\r\nb"\r\nc\r\n';
    for (let cut = 0; cut <= text.length; cut++)
      expect(
        parseChunked(text, [cut]).map((r) => r.line),
        `cut at ${cut}`,
      ).toEqual([1, 2, 4]);
  });
});

describe('CSV round trip', () => {
  const field = fc.string({
    unit: fc.constantFrom('a', 'Z', '中', ',', '"', '\n', '\r', ' ', '1', '\uFEFF'),
    maxLength: 6,
  });
  const table = fc
    .integer({ min: 1, max: 5 })
    .chain((w) => fc.array(fc.array(field, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 12 }));

  it('parse(format(rows)) = rows for any content, line ending and chunking', () => {
    fc.assert(
      fc.property(
        table,
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, eol, trailing, cutSeeds) => {
          const text = rows.map(formatCsvRow).join(eol) + (trailing ? eol : '');
          const cuts = cutSeeds.map((c) => c % (text.length + 1));
          const back = parseChunked(text, cuts);
          expect(back.map((r) => r.fields)).toEqual(rows);
          expect(back.every((r) => r.error === undefined)).toBe(true);
          // Start lines count the physical line ends inside earlier records.
          let line = 1;
          back.forEach((r, i) => {
            expect(r.line).toBe(line);
            const src = formatCsvRow(rows[i]!);
            line += 1 + (src.match(/\r\n|\r|\n/g)?.length ?? 0);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('CSV plain-line path', () => {
  // Any text, well formed or not, in any chunking: the split-on-commas path for plain lines gives exactly the rows,
  // lines and errors of the character-by-character state machine.
  const text = fc.string({
    unit: fc.constantFrom('a', '中', ',', '"', '\n', '\r', ' ', '\uFEFF'),
    maxLength: 60,
  });
  it('equals the state machine on arbitrary text', () => {
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), (t, cutSeeds) => {
        const cuts = cutSeeds.map((c) => c % (t.length + 1));
        expect(parseChunked(t, cuts)).toEqual(parseChunked(t, cuts, false));
      }),
      { numRuns: 5000 },
    );
  });

  it('hands out the same rows unsplit when lazy (docs/decisions/0185)', () => {
    let unsplit = 0;
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), (t, cutSeeds) => {
        const cuts = cutSeeds.map((c) => c % (t.length + 1));
        const lazy = parseChunked(t, cuts, true, true);
        unsplit += lazy.filter((r) => r.text !== undefined).length;
        const asRows = lazy.map((r): CsvRow => {
          if (r.text === undefined) return r;
          expect(r.fields).toEqual([]);
          return { line: r.line, fields: plainFields(r) };
        });
        expect(asRows).toEqual(parseChunked(t, cuts, false));
      }),
      { numRuns: 3000 },
    );
    expect(unsplit).toBeGreaterThan(200);
  });
});
