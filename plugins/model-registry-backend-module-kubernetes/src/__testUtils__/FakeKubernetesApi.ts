import http from 'node:http';
import { AddressInfo } from 'node:net';

/** How the fake cluster's controllers answer an applied object. */
export type Behaviour =
  /** Deployment: replicas become updated and available after `delayMs`. */
  | { type: 'rollout'; delayMs: number }
  /** Deployment: the Progressing condition ends in ProgressDeadlineExceeded. */
  | { type: 'deadline'; delayMs: number }
  /** InferenceService: Ready and PredictorReady become True. */
  | { type: 'ready'; delayMs: number }
  /** InferenceService: the model fails to load. */
  | { type: 'failed-load'; delayMs: number }
  /** Nothing ever observes the object. */
  | { type: 'stuck' };

type Obj = Record<string, any>;

const RESOURCES: Record<
  string,
  { group: string; kind: string; plural: string }
> = {
  '/api/v1': { group: '/api/v1', kind: 'Service', plural: 'services' },
  '/apis/apps/v1': {
    group: '/apis/apps/v1',
    kind: 'Deployment',
    plural: 'deployments',
  },
  '/apis/serving.kserve.io/v1beta1': {
    group: '/apis/serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    plural: 'inferenceservices',
  },
};

const PATH =
  /^(\/api\/v1|\/apis\/apps\/v1|\/apis\/serving\.kserve\.io\/v1beta1)\/namespaces\/([^/]+)\/([a-z]+)(?:\/([^/]+))?$/;

/** A request the fake answered, for assertions. */
export interface SeenRequest {
  /** When it arrived, `performance.now()`. */
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  body?: Obj;
}

/**
 * A local HTTP server answering the Kubernetes API calls the deployer makes:
 * discovery, server-side apply (`PATCH` with
 * `application/apply-patch+yaml`), get, list and watch of Deployments,
 * Services and KServe InferenceServices. Applied objects get a generation
 * and resourceVersion, and a simulated controller moves their status as the
 * object's behaviour says, notifying watchers.
 */
