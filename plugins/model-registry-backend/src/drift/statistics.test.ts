import { kolmogorovSf, ksTwoSamplePValue } from './special';
import { sortedCopy } from './sort';
import {
  chiSquareGoodnessOfFit,
  jensenShannon,
  ksTest,
  psi,
  twoProportionZ,
  wasserstein1,
  wasserstein1Normed,
} from './statistics';

/*
 * Expected values: the worked numbers of the drift research notes (scipy
 * 1.17), and cases computed once with scipy 1.17.1 / numpy on this machine:
 * stats.ks_2samp(a, b) (method='auto'), stats.kstwo.sf(x, n),
 * stats.wasserstein_distance, spatial.distance.jensenshannon,
 * stats.chisquare(f_obs, f_exp), 2 * stats.norm.sf(|z|). PSI with
 * Evidently's empty-bin rule was computed with numpy using the rule as
 * Evidently's `get_binned_data(feel_zeroes=True)` states it.
 */

const range = (from: number, to: number) =>
  Float64Array.from({ length: to - from + 1 }, (_, i) => from + i);
const linspace = (a: number, b: number, n: number) =>
  Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

describe('Kolmogorov-Smirnov', () => {
  it('matches the worked example 1..10 against 3..12 (exact path)', () => {
    const r = ksTest(range(1, 10), range(3, 12));
    expect(r.statistic).toBeCloseTo(0.2, 12);
    expect(r.pValue).toBeCloseTo(0.99446, 5);
    expect(r.pValueMethod).toBe('exact');
  });

  it('handles ties together', () => {
    const r = ksTest(
      Float64Array.of(1, 1, 2, 2, 3, 3, 3, 4),
      Float64Array.of(2, 2, 2, 3, 3, 5, 5),
    );
    expect(r.statistic).toBeCloseTo(0.2857142857142857, 12);
    expect(r.pValue).toBeCloseTo(0.8466200466200466, 10);
  });

  it('uses the exact path for unequal small samples', () => {
    const a = Float64Array.of(0.1, 0.5, 0.9, 1.3, 2.2, 2.5, 3.1);
    const b = Float64Array.of(
      0.3,
      0.4,
      1.0,
      1.1,
      1.5,
      1.6,
      2.0,
      2.4,
      2.8,
      3.3,
      3.6,
      4.0,
      4.5,
    );
    const r = ksTest(a, b);
    expect(r.statistic).toBeCloseTo(0.3076923076923077, 12);
    expect(r.pValue).toBeCloseTo(0.6879256965944274, 10);
  });

  it('matches ks_2samp on 2000 vs 1500 values (exact, as scipy auto)', () => {
    const r = ksTest(linspace(0, 1, 2000), linspace(0.05, 1.05, 1500));
    expect(r.statistic).toBeCloseTo(0.0505, 10);
    expect(r.pValue).toBeCloseTo(0.024505459860501178, 8);
  });

  it('switches to the asymptotic distribution above 10,000 values', () => {
    const r = ksTest(linspace(0, 1, 20000), linspace(0.01, 1.01, 15000));
    expect(r.pValueMethod).toBe('asymptotic');
    expect(r.statistic).toBeCloseTo(0.01005, 8);
    expect(r.pValue).toBeCloseTo(0.34980407817988235, 6);
    const r2 = ksTest(linspace(0, 1, 12000), linspace(0.02, 1.0, 3000));
    expect(r2.statistic).toBeCloseTo(0.02, 10);
    expect(r2.pValue).toBeCloseTo(0.2884577664335949, 6);
  });

  it('gives kstwo.sf across its regimes', () => {
    const cases: Array<[number, number, number]> = [
      [0.01, 5000, 0.6954557253913853],
      [0.02, 5000, 0.03613941395325637],
      [0.005, 500000, 2.767991769909747e-11],
      [0.002, 500000, 0.036582179671620585],
      [0.05, 200, 0.6802625495871704],
      [0.1, 200, 0.03411035080315383],
    ];
    for (const [x, n, expected] of cases) {
      expect(kolmogorovSf(x, n)).toBeCloseTo(expected, 8);
    }
    expect(ksTwoSamplePValue(0, 50_000, 50_000).pValue).toBe(1);
  });

  it('gives p = 1 for a constant feature that stays constant', () => {
    const r = ksTest(
      new Float64Array(50).fill(5),
      new Float64Array(20).fill(5),
    );
    expect(r).toEqual({ statistic: 0, pValue: 1, pValueMethod: 'exact' });
  });

  it('weights values (sketch buckets) like repeated values', () => {
    expect(
      ksTest(
        Float64Array.of(1, 2, 3),
        Float64Array.of(2, 5),
        Float64Array.of(2, 2, 4),
        Float64Array.of(3, 2),
      ).statistic,
    ).toBeCloseTo(
      ksTest(
        Float64Array.of(1, 1, 2, 2, 3, 3, 3, 3),
        Float64Array.of(2, 2, 2, 5, 5),
      ).statistic,
      12,
    );
  });
});

