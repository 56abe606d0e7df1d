/**
 * Streaming readers of CSV and JSON lines into a `ProfileBuilder`. Numeric
 * CSV cells are parsed from the bytes without building strings.
 */
import { InputError } from '@backstage/errors';
import { FeatureProfile } from '@mlreg/plugin-model-registry-common';
import {
  DatasetFormat,
  MAX_COLUMNS,
  MAX_RECORD_BYTES,
  ProfileBuilder,
} from './dataset';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** A cell: text, a number, null when empty, undefined when its number is in `numbers`. */
type Cell = string | number | null | undefined;

/** Reads CSV records from byte chunks; the first record is the header. */
export class CsvReader {
  private rest: Buffer | undefined;
  private header = true;
  private readonly cells: Cell[] = [];
  /** Numbers of the current record's numeric cells, unboxed. */
  private readonly numbers = new Float64Array(MAX_COLUMNS + 1);
  private line = 1;

  constructor(private readonly builder: ProfileBuilder) {}

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const consumed = this.parse(buf, false);
    this.rest = consumed < buf.length ? buf.subarray(consumed) : undefined;
    if (this.rest && this.rest.length > MAX_RECORD_BYTES) {
      throw new InputError(
        `line ${this.line}: a record is longer than ${MAX_RECORD_BYTES} bytes`,
      );
    }
  }

  end(): void {
    if (this.rest) this.parse(this.rest, true);
    this.rest = undefined;
  }

  /** Parses whole records; returns the offset after the last one. */
  private parse(buf: Buffer, final: boolean): number {
    const len = buf.length;
    let start = 0;
    for (;;) {
      if (start >= len) return start;
      const end = this.record(buf, start, final);
      if (end < 0) return start;
      start = end;
    }
  }

  /** Parses one record at `pos`; returns the offset after it, or -1 when incomplete. */
  private record(buf: Buffer, recordStart: number, final: boolean): number {
    const len = buf.length;
    const cells = this.cells;
    const numericColumns = this.header
      ? undefined
      : this.builder.numericColumns();
    let n = 0;
    let pos = recordStart;
    for (;;) {
      if (n >= MAX_COLUMNS + 1) {
        throw new InputError(
          `line ${this.line}: more than ${MAX_COLUMNS} cells`,
        );
      }
      let cell: Cell;
      let next: number; // offset of the delimiter after the cell
      if (pos < len && buf[pos] === QUOTE) {
        let j = pos + 1;
        let escaped = false;
        for (;;) {
          j = buf.indexOf(QUOTE, j);
          if (j < 0 || j + 1 > len) {
            if (final)
              throw new InputError(
                `line ${this.line}: unterminated quoted cell`,
              );
            return -1;
          }
          if (j + 1 < len && buf[j + 1] === QUOTE) {
            escaped = true;
            j += 2;
            continue;
          }
          if (j + 1 === len && !final) return -1;
          break;
        }
        const text = buf.toString('utf8', pos + 1, j);
        cell = escaped ? text.replaceAll('""', '"') : text;
        next = j + 1;
        if (
          next < len &&
          buf[next] !== COMMA &&
          buf[next] !== LF &&
          buf[next] !== CR
        ) {
          throw new InputError(`line ${this.line}: text after a closing quote`);
        }
        if (numericColumns?.[n]) cell = this.numericText(n, cell);
      } else {
        const numeric = numericColumns?.[n] === 1;
        next = numeric ? this.scanNumber(buf, pos) : pos;
        if (numeric && next >= 0) {
          this.numbers[n] = this.parsedNumber;
          cell = undefined;
        } else {
          next = pos;
          while (next < len) {
            const b = buf[next];
            if (b === COMMA || b === LF || b === CR) break;
            next++;
          }
          cell = next === pos ? null : buf.toString('utf8', pos, next);
          if (numeric && cell !== null) cell = this.numericText(n, cell);
        }
        if (next >= len && !final) return -1;
      }
      cells[n++] = cell;
      if (next >= len) {
        pos = len;
        break;
      }
      const b = buf[next];
      if (b === COMMA) {
        pos = next + 1;
        continue;
      }
      if (b === CR) {
        if (next + 1 >= len && !final) return -1;
        pos = next + 1 < len && buf[next + 1] === LF ? next + 2 : next + 1;
      } else {
        pos = next + 1;
      }
      break;
    }
    this.line++;
    // A blank line (one empty cell) is skipped.
    if (n === 1 && cells[0] === null) return pos;
    if (this.header) {
      this.header = false;
      this.builder.setColumns(
        cells.slice(0, n).map(c => (c === null ? '' : String(c))),
      );
    } else {
      this.builder.addRecord(cells, this.numbers, n);
    }
    return pos;
  }

  private numericText(column: number, text: string): number {
    const n = Number(text);
    if (text.trim() === '' || Number.isNaN(n)) {
      const nonFinite = /^[+-]?(nan|inf|infinity)$/i.test(text);
      if (!nonFinite) this.builder.contradiction(column, text);
      return Number.NaN;
    }
    return n;
  }

  private parsedNumber = 0;

  /**
   * Parses a plain decimal number (sign, at most 15 significant digits, a
   * dot, no exponent) at `pos` into `parsedNumber`; returns the offset of
   * the delimiter after it, or -1 when the cell is not that simple (the
   * caller then reads the text).
   */
  private scanNumber(buf: Buffer, pos: number): number {
    const len = buf.length;
    let i = pos;
    let negative = false;
    if (i < len && (buf[i] === MINUS || buf[i] === PLUS)) {
      negative = buf[i] === MINUS;
      i++;
    }
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    let dot = false;
    const first = i;
    for (; i < len; i++) {
      const b = buf[i];
      if (b >= ZERO && b <= NINE) {
        if (mantissa !== 0 || b !== ZERO) digits++;
        mantissa = mantissa * 10 + (b - ZERO);
        if (dot) scale++;
      } else if (b === DOT && !dot) {
        dot = true;
      } else {
        break;
      }
    }
    if (i === first || (dot && i === first + 1) || digits > 15 || scale > 22)
      return -1;
    if (i < len && buf[i] !== COMMA && buf[i] !== LF && buf[i] !== CR)
      return -1;
    const value = scale ? mantissa / POW10[scale] : mantissa;
    this.parsedNumber = negative ? -value : value;
    return i;
  }
}