export class FakeKubernetesApi {
  readonly requests: SeenRequest[] = [];
  /** Status changes the simulated controllers made, `performance.now()`. */
  readonly transitions: Array<{ at: number; name: string; failed: boolean }> =
    [];
  private readonly objects = new Map<string, Obj>();
  private readonly watchers = new Set<{
    prefix: string;
    name?: string;
    res: http.ServerResponse;
  }>();
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly faults: Array<{
    method: string;
    path: RegExp;
    status: number;
    times: number;
    hang?: boolean;
  }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private defaultBehaviour: Behaviour = { type: 'rollout', delayMs: 50 };
  private resourceVersion = 1;
  private server?: http.Server;
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => this.handle(req, res, body));
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${
      (this.server.address() as AddressInfo).port
    }`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>(
      resolve => this.server?.close(() => resolve()) ?? resolve(),
    );
  }

  /**
   * How objects named `name` (any kind) behave from their next apply on;
   * with `version`, only while they carry that `mlreg.io/version` label.
   */
  behave(name: string, behaviour: Behaviour, version?: number): void {
    this.behaviours.set(
      version === undefined ? name : `${name}@${version}`,
      behaviour,
    );
  }

  setDefaultBehaviour(behaviour: Behaviour): void {
    this.defaultBehaviour = behaviour;
  }

  /** Answers the next `times` matching requests with `status` (or never, `hang`). */
  fail(
    method: string,
    path: RegExp,
    status: number,
    times = 1,
    hang = false,
  ): void {
    this.faults.push({ method, path, status, times, hang });
  }

  /** An object as the cluster holds it. */
  get(kind: string, namespace: string, name: string): Obj | undefined {
    return this.objects.get(`${kind}/${namespace}/${name}`);
  }

  /** Puts an object as if someone else had applied it. */
  put(kind: string, object: Obj): void {
    const key = `${kind}/${object.metadata.namespace}/${object.metadata.name}`;
    this.objects.set(key, {
      ...object,
      metadata: {
        generation: 1,
        resourceVersion: String(++this.resourceVersion),
        ...object.metadata,
      },
    });
  }

  private send(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private status(
    res: http.ServerResponse,
    code: number,
    reason: string,
    message: string,
  ) {
    this.send(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason,
      message,
      code,
    });
  }

  private handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    raw: string,
  ) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const seen: SeenRequest = {
      at: performance.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
    };
    if (raw) {
      try {
        seen.body = JSON.parse(raw);
      } catch {
        // the apply body of this client is JSON; anything else is a 400 below
      }
    }
    this.requests.push(seen);
    if (req.headers.authorization !== 'Bearer test-token') {
      this.status(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    const fault = this.faults.find(
      f => f.times > 0 && f.method === seen.method && f.path.test(url.pathname),
    );
    if (fault) {
      fault.times -= 1;
      if (fault.hang) return; // never answers: the client's timeout decides
      const reasons: Record<number, string> = {
        403: 'Forbidden',
        409: 'Conflict',
        500: 'InternalError',
        503: 'ServiceUnavailable',
      };
      this.status(
        res,
        fault.status,
        reasons[fault.status] ?? 'Unknown',
        `injected ${fault.status}`,
      );
      return;
    }
    const discovery = RESOURCES[url.pathname];
    if (discovery && req.method === 'GET') {
      this.send(res, 200, {
        kind: 'APIResourceList',
        groupVersion: url.pathname.replace(/^\/apis?\//, ''),
        resources: [
          {
            name: discovery.plural,
            singularName: '',
            namespaced: true,
            kind: discovery.kind,
            verbs: ['get', 'list', 'patch', 'watch'],
          },
        ],
      });
      return;
    }
    const match = PATH.exec(url.pathname);
    const resource = match && RESOURCES[match[1]];
    if (!match || !resource || resource.plural !== match[3]) {
      this.status(
        res,
        404,
        'NotFound',
        `no route ${req.method} ${url.pathname}`,
      );
      return;
    }
    const [, prefix, namespace, , name] = match;
    const key = `${resource.kind}/${namespace}/${name}`;
    if (req.method === 'PATCH' && name) {
      if (seen.contentType !== 'application/apply-patch+yaml' || !seen.body) {
        this.status(
          res,
          415,
          'UnsupportedMediaType',
          'only server-side apply is served',
        );
        return;
      }
      if (url.searchParams.get('fieldManager') === null) {
        this.status(
          res,
          422,
          'Invalid',
          'fieldManager is required for apply patch',
        );
        return;
      }
      this.apply(resource.kind, key, seen.body, res);
      return;
    }
    if (req.method === 'GET' && name) {
      const object = this.objects.get(key);
      if (!object)
        this.status(
          res,
          404,
          'NotFound',
          `${resource.plural} "${name}" not found`,
        );
      else this.send(res, 200, object);
      return;
    }
    if (req.method === 'GET' && url.searchParams.get('watch') === 'true') {
      const field = url.searchParams.get('fieldSelector') ?? '';
      const only = /^metadata\.name=(.+)$/.exec(field)?.[1];
      res.writeHead(200, {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      });
      const watcher = {
        prefix: `${resource.kind}/${namespace}/`,
        name: only,
        res,
      };
      this.watchers.add(watcher);
      res.flushHeaders();
      res.on('close', () => this.watchers.delete(watcher));
      const since = Number(url.searchParams.get('resourceVersion') ?? 0);
      for (const [k, object] of this.objects) {
        if (
          k.startsWith(watcher.prefix) &&
          (!only || object.metadata.name === only) &&
          Number(object.metadata.resourceVersion) > since
        ) {
          res.write(`${JSON.stringify({ type: 'MODIFIED', object })}\n`);
        }
      }
      return;
    }
    if (req.method === 'GET') {
      const selector = url.searchParams.get('labelSelector');
      const items = [...this.objects.entries()]
        .filter(([k]) => k.startsWith(`${resource.kind}/${namespace}/`))
        .map(([, o]) => o)
        .filter(
          o =>
            !selector ||
            selector.split(',').every(term => {
              const [label, value] = term.split('=');
              return value === undefined
                ? label in (o.metadata.labels ?? {})
                : o.metadata.labels?.[label] === value;
            }),
        );
      this.send(res, 200, {
        kind: `${resource.kind}List`,
        apiVersion: prefix.replace(/^\/apis?\//, ''),
        metadata: { resourceVersion: String(this.resourceVersion) },
        items,
      });
      return;
    }
    this.status(res, 405, 'MethodNotAllowed', `${req.method} is not served`);
  }

  private apply(
    kind: string,
    key: string,
    body: Obj,
    res: http.ServerResponse,
  ) {
    const existing = this.objects.get(key);
    const specChanged =
      JSON.stringify(existing?.spec) !== JSON.stringify(body.spec);
    const generation =
      (existing?.metadata.generation ?? 0) + (existing && !specChanged ? 0 : 1);
    const object: Obj = {
      ...body,
      metadata: {
        ...body.metadata,
        uid: existing?.metadata.uid ?? `uid-${key}`,
        generation,
        resourceVersion: String(++this.resourceVersion),
      },
      status: existing?.status ?? {},
    };
    this.objects.set(key, object);
    this.notify(kind, object);
    this.send(res, existing ? 200 : 201, object);
    if (kind !== 'Service' && specChanged) this.simulate(kind, key);
  }

  private notify(kind: string, object: Obj) {
    const prefix = `${kind}/${object.metadata.namespace}/`;
    for (const w of this.watchers) {
      if (w.prefix === prefix && (!w.name || w.name === object.metadata.name)) {
        w.res.write(`${JSON.stringify({ type: 'MODIFIED', object })}\n`);
      }
    }
  }

  private later(ms: number, fn: () => void) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private update(kind: string, key: string, generation: number, status: Obj) {
    const object = this.objects.get(key);
    if (!object || object.metadata.generation !== generation) return;
    object.status = status;
    this.transitions.push({
      at: performance.now(),
      name: object.metadata.name,
      failed:
        JSON.stringify(status).includes('ProgressDeadlineExceeded') ||
        JSON.stringify(status).includes('FailedToLoad'),
    });
    object.metadata.resourceVersion = String(++this.resourceVersion);
    this.notify(kind, object);
  }

  private simulate(kind: string, key: string) {
    const object = this.objects.get(key)!;
    const generation = object.metadata.generation;
    const behaviour =
      this.behaviours.get(
        `${object.metadata.name}@${object.metadata.labels?.['mlreg.io/version']}`,
      ) ??
      this.behaviours.get(object.metadata.name) ??
      (kind === 'InferenceService' && this.defaultBehaviour.type === 'rollout'
        ? { type: 'ready' as const, delayMs: this.defaultBehaviour.delayMs }
        : this.defaultBehaviour);
    if (behaviour.type === 'stuck') return;
    const replicas = object.spec?.replicas ?? 1;
    if (kind === 'Deployment') {
      this.update(kind, key, generation, {
        observedGeneration: generation,
        replicas: replicas + 1,
        updatedReplicas: 0,
        availableReplicas: 1,
        conditions: [
          { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
        ],
      });
      this.later(behaviour.delayMs, () =>
        this.update(
          kind,
          key,
          generation,
          behaviour.type === 'deadline'
            ? {
                observedGeneration: generation,
                replicas: replicas + 1,
                updatedReplicas: 1,
                availableReplicas: 1,
                conditions: [
                  {
                    type: 'Progressing',
                    status: 'False',
                    reason: 'ProgressDeadlineExceeded',
                    message: `ReplicaSet "${object.metadata.name}-${generation}" has timed out progressing.`,
                  },
                ],
              }
            : {
                observedGeneration: generation,
                replicas,
                updatedReplicas: replicas,
                availableReplicas: replicas,
                conditions: [
                  {
                    type: 'Progressing',
                    status: 'True',
                    reason: 'NewReplicaSetAvailable',
                  },
                ],
              },
        ),
      );
      return;
    }
    this.update(kind, key, generation, {
      observedGeneration: generation,
      conditions: [
        { type: 'PredictorReady', status: 'Unknown' },
        { type: 'Ready', status: 'Unknown', reason: 'RevisionMissing' },
      ],
      modelStatus: {
        transitionStatus: 'InProgress',
        states: { activeModelState: 'Loading' },
      },
    });
    this.later(behaviour.delayMs, () =>
      this.update(
        kind,
        key,
        generation,
        behaviour.type === 'failed-load'
          ? {
              observedGeneration: generation,
              conditions: [
                { type: 'PredictorReady', status: 'False' },
                { type: 'Ready', status: 'False', reason: 'RevisionFailed' },
              ],
              modelStatus: {
                transitionStatus: 'BlockedByFailedLoad',
                states: { activeModelState: 'FailedToLoad' },
                lastFailureInfo: {
                  reason: 'ModelLoadFailed',
                  message: 'cannot load the model',
                },
              },
            }
          : {
              observedGeneration: generation,
              url: `http://${object.metadata.name}.${object.metadata.namespace}.example.com`,
              conditions: [
                { type: 'PredictorReady', status: 'True' },
                { type: 'Ready', status: 'True' },
              ],
              modelStatus: {
                transitionStatus: 'UpToDate',
                states: { activeModelState: 'Loaded' },
              },
            },
      ),
    );
  }
}