describe('Wasserstein-1', () => {
  it('matches the worked example, normed by the population std', () => {
    const w = wasserstein1(range(1, 10), range(3, 12));
    expect(w).toBeCloseTo(2, 12);
    expect(wasserstein1Normed(w, 2.8722813232690143)).toBeCloseTo(0.696311, 6);
  });

  it('matches scipy with ties and unequal sizes', () => {
    expect(
      wasserstein1(
        Float64Array.of(1, 1, 2, 2, 3, 3, 3, 4),
        Float64Array.of(2, 2, 2, 3, 3, 5, 5),
      ),
    ).toBeCloseTo(0.7678571428571428, 12);
    const a = sortedCopy(Float64Array.of(2.2, 0.1, 0.5, 0.9, 1.3, 2.5, 3.1));
    const b = Float64Array.of(
      0.3,
      0.4,
      1.0,
      1.1,
      1.5,
      1.6,
      2.0,
      2.4,
      2.8,
      3.3,
      3.6,
      4.0,
      4.5,
    );
    expect(wasserstein1(a, b)).toBeCloseTo(0.68021978021978, 12);
  });

  it('floors the reference std at 0.001 for a constant reference', () => {
    expect(wasserstein1Normed(0.01, 0)).toBeCloseTo(10, 12);
  });
});

describe('PSI and Jensen-Shannon', () => {
  it('match the worked proportions', () => {
    expect(psi([0.5, 0.3, 0.2], [0.3, 0.3, 0.4])).toBeCloseTo(0.240795, 6);
    expect(jensenShannon([0.5, 0.3, 0.2], [0.3, 0.3, 0.4])).toBeCloseTo(
      0.172115,
      6,
    );
    expect(jensenShannon([0.5, 0.3, 0.2], [0.3, 0.3, 0.4], '2')).toBeCloseTo(
      0.206731,
      6,
    );
  });

  it('apply the documented empty-bin rules', () => {
    expect(psi([10, 0, 5], [3, 4, 0])).toBeCloseTo(7.750702581068541, 10);
    expect(psi([10, 0, 5], [3, 4, 0], 'laplace')).toBeCloseTo(
      1.3469431408116033,
      10,
    );
    expect(jensenShannon([10, 0, 5], [3, 4, 0])).toBeCloseTo(
      0.5714984153581091,
      12,
    );
  });

  it('are zero for identical distributions', () => {
    expect(psi([5, 5], [50, 50])).toBe(0);
    expect(jensenShannon([5, 5], [50, 50])).toBe(0);
  });
});

describe('chi-square and Z', () => {
  it('match the worked goodness-of-fit example', () => {
    const r = chiSquareGoodnessOfFit([50, 30, 20], [30, 30, 40]);
    expect(r.statistic).toBeCloseTo(28, 10);
    expect(r.pValue).toBeCloseTo(8.315e-7, 10);
  });

  it('scale the reference to the current total', () => {
    const r = chiSquareGoodnessOfFit([40, 35, 25], [70, 50, 80]);
    expect(r.statistic).toBeCloseTo(24.964285714285715, 10);
    expect(r.pValue).toBeCloseTo(3.793798275759759e-6, 12);
    expect(
      chiSquareGoodnessOfFit([100, 100, 100], [120, 80, 100]).pValue,
    ).toBeCloseTo(0.018315638888734182, 12);
  });

  it('gives p = 0 for a category only production has', () => {
    expect(chiSquareGoodnessOfFit([10, 10, 0], [5, 5, 1])).toEqual({
      statistic: Infinity,
      pValue: 0,
    });
  });

  it('match the worked two-proportion Z-test', () => {
    const r = twoProportionZ(50, 100, 30, 100);
    expect(r.statistic).toBeCloseTo(2.88675, 5);
    expect(r.pValue).toBeCloseTo(0.0038924, 7);
    expect(twoProportionZ(3, 10, 7, 12).pValue).toBeCloseTo(
      0.1838640928387193,
      10,
    );
    expect(twoProportionZ(0, 10, 0, 20).pValue).toBe(1);
  });
});

describe('sortedCopy', () => {
  it('sorts large arrays like the comparison sort, negatives and -0 included', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const values = Float64Array.from({ length: 20_000 }, (_, i) =>
      i % 7 === 0 ? -0 : (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6),
    );
    const expected = Float64Array.from(values, v => (v === 0 ? 0 : v)).sort();
    expect(Array.from(sortedCopy(values))).toEqual(Array.from(expected));
  });
});
