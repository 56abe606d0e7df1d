import { Config } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { KubeConfig } from '@kubernetes/client-node';
import { ModelDeploymentEnvironment } from '@mlreg/plugin-model-registry-node';

/** How to reach a cluster's API server. */
export type ClusterConnection =
  | { name: string; inCluster: true }
  | { name: string; kubeconfig: string; context?: string }
  | {
      name: string;
      url: string;
      token?: string;
      caData?: string;
      skipTLSVerify?: boolean;
    };

function fromObject(name: string, cluster: JsonObject): ClusterConnection {
  const str = (key: string) => {
    const value = cluster[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new Error(`cluster.${key} must be a non-empty string`);
    }
    return value as string | undefined;
  };
  if (cluster.inCluster === true) return { name, inCluster: true };
  const kubeconfig = str('kubeconfig');
  if (kubeconfig) return { name, kubeconfig, context: str('context') };
  const url = str('url');
  if (!url) {
    throw new Error(
      `cluster "${name}" needs one of inCluster: true, kubeconfig (a file) or url (with token)`,
    );
  }
  if (!/^https?:\/\//.test(url)) {
    throw new Error(`cluster.url "${url}" is not an http(s) URL`);
  }
  return {
    name,
    url,
    token: str('token'),
    caData: str('caData'),
    skipTLSVerify: cluster.skipTLSVerify === true,
  };
}

/**
 * The portal's `kubernetes.clusterLocatorMethods` clusters of type
 * `config`, by name, as the Kubernetes plugin reads them.
 */
function portalClusters(config: Config): Map<string, ClusterConnection> {
  const clusters = new Map<string, ClusterConnection>();
  for (const method of config.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  ) ?? []) {
    if (method.getOptionalString('type') !== 'config') continue;
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      const authProvider = cluster.getOptionalString('authProvider');
      if (authProvider && authProvider !== 'serviceAccount') {
        // Only service account tokens can be used outside a user's request.
        continue;
      }
      clusters.set(name, {
        name,
        url: cluster.getString('url'),
        token: cluster.getOptionalString('serviceAccountToken'),
        caData: cluster.getOptionalString('caData'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      });
    }
  }
  return clusters;
}

/** The clients of the clusters environments name, built once each. */
export class ClusterConnections {
  private readonly portal: Map<string, ClusterConnection>;
  private readonly configs = new Map<string, KubeConfig>();

  constructor(rootConfig: Config) {
    this.portal = portalClusters(rootConfig);
  }

  /** Where an environment's cluster is; throws a configuration error. */
  resolve(environment: ModelDeploymentEnvironment): ClusterConnection {
    const inline = environment.options?.cluster;
    if (inline && typeof inline === 'object' && !Array.isArray(inline)) {
      return fromObject(environment.cluster, inline);
    }
    const found = this.portal.get(environment.cluster);
    if (!found) {
      const known = [...this.portal.keys()];
      throw new Error(
        `environment "${environment.name}" names cluster "${
          environment.cluster
        }", which is not among kubernetes.clusterLocatorMethods clusters with a service account token (${
          known.length ? known.join(', ') : 'none configured'
        }); give the cluster inline: cluster: { name, url, token } or { name, kubeconfig } or { name, inCluster: true }`,
      );
    }
    return found;
  }

  kubeConfig(environment: ModelDeploymentEnvironment): KubeConfig {
    const key = `${environment.name}/${environment.cluster}`;
    let kc = this.configs.get(key);
    if (!kc) {
      kc = toKubeConfig(this.resolve(environment));
      this.configs.set(key, kc);
    }
    return kc;
  }
}

export function toKubeConfig(connection: ClusterConnection): KubeConfig {
  const kc = new KubeConfig();
  if ('inCluster' in connection) {
    kc.loadFromCluster();
  } else if ('kubeconfig' in connection) {
    kc.loadFromFile(connection.kubeconfig);
    if (connection.context) kc.setCurrentContext(connection.context);
  } else {
    kc.loadFromOptions({
      clusters: [
        {
          name: connection.name,
          server: connection.url,
          caData: connection.caData,
          skipTLSVerify: connection.skipTLSVerify ?? false,
        },
      ],
      users: [{ name: 'mlreg', token: connection.token }],
      contexts: [
        { name: connection.name, cluster: connection.name, user: 'mlreg' },
      ],
      currentContext: connection.name,
    });
  }
  return kc;
}
