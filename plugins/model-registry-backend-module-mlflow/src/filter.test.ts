import { MlflowError } from './errors';
import { matchesFilter, parseFilter } from './filter';
import { parseOrderBy } from './orderBy';
import { createPageToken, parsePageToken } from './pageToken';

const model = (name: string, tags: Record<string, string> = {}) => ({
  attributes: { name },
  tags,
});

describe('parseFilter', () => {
  it('reads comparisons joined by AND, with quoted strings and tag keys', () => {
    const filter = parseFilter(
      `name LIKE 'fraud%' and tags.\`team name\` = "risk" AND tags.stage != 'old'`,
      'model',
    );
    expect(filter).toEqual([
      {
        kind: 'string',
        key: { type: 'attribute', name: 'name' },
        op: 'LIKE',
        value: 'fraud%',
      },
      {
        kind: 'string',
        key: { type: 'tag', name: 'team name' },
        op: '=',
        value: 'risk',
      },
      {
        kind: 'string',
        key: { type: 'tag', name: 'stage' },
        op: '!=',
        value: 'old',
      },
    ]);
    expect(
      matchesFilter(
        filter,
        model('fraud-v2', { 'team name': 'risk', stage: 'new' }),
      ),
    ).toBe(true);
    expect(matchesFilter(filter, model('Fraud', { 'team name': 'risk' }))).toBe(
      false,
    );
  });

  it('applies LIKE case-sensitively and ILIKE without case, _ as one character', () => {
    const like = parseFilter("name LIKE 'a_c'", 'model');
    expect(matchesFilter(like, model('abc'))).toBe(true);
    expect(matchesFilter(like, model('ABC'))).toBe(false);
    expect(matchesFilter(like, model('abbc'))).toBe(false);
    const ilike = parseFilter("name ILIKE 'a%.c'", 'model');
    expect(matchesFilter(ilike, model('AXX.C'))).toBe(true);
    expect(matchesFilter(ilike, model('AXXxC'))).toBe(false);
  });

  it('reads version filters: run_id IN and numeric version_number', () => {
    const filter = parseFilter(
      "run_id IN ('a', 'b') AND version_number > 1 AND version_number <= 3",
      'version',
    );
    const version = (run: string, n: number) => ({
      attributes: { run_id: run, version_number: n },
      tags: {},
    });
    expect(matchesFilter(filter, version('a', 2))).toBe(true);
    expect(matchesFilter(filter, version('c', 2))).toBe(false);
    expect(matchesFilter(filter, version('b', 4))).toBe(false);
  });

  it.each([
    ["name = 'a' OR name = 'b'", /only AND is supported/],
    ["name = 'a' AND", /expected an attribute or tag key/],
    ['name', /has no comparator/],
    ["source_path = 'x'", /Invalid attribute key 'source_path'/],
    ["tags. = 'x'", /empty tag key/],
    ['name = 3', /must be a string/],
    ["name ~ 'x'", /unexpected '~'/],
    ["name = 'x", /unterminated ' quote/],
  ])('rejects the model filter %s', (filter, message) => {
    expect(() => parseFilter(filter, 'model')).toThrow(message);
    expect(() => parseFilter(filter, 'model')).toThrow(MlflowError);
  });

  it.each([
    ["run_id IN 'a'", /IN needs a list/],
    ["run_id IN ('a' 'b')", /IN list is not closed/],
    ['run_id IN (1)', /IN lists hold quoted strings/],
    ['version_number LIKE 1', /invalid comparator 'LIKE' for version_number/],
    ['version_number = 1.5', /compared with an integer/],
  ])('rejects the version filter %s', (filter, message) => {
    expect(() => parseFilter(filter, 'version')).toThrow(message);
  });
});

describe('order_by and page tokens', () => {
  it('reads order clauses with tie-breaks', () => {
    expect(parseOrderBy(['timestamp DESC'], 'model')).toEqual([
      { key: 'creation_timestamp', descending: true },
      { key: 'name', descending: false },
    ]);
    expect(parseOrderBy([], 'version')).toEqual([
      { key: 'name', descending: false },
      { key: 'version_number', descending: true },
    ]);
    expect(() => parseOrderBy(['name sideways'], 'model')).toThrow(
      /Could not be parsed/,
    );
    expect(() => parseOrderBy(['name', 'name DESC'], 'model')).toThrow(
      /duplicate/,
    );
  });

  it('writes and reads MLflow page tokens', () => {
    expect(createPageToken(100)).toBe('eyJvZmZzZXQiOiAxMDB9');
    expect(parsePageToken('eyJvZmZzZXQiOiAxMDB9')).toBe(100);
    expect(parsePageToken(undefined)).toBe(0);
    expect(() => parsePageToken('not a token!')).toThrow(
      'Invalid page token, could not base64-decode',
    );
    expect(() =>
      parsePageToken(Buffer.from('{"offset": -1}').toString('base64')),
    ).toThrow(/offset is not a valid integer/);
    expect(() => parsePageToken(Buffer.from('[1]').toString('base64'))).toThrow(
      /parsed value/,
    );
    expect(() => parsePageToken(Buffer.from('{{').toString('base64'))).toThrow(
      /decoded value/,
    );
  });
});
