import { NumericFeatureProfile } from '@mlreg/plugin-model-registry-common';
import { schemaOf } from './batches';
import { FeatureSchema, ProfileBuilder } from './dataset';
import { chooseMethod, compareProfiles, decideVerdict } from './engine';
import { mergeNumeric, NumericAccumulator } from './profile';
import { profileStream } from './readers';
import { sketchPoints } from './sketch';
import { ksStatistic, wasserstein1 } from './statistics';

function numeric(feature: string, values: number[], edges?: number[]) {
  const acc = new NumericAccumulator(feature);
  values.forEach(v => acc.add(v));
  return acc.finish(edges && { edges });
}

/** Deterministic pseudo-normal values (Box-Muller on a linear congruential generator). */
function normals(n: number, mean: number, seed: number): number[] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s + 1) / 2147483649;
  };
  return Array.from(
    { length: n },
    () =>
      mean + Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()),
  );
}

const csv = (text: string, schema?: FeatureSchema) =>
  profileStream([Buffer.from(text)], 'csv', new ProfileBuilder(schema));

describe('chooseMethod (Evidently)', () => {
  it.each([
    ['numeric', 1000, 6, 'ks'],
    ['numeric', 1000, 5, 'chisquare'],
    ['numeric', 1000, 3, 'chisquare'],
    ['numeric', 1000, 2, 'z'],
    ['categorical', 1000, 2, 'z'],
    ['categorical', 1000, 3, 'chisquare'],
    ['numeric', 1001, 6, 'wasserstein'],
    ['numeric', 1001, 5, 'jensenshannon'],
    ['categorical', 1001, 50, 'jensenshannon'],
  ] as const)(
    '%s, %i reference rows, %i values → %s',
    (kind, n, distinct, method) => {
      expect(chooseMethod(kind, n, distinct)).toBe(method);
    },
  );
});

describe('profiles', () => {
  it('drops and counts NaN and ±Infinity, counts empty cells as missing', async () => {
    const [x] = await csv('x\n1\nNaN\n\n2\ninf\n-Infinity\n3\n');
    expect(x.stats).toMatchObject({
      count: 3,
      missing: 0,
      nonFinite: 3,
      mean: 2,
      min: 1,
      max: 3,
    });
    const [y, z] = await csv('y,z\n1,\n,a\n4,"b ""q"", c"\r\n');
    expect(y.stats).toMatchObject({ count: 2, missing: 1 });
    expect(z).toMatchObject({
      kind: 'categorical',
      categories: [
        { value: 'a', count: 1 },
        { value: 'b "q", c', count: 1 },
      ],
      stats: { count: 2, missing: 1 },
    });
  });

  it('reads JSON lines like CSV', async () => {
    const fromJson = await profileStream(
      [Buffer.from('{"a":1,"b":"x"}\n{"a":2.5,"b":"y"}\n{"a":null,"b":"x"}\n')],
      'jsonl',
      new ProfileBuilder(),
    );
    const fromCsv = await csv('a,b\n1,x\n2.5,y\n,x\n');
    expect(fromJson).toEqual(fromCsv);
  });

  it('gives the same profile whatever the chunking', async () => {
    const rows = ['a,b'];
    for (let i = 0; i < 3000; i++) rows.push(`${(i % 101) / 3},"c${i % 7}"`);
    const text = rows.join('\n');
    const whole = await csv(text);
    const chunks = [];
    for (let i = 0; i < text.length; i += 777)
      chunks.push(Buffer.from(text.slice(i, i + 777)));
    expect(await profileStream(chunks, 'csv', new ProfileBuilder())).toEqual(
      whole,
    );
  });

  it('merges windows by adding counts, with exact mean and std', () => {
    const ref = numeric('x', normals(2000, 0, 1));
    const edges = ref.histogram.binEdges;
    const a = normals(3000, 0.5, 2);
    const b = normals(9000, 0.2, 3);
    const merged = mergeNumeric(numeric('x', a, edges), numeric('x', b, edges));
    const whole = numeric('x', [...a, ...b], edges);
    expect(merged.histogram).toEqual(whole.histogram);
    expect(merged.above).toBe(whole.above);
    expect(merged.sketch).toEqual(whole.sketch);
    expect(merged.stats.mean).toBeCloseTo(whole.stats.mean!, 10);
    expect(merged.stats.std).toBeCloseTo(whole.stats.std!, 10);
    expect(merged.sample).toBeUndefined();
  });

  it('keeps KS and Wasserstein within the documented sketch accuracy', () => {
    const a = normals(50_000, 10, 4);
    const b = normals(40_000, 10.3, 5);
    const pa = numeric('x', a);
    const pb = numeric('x', b, pa.histogram.binEdges);
    const sa = sketchPoints(pa.sketch!);
    const sb = sketchPoints(pb.sketch!);
    const exactA = Float64Array.from(a).sort();
    const exactB = Float64Array.from(b).sort();
    const d = ksStatistic(exactA, exactB);
    expect(
      Math.abs(ksStatistic(sa.values, sb.values, sa.weights, sb.weights) - d),
    ).toBeLessThan(0.01);
    const w = wasserstein1(exactA, exactB);
    // Each value moves by at most 1 % of itself: |ΔW1| ≤ 0.01 (E|a| + E|b|).
    expect(
      Math.abs(wasserstein1(sa.values, sb.values, sa.weights, sb.weights) - w),
    ).toBeLessThan(0.21);
  });
});

