import {
  Deployment,
  ListDeploymentsQuery,
  Page,
} from '@mlreg/plugin-model-registry-common';
import { RegistryStores } from '../database/RegistryDatabase';
import { readPage, timestampAndId } from './cursor';
import { ModelService } from './ModelService';

/**
 * The read side of deployments. The deployer records them through
 * `DeploymentStore.record` and `appendStatus`.
 */
export class DeploymentService {
  constructor(
    private readonly db: RegistryStores,
    private readonly models: ModelService,
  ) {}

  /** The deployments of a model, newest first. */
  async list(
    modelName: string,
    query: ListDeploymentsQuery & { limit: number },
  ): Promise<Page<Deployment>> {
    const model = await this.models.resolve(modelName);
    return readPage({
      cursor: query.cursor,
      limit: query.limit,
      accept: c => timestampAndId(c, 'createdAt'),
      read: (after, limit) =>
        this.db.read.deployments.list({
          modelId: model.id,
          environment: query.environment,
          after,
          limit,
        }),
      position: last => ({ createdAt: last.createdAt, id: last.id }),
    });
  }
}
