import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import {
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';

const root = path.resolve(__dirname, '../../..');

/** Dockerfile instructions with their arguments, continuation lines joined. */
function instructions(file: string) {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'))
    .map(line => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const KINDS: Record<string, new (data: any) => { validate(): void }> = {
  Namespace,
  Secret,
  ConfigMap,
  Service,
  ServiceAccount,
  PersistentVolumeClaim,
  Deployment,
  StatefulSet,
  Job,
  Role,
  RoleBinding,
};

function manifests() {
  const dir = path.join(root, 'deploy/kubernetes');
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .flatMap(f =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => {
        if (d.errors.length) throw new Error(`${f}: ${d.errors[0].message}`);
        return { file: f, object: d.toJS() as any };
      }),
    );
}

describe('the portal image', () => {
  const steps = instructions(path.join(root, 'packages/backend/Dockerfile'));

  it('is a multi-stage build on Node 22 whose last stage runs the bundle as node', () => {
    const froms = steps.filter(s => s.keyword === 'FROM').map(s => s.args);
    expect(froms).toEqual([
      'node:22-bookworm-slim AS packages',
      'node:22-bookworm-slim AS build',
      'node:22-bookworm-slim',
    ]);
    const last = steps.slice(
      steps.findIndex(s => s.args === 'node:22-bookworm-slim'),
    );
    expect(last.filter(s => s.keyword === 'USER').map(s => s.args)).toEqual([
      'node',
    ]);
    expect(last.find(s => s.keyword === 'CMD')!.args).toBe(
      '["node", "packages/backend", "--config", "app-config.yaml", "--config", "app-config.production.yaml"]',
    );
    expect(
      last.some(
        s =>
          s.keyword === 'RUN' &&
          s.args.includes('yarn workspaces focus --all --production'),
      ),
    ).toBe(true);
    expect(last.filter(s => s.keyword === 'ENV').map(s => s.args)).toEqual(
      expect.arrayContaining([
        'NODE_ENV=production',
        'NODE_OPTIONS="--no-node-snapshot"',
      ]),
    );
  });

  it('copies only what exists and from stages that exist', () => {
    const stages = new Set(
      steps
        .filter(s => s.keyword === 'FROM')
        .map(s => s.args.split(' AS ')[1])
        .filter(Boolean),
    );
    const copies = steps
      .filter(s => s.keyword === 'COPY')
      .map(step => ({
        from: /--from=(\S+)/.exec(step.args)?.[1],
        sources: step.args
          .replace(/--\S+/g, '')
          .trim()
          .split(/\s+/)
          .slice(0, -1),
      }));
    const fromStages = copies.flatMap(c => (c.from ? [c.from] : []));
    expect(fromStages.length).toBeGreaterThan(0);
    expect(fromStages.filter(stage => !stages.has(stage))).toEqual([]);
    const missing = copies
      .filter(c => !c.from)
      .flatMap(c => c.sources)
      .filter(source => !fs.existsSync(path.join(root, source)));
    expect(missing).toEqual([]);
    // the build stage builds the backend bundle the last stage unpacks
    expect(
      steps.some(
        s =>
          s.keyword === 'RUN' &&
          s.args.includes('yarn --cwd packages/backend build'),
      ),
    ).toBe(true);
    expect(fs.readFileSync(path.join(root, '.dockerignore'), 'utf8')).toMatch(
      /^node_modules$/m,
    );
  });
});

describe('the Kubernetes manifests', () => {
  const objects = manifests();

  it('validate against the Kubernetes JSON schemas of their kinds', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const { file, object } of objects) {
      const Kind = KINDS[object.kind];
      expect([file, object.kind, Boolean(Kind)]).toEqual([
        file,
        object.kind,
        true,
      ]);
      expect(() => new Kind(object).validate()).not.toThrow();
    }
  });

  const find = (kind: string, name: string) =>
    objects.find(o => o.object.kind === kind && o.object.metadata.name === name)
      ?.object;

  it('run two portal replicas on PostgreSQL and the S3 store, with what they reference present', () => {
    const portal = find('Deployment', 'portal');
    expect(portal.spec.replicas).toBe(2);
    const container = portal.spec.template.spec.containers[0];
    for (const ref of container.envFrom) {
      expect(find('Secret', ref.secretRef.name)).toBeDefined();
    }
    expect(
      find('ConfigMap', portal.spec.template.spec.volumes[0].configMap.name),
    ).toBeDefined();
    expect(
      find('ServiceAccount', portal.spec.template.spec.serviceAccountName),
    ).toBeDefined();
    const config = find('ConfigMap', 'portal-config').data[
      'app-config.kubernetes.yaml'
    ];
    expect(config).toContain('type: s3');
    expect(config).toContain('endpoint: http://minio.mlreg.svc:9000');
    expect(container.env).toContainEqual({
      name: 'POSTGRES_HOST',
      value: 'postgres.mlreg.svc',
    });
    expect(find('StatefulSet', 'postgres')).toBeDefined();
    expect(find('Deployment', 'minio')).toBeDefined();
  });

  it('route every Service to pods with its selector', () => {
    for (const service of objects
      .filter(o => o.object.kind === 'Service')
      .map(o => o.object)) {
      const workload = objects
        .map(o => o.object)
        .find(
          o =>
            ['Deployment', 'StatefulSet'].includes(o.kind) &&
            o.metadata.namespace === service.metadata.namespace &&
            Object.entries(service.spec.selector).every(
              ([k, v]) => o.spec.template.metadata.labels[k] === v,
            ),
        );
      expect([service.metadata.name, Boolean(workload)]).toEqual([
        service.metadata.name,
        true,
      ]);
      const ports = workload.spec.template.spec.containers.flatMap((c: any) =>
        c.ports.map((p: any) => p.name),
      );
      for (const port of service.spec.ports)
        expect(ports).toContain(port.targetPort);
    }
  });
});
