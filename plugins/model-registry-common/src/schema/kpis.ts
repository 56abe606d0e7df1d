import { z } from 'zod';
import {
  int32,
  kpiName,
  modelName,
  pageSize,
  shortText,
  timestamp,
} from './primitives';

/** A business KPI of a model or one of its versions. */
export const kpi = z
  .strictObject({
    name: z.string(),
    value: z.number(),
    unit: z.string(),
    period: z.string(),
    source: z.string(),
    version: z.number().int().optional(),
    updatedAt: timestamp,
    updatedBy: z.string(),
  })
  .meta({ id: 'Kpi' });

export const kpiPathParams = z.strictObject({ name: modelName, kpi: kpiName });

/** A KPI value as a client records it. */
export const setKpiRequest = z.strictObject({
  value: z.number().refine(Number.isFinite, 'must be finite'),
  unit: shortText(32).optional(),
  period: shortText(64).optional(),
  source: shortText(255).optional(),
  /** Attach the KPI to a version instead of the model. */
  version: int32.min(1).optional(),
});

export const kpiHistoryQuery = z.strictObject({
  limit: pageSize(1000),
});