describe('bad data', () => {
  const reference = () => csv('amount,country\n1,de\n2,fr\n3,de\n');

  it.each([
    [
      'a ragged row',
      'amount,country\n1,de\n2\n',
      /record 2 has 1 cells, the header 2/,
    ],
    [
      'an unknown feature',
      'amount,country,extra\n1,de,3\n',
      /unknown feature "extra"/,
    ],
    [
      'a contradicting type',
      'amount,country\n1,de\nlots,fr\n',
      /"lots" in numeric feature "amount" is not a number/,
    ],
    ['no records', 'amount,country\n', /no records/],
    ['nothing', '', /empty/],
    ['a duplicate column', 'amount,amount\n1,2\n', /appears twice/],
    ['an unterminated quote', 'amount,country\n1,"de\n', /unterminated/],
  ])('rejects %s', async (_name, text, message) => {
    const schema = schemaOf(await reference());
    await expect(csv(text, schema)).rejects.toThrow(message);
  });

  it('rejects a record longer than 1 MiB without reading on', async () => {
    const garbage = Buffer.alloc(2 * 1024 * 1024, 0x41);
    async function* chunks() {
      for (let i = 0; i < 100; i++) yield garbage;
    }
    await expect(
      profileStream(chunks(), 'csv', new ProfileBuilder()),
    ).rejects.toThrow(/longer than 1048576 bytes/);
  });

  it('rejects JSON lines that are not objects', async () => {
    await expect(
      profileStream(
        [Buffer.from('{"a":1}\n[1,2]\n')],
        'jsonl',
        new ProfileBuilder(),
      ),
    ).rejects.toThrow(/line 2: not a JSON object/);
  });
});

