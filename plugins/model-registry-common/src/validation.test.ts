import { describeInvalidModelName } from './validation';

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
