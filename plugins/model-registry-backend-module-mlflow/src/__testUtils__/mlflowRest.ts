import { Server } from 'node:http';
import request from 'supertest';

/** What a test reads of an answer. */
export interface MlflowResponse {
  status: number;
  body: any;
}

/**
 * Calls the MLflow API the way MLflow's Python client does (MLflow 2.x and
 * 3.x, `mlflow/store/model_registry/rest_store.py` through
 * `mlflow/utils/rest_utils.py` `call_endpoint`): the request message as
 * protobuf JSON, sent as query parameters for GET (lists as repeated keys,
 * as `requests` encodes them) and as a JSON body for every other method,
 * DELETE included; `Authorization: Bearer $MLFLOW_TRACKING_TOKEN`.
 */
export function mlflowRest(
  server: Server,
  options: { prefix?: string; token?: string } = {},
) {
  const base = `/api/model-registry/mlflow${
    options.prefix ?? '/api/2.0/mlflow'
  }`;
  return async (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    endpoint: string,
    message: Record<string, unknown> = {},
  ): Promise<MlflowResponse> => {
    const url = `${base}${endpoint}`;
    let req: request.Test;
    if (method === 'GET') {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(message)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          params.append(key, String(item));
        }
      }
      const query = params.toString();
      req = request(server).get(query ? `${url}?${query}` : url);
    } else {
      req = request(server)
        [method.toLowerCase() as 'post' | 'patch' | 'delete'](url)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(message));
    }
    if (options.token) {
      req = req.set('Authorization', `Bearer ${options.token}`);
    }
    const { status, body } = await req;
    return { status, body };
  };
}