/** Reads JSON lines: one object per line, keys are features (the first line's keys are the columns). */
export class JsonLinesReader {
  private rest = '';
  private columns: string[] | undefined;
  private index = new Map<string, number>();
  private line = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly builder: ProfileBuilder) {}

  push(chunk: Buffer): void {
    let text: string;
    try {
      text = this.rest + this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new InputError(`line ${this.line + 1}: not UTF-8`);
    }
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      this.addLine(text.slice(start, end));
      start = end + 1;
    }
    this.rest = text.slice(start);
    if (this.rest.length > MAX_RECORD_BYTES) {
      throw new InputError(
        `line ${this.line + 1}: longer than ${MAX_RECORD_BYTES} bytes`,
      );
    }
  }

  end(): void {
    if (this.rest) this.addLine(this.rest);
    this.rest = '';
  }

  private addLine(raw: string): void {
    this.line++;
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError(`line ${this.line}: not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(`line ${this.line}: not a JSON object`);
    }
    const entries = Object.entries(value);
    if (!this.columns) {
      this.columns = entries.map(([k]) => k);
      this.columns.forEach((c, i) => this.index.set(c, i));
      this.builder.setColumns(this.columns);
    }
    const cells: Cell[] = new Array(this.columns.length).fill(null);
    for (const [key, cell] of entries) {
      const at = this.index.get(key);
      if (at === undefined) {
        throw new InputError(
          `line ${this.line}: feature "${key.slice(
            0,
            64,
          )}" is not on the first line`,
        );
      }
      if (
        cell !== null &&
        typeof cell !== 'number' &&
        typeof cell !== 'string' &&
        typeof cell !== 'boolean'
      ) {
        throw new InputError(
          `line ${this.line}: feature "${key}" is not a number, string or boolean`,
        );
      }
      cells[at] = typeof cell === 'boolean' ? String(cell) : cell;
    }
    this.builder.addRecord(cells);
  }
}

/** Profiles of a stream of CSV or JSON lines. */
export async function profileStream(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  format: DatasetFormat,
  builder: ProfileBuilder,
): Promise<FeatureProfile[]> {
  const reader =
    format === 'csv' ? new CsvReader(builder) : new JsonLinesReader(builder);
  // Read by hand rather than with for-await: on bad data the loop must stop
  // without destroying the stream, so an HTTP request can still be answered.
  const chunks =
    Symbol.asyncIterator in stream
      ? stream[Symbol.asyncIterator]()
      : stream[Symbol.iterator]();
  for (;;) {
    const { value, done } = await chunks.next();
    if (done) break;
    reader.push(typeof value === 'string' ? Buffer.from(value) : value);
  }
  reader.end();
  return builder.finish();
}