describe('compareProfiles', () => {
  const reference = (n: number, mean = 0) => numeric('x', normals(n, mean, 11));

  it('uses KS on small references and Wasserstein on large ones', () => {
    const small = reference(500);
    const cur = numeric('x', normals(400, 1, 12), small.histogram.binEdges);
    const r = compareProfiles([small], [cur]);
    expect(r.features[0]).toMatchObject({
      method: 'ks',
      drifted: true,
      details: { pValueMethod: 'exact', data: 'sample' },
    });
    expect(r.verdict).toBe('drift');

    const large = reference(20_000);
    const same = numeric('x', normals(20_000, 0, 13), large.histogram.binEdges);
    const r2 = compareProfiles([large], [same]);
    expect(r2.features[0]).toMatchObject({
      method: 'wasserstein',
      drifted: false,
      details: { data: 'sketch' },
    });
    expect(r2.verdict).toBe('no-drift');
  });

  it('honours overrides and thresholds, recording the PSI rule and JS base', () => {
    const ref = reference(5000);
    const cur = numeric('x', normals(5000, 0.3, 14), ref.histogram.binEdges);
    const r = compareProfiles(
      [ref, { ...ref, feature: 'y' }],
      [cur, { ...cur, feature: 'y' }],
      {
        methods: { y: 'jensenshannon' },
        method: 'psi',
        thresholds: { psi: 0.5 },
        jsBase: '2',
      },
    );
    expect(r.features.map(f => [f.method, f.threshold, f.details])).toEqual([
      ['psi', 0.5, { emptyBinRule: 'evidently' }],
      ['jensenshannon', 0.1, { base: '2' }],
    ]);
  });

  it('falls back to Jensen-Shannon when a pre-binned batch has no values', () => {
    const ref = reference(5000);
    const binned: NumericFeatureProfile = {
      feature: 'x',
      histogram: {
        binEdges: ref.histogram.binEdges,
        counts: ref.histogram.counts,
      },
      below: 0,
      above: 500,
      stats: { count: 5500 },
    };
    const [f] = compareProfiles([ref], [binned]).features;
    expect(f).toMatchObject({
      method: 'jensenshannon',
      details: { fallbackFrom: 'wasserstein' },
    });
  });

  it('skips features below the minimum sample sizes and gives no verdict without any', () => {
    const ref = reference(500);
    const cur = numeric('x', normals(50, 0, 15), ref.histogram.binEdges);
    expect(compareProfiles([ref], [cur])).toEqual({
      verdict: undefined,
      driftedShare: 0,
      features: [],
      skipped: [{ feature: 'x', reason: '50 current values, fewer than 100' }],
    });
  });

  it('scores a category only production has as drift (chi-square p = 0)', async () => {
    const rows = (values: string[]) => `c\n${values.join('\n')}\n`;
    const ref = await csv(
      rows(Array.from({ length: 300 }, (_, i) => ['a', 'b', 'c'][i % 3])),
    );
    const cur = await csv(
      rows(Array.from({ length: 300 }, (_, i) => ['a', 'b', 'c', 'd'][i % 4])),
      schemaOf(ref),
    );
    const [f] = compareProfiles(ref, cur).features;
    expect(f).toMatchObject({
      method: 'chisquare',
      score: 0,
      statistic: Infinity,
      drifted: true,
    });
  });

  it('decides by share, Bonferroni or Benjamini-Hochberg', () => {
    const features = (ps: number[]) =>
      ps.map((p, i) => ({
        feature: `f${i}`,
        method: 'ks',
        score: p,
        threshold: 0.05,
        drifted: p <= 0.05,
      }));
    const ps = [0.001, 0.02, 0.03, 0.5];
    expect(decideVerdict(features(ps), [], {})).toMatchObject({
      verdict: 'drift',
      driftedShare: 0.75,
    });
    expect(decideVerdict(features(ps), [], { driftShare: 0.8 }).verdict).toBe(
      'no-drift',
    );
    // Bonferroni: p < 0.05 / 4 = 0.0125 → only f0.
    const bonferroni = decideVerdict(features(ps), [], {
      correction: 'bonferroni',
    });
    expect(bonferroni.features.map(f => f.drifted)).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(bonferroni.verdict).toBe('drift');
    // BH: p(3) = 0.03 ≤ 3/4 · 0.05 = 0.0375 → f0, f1, f2.
    const fdr = decideVerdict(features(ps), [], { correction: 'fdr' });
    expect(fdr.features.map(f => f.drifted)).toEqual([true, true, true, false]);
    expect(
      decideVerdict(features([0.03, 0.5]), [], { correction: 'bonferroni' })
        .verdict,
    ).toBe('no-drift');
  });
});
