import { describeInvalidAlias, describeInvalidModelName } from './validation';

describe('describeInvalidModelName', () => {
  it.each(['a', 'fraud-detector', 'm1', 'a'.repeat(63), '0-9'])(
    'accepts %s',
    name => {
      expect(describeInvalidModelName(name)).toBeUndefined();
    },
  );

  it.each([
    ['', /non-empty/],
    ['Fraud', /lowercase/],
    ['-lead', /start and end/],
    ['trail-', /start and end/],
    ['under_score', /lowercase/],
    ['../etc', /lowercase/],
    ["x'; drop table models;--", /lowercase/],
    ['a'.repeat(64), /at most 63/],
  ])('rejects %j', (name, message) => {
    expect(describeInvalidModelName(name)).toMatch(message);
  });

  it('rejects non-strings', () => {
    expect(describeInvalidModelName(42)).toMatch(/string/);
    expect(describeInvalidModelName(undefined)).toMatch(/string/);
  });
});

describe('describeInvalidAlias', () => {
  it.each(['champion', 'production', 'canary-2', 'a'])('accepts %s', alias => {
    expect(describeInvalidAlias(alias)).toBeUndefined();
  });

  it.each([
    ['Production', 'lowercase'],
    ['-staging', 'lowercase'],
    ['a'.repeat(64), 'lowercase'],
    ['latest', 'reserved'],
    ['v3', 'reserved'],
    ['42', 'reserved'],
  ])('refuses %s', (alias, reason) => {
    expect(describeInvalidAlias(alias)).toContain(reason);
  });
});
