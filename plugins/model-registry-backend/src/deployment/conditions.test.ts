import { parseCondition } from './conditions';

describe('parseCondition', () => {
  it.each([
    ['result < 0.05', [0.01], true],
    ['result < 0.05', [0.2], false],
    ['result[0] >= 0.95', [0.97], true],
    ['result[1] <= 0.3', [1, 0.2], true],
    ['len(result) == 0', [], true],
    ['len(result) > 1 && result[1] < 1', [5, 0.5], true],
    ['result > 1 || result < -1', [-2], true],
    ['!(result == 1)', [1], false],
    ['(result >= 1e-3) && result != 2', [0.5], true],
    ['result', [0], false],
    ['true', [], true],
  ])('%s on %j is %s', (source, values, expected) => {
    expect(parseCondition(source).evaluate(values)).toBe(expected);
  });

  it('cannot decide a condition on a value the query did not return', () => {
    expect(parseCondition('result[2] < 1').evaluate([0, 0])).toBeUndefined();
    expect(parseCondition('result < 1').evaluate([])).toBeUndefined();
    // ...unless the other side of && or || decides it
    expect(parseCondition('result < 1 && false').evaluate([])).toBe(false);
    expect(parseCondition('result < 1 || true').evaluate([])).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['result <', 'ends too early'],
    ['result < 0.05 &&', 'ends too early'],
    ['process.exit(1)', 'unexpected'],
    ['result[x] > 1', 'unexpected'],
    ['(result > 1', 'ends too early'],
    ['result > 1)', 'unexpected ")"'],
    ['result = 1', 'unexpected'],
    ['x'.repeat(501), 'longer than 500'],
  ])('refuses %j', (source, message) => {
    expect(() => parseCondition(source)).toThrow(message);
  });
});
