/**
 * Feature profiles from a stream of CSV (RFC 4180, header row, UTF-8) or
 * JSON lines, in one pass and bounded memory: per column one accumulator,
 * plus at most one record and, while column kinds are still being inferred,
 * the first 1,000 records.
 */
import { InputError } from '@backstage/errors';
import { FeatureProfile } from '@mlreg/plugin-model-registry-common';
import { CategoricalAccumulator, NumericAccumulator } from './profile';

/** What a column holds. */
export type FeatureKind = 'numeric' | 'categorical';

/** The data formats profiles are computed from. */
export type DatasetFormat = 'csv' | 'jsonl';

/** A record (CSV row or JSON line) may not be longer than this. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Columns a dataset may have. */
export const MAX_COLUMNS = 1000;
/** Records read before column kinds are decided. */
const INFERENCE_ROWS = 1000;

/** The features a batch must match: their kinds and the bin edges of numeric ones. */
export type FeatureSchema = Map<
  string,
  { kind: FeatureKind; edges?: number[] }
>;

const NON_FINITE = new Set([
  'nan',
  'NaN',
  'NAN',
  'inf',
  'Inf',
  'INF',
  '-inf',
  '-Inf',
  '-INF',
  '+inf',
  'Infinity',
  '-Infinity',
  '+Infinity',
  'infinity',
  '-infinity',
]);

/** A numeric cell's value: a number, NaN for the non-finite spellings, undefined when not a number. */
export function parseNumericText(text: string): number | undefined {
  if (NON_FINITE.has(text)) return Number.NaN;
  if (text.trim() !== text || text === '') return undefined;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

type Accumulator = NumericAccumulator | CategoricalAccumulator;

/**
 * Receives records cell by cell and builds one profile per column. Column
 * kinds come from the schema (a production batch: unknown columns and
 * contradicting types are errors) or are inferred from the first 1,000
 * records (a reference: numeric when every non-empty cell is a number).
 */
export class ProfileBuilder {
  private columns: string[] = [];
  private accumulators: Accumulator[] = [];
  private numeric = new Uint8Array(0);
  private pending: Array<Array<string | number | null>> | undefined = [];
  records = 0;

  constructor(private readonly schema?: FeatureSchema) {}

  /** Declares the columns; every record then has one cell per column. */
  setColumns(columns: string[]): void {
    if (columns.length === 0) throw new InputError('the data has no columns');
    if (columns.length > MAX_COLUMNS) {
      throw new InputError(
        `the data has ${columns.length} columns, more than ${MAX_COLUMNS}`,
      );
    }
    const seen = new Set<string>();
    for (const c of columns) {
      if (c === '' || c.length > 256)
        throw new InputError(`invalid column name "${c.slice(0, 64)}"`);
      if (seen.has(c)) throw new InputError(`column "${c}" appears twice`);
      seen.add(c);
      if (this.schema && !this.schema.has(c)) {
        throw new InputError(
          `unknown feature "${c}": the reference profile has no such feature`,
        );
      }
    }
    this.columns = columns;
    if (this.schema) this.decide(columns.map(c => this.schema!.get(c)!.kind));
  }

  /** 1 for each column whose cells are numbers; undefined while kinds are being inferred. */
  numericColumns(): Uint8Array | undefined {
    return this.pending ? undefined : this.numeric;
  }

  private decide(kinds: FeatureKind[]): void {
    this.accumulators = this.columns.map((c, i) =>
      kinds[i] === 'numeric'
        ? new NumericAccumulator(c)
        : new CategoricalAccumulator(c),
    );
    this.numeric = Uint8Array.from(kinds, k => (k === 'numeric' ? 1 : 0));
    const pending = this.pending ?? [];
    this.pending = undefined;
    for (const row of pending) this.addRecord(row);
  }

  /**
   * Adds one record of cells: a string (text), a number, null (empty), or
   * undefined when the number is at the same index of `numbers`. Numbers in
   * a categorical column count as their text.
   */
  addRecord(
    cells: Array<string | number | null | undefined>,
    numbers?: Float64Array,
    count = cells.length,
  ): void {
    if (count !== this.columns.length) {
      throw new InputError(
        `record ${this.records + 1} has ${count} cells, the header ${
          this.columns.length
        }`,
      );
    }
    if (this.pending) {
      this.pending.push(
        cells
          .slice(0, count)
          .map((c, i) => (c === undefined ? numbers![i] : c)),
      );
      this.records++;
      if (this.pending.length >= INFERENCE_ROWS) this.inferKinds();
      return;
    }
    for (let i = 0; i < count; i++) {
      const cell = cells[i];
      const acc = this.accumulators[i];
      if (cell === undefined) (acc as NumericAccumulator).add(numbers![i]);
      else if (cell === null || cell === '') acc.addMissing();
      else if (this.numeric[i] === 0)
        (acc as CategoricalAccumulator).add(String(cell));
      else if (typeof cell === 'number') (acc as NumericAccumulator).add(cell);
      else {
        const n = parseNumericText(cell);
        if (n === undefined) this.contradiction(i, cell);
        (acc as NumericAccumulator).add(n);
      }
    }
    this.records++;
  }

  /** A cell a numeric column cannot hold. */
  contradiction(column: number, text: string): never {
    throw new InputError(
      `record ${this.records + 1}: "${text.slice(0, 64)}" in numeric feature "${
        this.columns[column]
      }" is not a number`,
    );
  }

  private inferKinds(): void {
    const rows = this.pending!;
    this.records -= rows.length;
    this.decide(
      this.columns.map((_, i) =>
        rows.every(r => {
          const cell = r[i];
          return (
            cell === null ||
            cell === '' ||
            typeof cell === 'number' ||
            parseNumericText(cell) !== undefined
          );
        }) && rows.some(r => r[i] !== null && r[i] !== '')
          ? 'numeric'
          : 'categorical',
      ),
    );
  }

  /** The profiles; numeric ones on the schema's edges, else on their own deciles. */
  finish(): FeatureProfile[] {
    if (this.columns.length === 0) throw new InputError('the data is empty');
    if (this.pending) this.inferKinds();
    if (this.records === 0) throw new InputError('the data has no records');
    return this.accumulators.map(acc =>
      acc instanceof NumericAccumulator
        ? acc.finish(
            this.schema?.get(acc.feature)?.edges
              ? { edges: this.schema.get(acc.feature)!.edges! }
              : undefined,
          )
        : acc.finish(),
    );
  }
}
