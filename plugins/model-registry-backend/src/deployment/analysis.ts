import { Condition } from './conditions';

/**
 * A guardrail of an environment: a metric query judged at every interval
 * during the bake time, with the semantics of an Argo Rollouts analysis
 * metric (`successCondition`, `failureCondition`, `count`, `failureLimit`,
 * `inconclusiveLimit`, `consecutiveErrorLimit`).
 */
export interface Guardrail {
  name: string;
  /** Id of the monitoring source, or `drift` for the registry's drift verdict. */
  source: string;
  query: string;
  successCondition?: Condition;
  failureCondition?: Condition;
  intervalMs: number;
  initialDelayMs: number;
  /** Measurements to take; absent: measure until the bake time ends. */
  count?: number;
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
}

export type MeasurementPhase =
  | 'successful'
  | 'failed'
  | 'inconclusive'
  | 'error';

export type GuardrailPhase =
  | 'running'
  | 'successful'
  | 'failed'
  | 'inconclusive'
  | 'error';

/** Where the analysis of one guardrail stands; stored with the deployment. */
export interface GuardrailState {
  name: string;
  phase: GuardrailPhase;
  measurements: number;
  successful: number;
  failed: number;
  inconclusive: number;
  errors: number;
  consecutiveErrors: number;
  /** When to take the next measurement, epoch milliseconds. */
  nextAt: number;
  /** The newest measurement, for people. */
  last?: { phase: MeasurementPhase; values: number[]; message?: string };
}

export function startGuardrail(
  guardrail: Guardrail,
  now: number,
): GuardrailState {
  return {
    name: guardrail.name,
    phase: 'running',
    measurements: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    errors: 0,
    consecutiveErrors: 0,
    nextAt: now + guardrail.initialDelayMs,
  };
}

/**
 * Judges query results as Argo does: a true failure condition fails; else a
 * true success condition succeeds; a false success condition fails unless a
 * failure condition is also given (then neither held: inconclusive); a
 * condition that cannot be decided (a value the query did not return) is
 * inconclusive.
 */
export function judge(
  guardrail: Guardrail,
  values: number[],
): MeasurementPhase {
  const failure = guardrail.failureCondition?.evaluate(values);
  const success = guardrail.successCondition?.evaluate(values);
  if (failure === true) return 'failed';
  if (success === true) return 'successful';
  if (guardrail.successCondition && guardrail.failureCondition) {
    return 'inconclusive';
  }
  if (success === false) return 'failed';
  if (failure === false) return 'successful';
  return 'inconclusive';
}

/** The state after one measurement (or query error) at `now`. */
export function recordMeasurement(
  guardrail: Guardrail,
  state: GuardrailState,
  outcome: { phase: MeasurementPhase; values: number[]; message?: string },
  now: number,
): GuardrailState {
  const next: GuardrailState = {
    ...state,
    measurements: state.measurements + 1,
    nextAt: now + guardrail.intervalMs,
    last: outcome,
  };
  if (outcome.phase === 'error') {
    next.errors += 1;
    next.consecutiveErrors += 1;
    // An error is not a measurement in Argo's count.
    next.measurements = state.measurements;
  } else {
    next.consecutiveErrors = 0;
    next[outcome.phase] += 1;
  }
  next.phase = phaseOf(guardrail, next);
  return next;
}

function phaseOf(guardrail: Guardrail, state: GuardrailState): GuardrailPhase {
  if (state.failed > guardrail.failureLimit) return 'failed';
  if (state.consecutiveErrors > guardrail.consecutiveErrorLimit) return 'error';
  if (state.inconclusive > guardrail.inconclusiveLimit) return 'inconclusive';
  if (guardrail.count !== undefined && state.measurements >= guardrail.count) {
    return 'successful';
  }
  return 'running';
}

/** The verdict of all guardrails together, worst first. */
export function overallPhase(states: GuardrailState[]): GuardrailPhase {
  for (const phase of ['failed', 'error', 'inconclusive', 'running'] as const) {
    if (states.some(s => s.phase === phase)) return phase;
  }
  return 'successful';
}

/** One line per guardrail, for status messages. */
export function describeGuardrails(states: GuardrailState[]): string {
  return states
    .map(s => {
      const last = s.last
        ? `, last ${s.last.phase}${
            s.last.values.length
              ? ` (${s.last.values.slice(0, 3).join(', ')})`
              : ''
          }${s.last.message ? `: ${s.last.message}` : ''}`
        : '';
      return `${s.name}: ${s.phase}, ${s.successful} ok / ${s.failed} failed / ${s.inconclusive} inconclusive / ${s.errors} errors${last}`;
    })
    .join('; ');
}
