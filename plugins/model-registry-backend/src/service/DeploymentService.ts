import {
  Deployment,
  ListDeploymentsQuery,
  Page,
} from '@mlreg/plugin-model-registry-common';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { decodeCursor, timestampAndId, toPage } from './cursor';
import { ModelService } from './ModelService';

/**
 * The read side of deployments. The deployer records them through
 * `DeploymentStore.record` and `appendStatus`.
 */
export class DeploymentService {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly models: ModelService,
  ) {}

  /** The deployments of a model, newest first. */
  async list(
    modelName: string,
    query: ListDeploymentsQuery & { limit: number },
  ): Promise<Page<Deployment>> {
    const model = await this.models.resolve(modelName);
    const after = query.cursor
      ? decodeCursor(query.cursor, timestampAndId('createdAt'))
      : undefined;
    const rows = await this.db.read.deployments.list({
      modelId: model.id,
      environment: query.environment,
      after,
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, last => ({
      createdAt: last.createdAt,
      id: last.id,
    }));
  }
}
