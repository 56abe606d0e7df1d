import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { toError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  isModelEntity,
  modelEntityV1alpha1Validator,
} from '@mlreg/plugin-model-registry-common';

/**
 * Adds the `Model` kind to the catalog: validates `Model` entities against
 * their schema, and emits the relations of their owner, system and
 * dependencies in both directions.
 *
 * A `Model` with an invalid spec fails validation with an error naming the
 * field, which the catalog records as that entity's processing error; an
 * unparsable entity reference in the spec is reported the same way.
 */
export class ModelEntitiesProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'ModelEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    return modelEntityV1alpha1Validator.check(entity);
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isModelEntity(entity)) {
      return entity;
    }
    const selfRef = getCompoundEntityRef(entity);
    const selfName = stringifyEntityRef(selfRef);

    const emitPairs = (
      field: string,
      refs: string[],
      defaultKind: string,
      forward: string,
      reverse: string,
    ) => {
      for (const ref of refs) {
        let target: CompoundEntityRef;
        try {
          target = parseEntityRef(ref, {
            defaultKind,
            defaultNamespace: selfRef.namespace,
          });
        } catch (error) {
          // Reported as this entity's processing error rather than thrown,
          // so the message says which field of which model is wrong.
          emit(
            processingResult.inputError(
              location,
              `${selfName} has an invalid entity reference in spec.${field}: ${
                toError(error).message
              }`,
            ),
          );
          continue;
        }
        emit(
          processingResult.relation({
            source: selfRef,
            type: forward,
            target,
          }),
        );
        emit(
          processingResult.relation({
            source: target,
            type: reverse,
            target: selfRef,
          }),
        );
      }
    };

    const { owner, system, dependsOn } = entity.spec;
    emitPairs('owner', [owner], 'Group', RELATION_OWNED_BY, RELATION_OWNER_OF);
    if (system) {
      emitPairs(
        'system',
        [system],
        'System',
        RELATION_PART_OF,
        RELATION_HAS_PART,
      );
    }
    // Data sets are the common case, so a bare name means a Resource; upstream
    // models are written with their kind, `model:<name>`.
    emitPairs(
      'dependsOn',
      dependsOn ?? [],
      'Resource',
      RELATION_DEPENDS_ON,
      RELATION_DEPENDENCY_OF,
    );

    return entity;
  }
}
