import {
  ModelRegistryEvent,
  ModelRegistryEventSubscriber,
} from '@mlreg/plugin-model-registry-node';
import { Counter, Gauge, Registry } from 'prom-client';

/** Delivery counts per subscriber, as the registry reports them. */
export type DeliveryCounts = Array<{
  id: string;
  deliveries: { pending: number; delivered: number; dead: number };
}>;

interface FeatureScore {
  feature: string;
  method: string;
  score: number;
}

/**
 * The registry's metrics in Prometheus' format, on a registry of their own:
 * events by type (registrations are `version.registered`, completed uploads
 * `version.ready`), outbox deliveries by subscriber and status (read from the
 * registry on every scrape), and the latest drift scores per model,
 * environment, feature and method. Drift series are capped: beyond
 * `maxSeries` new label sets are dropped and counted, so a model with
 * thousands of features cannot blow up Prometheus.
 */
export class RegistryMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<'type'>;
  private readonly featureDrift: Gauge<
    'model' | 'environment' | 'feature' | 'method'
  >;
  private readonly datasetDrift: Gauge<'model' | 'environment'>;
  private readonly dropped: Counter;
  /** Read from the registry on every scrape. */
  readonly deliveries: Gauge<'subscriber' | 'status'>;
  private readonly series = new Set<string>();

  constructor(
    private readonly maxSeries: number,
    readDeliveries: () => Promise<DeliveryCounts>,
  ) {
    const registers = [this.registry];
    this.events = new Counter({
      name: 'mlreg_events_total',
      help: 'Registry events delivered to this exporter, by type (version.registered = registrations, version.ready = completed uploads)',
      labelNames: ['type'],
      registers,
    });
    this.featureDrift = new Gauge({
      name: 'mlreg_feature_drift_score',
      help: 'Score of the newest drift check per feature (p-value for ks, chisquare, z; distance otherwise)',
      labelNames: ['model', 'environment', 'feature', 'method'],
      registers,
    });
    this.datasetDrift = new Gauge({
      name: 'mlreg_dataset_drift',
      help: 'Verdict of the newest drift check: 1 drift, 0 no drift',
      labelNames: ['model', 'environment'],
      registers,
    });
    this.dropped = new Counter({
      name: 'mlreg_metrics_dropped_series_total',
      help: 'Drift series not exported because the series limit was reached',
      registers,
    });
    this.deliveries = new Gauge({
      name: 'mlreg_outbox_deliveries',
      help: 'Outbox deliveries per subscriber and status (pending = lag, dead = dead letters)',
      labelNames: ['subscriber', 'status'],
      registers,
      async collect() {
        this.reset();
        for (const s of await readDeliveries()) {
          for (const [status, count] of Object.entries(s.deliveries)) {
            this.set({ subscriber: s.id, status }, count);
          }
        }
      },
    });
  }

  /** Whether a label set may be exported. */
  private admit(key: string): boolean {
    if (this.series.has(key)) return true;
    if (this.series.size >= this.maxSeries) {
      this.dropped.inc();
      return false;
    }
    this.series.add(key);
    return true;
  }

  /** Updates the metrics from one registry event. */
  observe(event: ModelRegistryEvent): void {
    this.events.inc({ type: event.type });
    if (event.type !== 'drift.checked' && event.type !== 'drift.detected') {
      return;
    }
    const model = String(event.payload.model ?? event.model ?? '');
    const environment = String(event.payload.environment ?? '');
    if (this.admit(`${model}\u0000${environment}`)) {
      this.datasetDrift.set(
        { model, environment },
        event.type === 'drift.detected' ? 1 : 0,
      );
    }
    const features = (event.payload.features ?? []) as FeatureScore[];
    for (const { feature, method, score } of features) {
      const labels = { model, environment, feature, method };
      if (this.admit(Object.values(labels).join('\u0000'))) {
        this.featureDrift.set(labels, score);
      }
    }
  }

  /** A subscriber that feeds every registry event to {@link RegistryMetrics.observe}. */
  subscriber(): ModelRegistryEventSubscriber {
    return {
      id: 'prometheus-metrics',
      retry: { maxAttempts: 3 },
      deliver: async event => this.observe(event),
    };
  }
}
