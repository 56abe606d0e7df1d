import {
  Guardrail,
  judge,
  overallPhase,
  recordMeasurement,
  startGuardrail,
} from './analysis';
import { parseCondition } from './conditions';

function guardrail(overrides: Partial<Guardrail> = {}): Guardrail {
  return {
    name: 'error-rate',
    source: 'prometheus',
    query: 'rate(errors[1m])',
    successCondition: parseCondition('result < 0.05'),
    intervalMs: 1000,
    initialDelayMs: 0,
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 2,
    ...overrides,
  };
}

describe('guardrail analysis (Argo Rollouts semantics)', () => {
  it('judges a measurement by its success and failure conditions', () => {
    const onlySuccess = guardrail();
    expect(judge(onlySuccess, [0.01])).toBe('successful');
    expect(judge(onlySuccess, [0.5])).toBe('failed');
    const both = guardrail({
      failureCondition: parseCondition('result > 0.2'),
    });
    expect(judge(both, [0.01])).toBe('successful');
    expect(judge(both, [0.5])).toBe('failed');
    expect(judge(both, [0.1])).toBe('inconclusive');
    const onlyFailure = guardrail({
      successCondition: undefined,
      failureCondition: parseCondition('result > 0.2'),
    });
    expect(judge(onlyFailure, [0.1])).toBe('successful');
    expect(judge(onlyFailure, [0.3])).toBe('failed');
    expect(judge(onlySuccess, [])).toBe('inconclusive');
  });

  it('succeeds after count measurements and fails above the failure limit', () => {
    const g = guardrail({ count: 3, failureLimit: 1 });
    let state = startGuardrail(g, 0);
    const measure = (values: number[], at: number) => {
      state = recordMeasurement(
        g,
        state,
        { phase: judge(g, values), values },
        at,
      );
    };
    measure([0.5], 1); // one failure is tolerated
    expect(state.phase).toBe('running');
    measure([0.01], 2);
    expect(state.phase).toBe('running');
    expect(state.nextAt).toBe(1002);
    measure([0.01], 3);
    expect(state.phase).toBe('successful');
    expect(state).toMatchObject({ measurements: 3, successful: 2, failed: 1 });

    state = startGuardrail(g, 0);
    measure([0.5], 1);
    measure([0.5], 2);
    expect(state.phase).toBe('failed');
  });

  it('is inconclusive above the inconclusive limit and errs after consecutive errors', () => {
    const g = guardrail({ failureCondition: parseCondition('result > 0.2') });
    let state = recordMeasurement(
      g,
      startGuardrail(g, 0),
      { phase: 'inconclusive', values: [0.1] },
      1,
    );
    expect(state.phase).toBe('inconclusive');

    state = startGuardrail(g, 0);
    const error = {
      phase: 'error' as const,
      values: [],
      message: 'connection refused',
    };
    state = recordMeasurement(g, state, error, 1);
    state = recordMeasurement(g, state, error, 2);
    expect(state.phase).toBe('running');
    expect(state.measurements).toBe(0);
    // a good measurement resets the run of errors
    state = recordMeasurement(
      g,
      state,
      { phase: 'successful', values: [0] },
      3,
    );
    expect(state.consecutiveErrors).toBe(0);
    for (let i = 0; i < 3; i++)
      state = recordMeasurement(g, state, error, 4 + i);
    expect(state.phase).toBe('error');
  });

  it('takes the worst phase of all guardrails', () => {
    const g = guardrail();
    const base = startGuardrail(g, 0);
    expect(overallPhase([{ ...base, phase: 'successful' }])).toBe('successful');
    expect(overallPhase([{ ...base, phase: 'successful' }, base])).toBe(
      'running',
    );
    expect(
      overallPhase([
        { ...base, phase: 'inconclusive' },
        { ...base, phase: 'failed' },
      ]),
    ).toBe('failed');
    expect(overallPhase([])).toBe('successful');
  });
});
