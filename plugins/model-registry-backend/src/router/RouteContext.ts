import { AliasService } from '../service/AliasService';
import { AuditService } from '../service/AuditService';
import { DeliveryService } from '../service/DeliveryService';
import { DeploymentService } from '../service/DeploymentService';
import { DriftService } from '../service/DriftService';
import { IdempotencyService } from '../service/IdempotencyService';
import { IntegrationsService } from '../service/IntegrationsService';
import { KpiService } from '../service/KpiService';
import { LineageService } from '../service/LineageService';
import { ModelService } from '../service/ModelService';
import { MonitorService } from '../service/MonitorService';
import { PortfolioService } from '../service/PortfolioService';
import { RolloutService } from '../service/RolloutService';
import { VersionService } from '../service/VersionService';
import { RegistryAuthorization } from './authorization';

/** The services behind the REST API. */
export interface RegistryServices {
  models: ModelService;
  versions: VersionService;
  aliases: AliasService;
  kpis: KpiService;
  lineage: LineageService;
  audit: AuditService;
  deployments: DeploymentService;
  /** Deploy requests, rollbacks, pipeline reports, environments. */
  rollouts: RolloutService;
  drift: DriftService;
  monitor: MonitorService;
  portfolio: PortfolioService;
  deliveries: DeliveryService;
  integrations: IntegrationsService;
  idempotency: IdempotencyService;
}

/** What every resource's routes are built from. */
export interface RouteContext {
  services: RegistryServices;
  access: RegistryAuthorization;
}
