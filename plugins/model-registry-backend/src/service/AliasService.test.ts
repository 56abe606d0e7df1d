import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { InMemoryRegistry } from '../__testUtils__/InMemoryRegistry';
import { seedModel, seedVersion } from '../__testUtils__/seed';
import { AliasService } from './AliasService';
import { ModelService } from './ModelService';

const dana = { ref: 'user:default/dana', requestId: 'req-1' };
const lee = { ref: 'user:default/lee' };

describe('AliasService', () => {
  let registry: InMemoryRegistry;
  let aliases: AliasService;

  beforeEach(async () => {
    registry = new InMemoryRegistry();
    aliases = new AliasService(registry, new ModelService(registry));
    const fraud = await seedModel(registry, 'fraud');
    await seedVersion(registry, fraud); // 1
    await seedVersion(registry, fraud); // 2
    await seedVersion(registry, fraud, 'PENDING'); // 3
    await seedVersion(registry, fraud, 'FAILED'); // 4
  });

  it('creates an alias on a READY version, with its audit record and event', async () => {
    const alias = await aliases.set('fraud', 'champion', 1, dana);

    expect(alias).toEqual({
      alias: 'champion',
      version: 1,
      updatedAt: expect.any(String),
      updatedBy: dana.ref,
    });
    expect(await aliases.list('fraud')).toEqual([alias]);
    expect(registry.auditRecords).toEqual([
      expect.objectContaining({
        action: 'alias.set',
        actor: dana.ref,
        target: 'model:fraud/aliases/champion',
        model: 'fraud',
        version: 1,
        before: undefined,
        after: { version: 1 },
        requestId: 'req-1',
      }),
    ]);
    expect(registry.events).toEqual([
      expect.objectContaining({
        type: 'alias.created',
        model: 'fraud',
        payload: {
          model: 'fraud',
          alias: 'champion',
          version: 1,
          previousVersion: undefined,
          actor: dana.ref,
        },
      }),
    ]);
  });

  it('moves an alias, recording where it pointed and who had set it', async () => {
    await aliases.set('fraud', 'champion', 1, dana);
    const moved = await aliases.set('fraud', 'champion', 2, lee);

    expect(moved).toMatchObject({ version: 2, updatedBy: lee.ref });
    expect(registry.auditRecords[1]).toMatchObject({
      action: 'alias.set',
      actor: lee.ref,
      version: 2,
      before: { version: 1, by: dana.ref },
      after: { version: 2 },
    });
    expect(registry.events[1]).toMatchObject({
      type: 'alias.moved',
      payload: { version: 2, previousVersion: 1, actor: lee.ref },
    });
  });

  it('changes nothing when the alias already points at the version', async () => {
    await aliases.set('fraud', 'champion', 1, dana);
    const again = await aliases.set('fraud', 'champion', 1, lee);

    expect(again.updatedBy).toBe(dana.ref);
    expect(registry.auditRecords).toHaveLength(1);
    expect(registry.events).toHaveLength(1);
  });

  it('points aliases at READY versions only', async () => {
    await expect(aliases.set('fraud', 'champion', 3, dana)).rejects.toThrow(
      new ConflictError(
        'version 3 of model "fraud" is PENDING; aliases point at READY versions only',
      ),
    );
    await expect(aliases.set('fraud', 'champion', 4, dana)).rejects.toThrow(
      ConflictError,
    );
    await expect(aliases.set('fraud', 'champion', 9, dana)).rejects.toThrow(
      new NotFoundError('version 9 of model "fraud" not found'),
    );
    await expect(aliases.set('churn', 'champion', 1, dana)).rejects.toThrow(
      new NotFoundError('model "churn" not found'),
    );
    expect(await aliases.list('fraud')).toEqual([]);
    expect(registry.auditRecords).toEqual([]);
    expect(registry.events).toEqual([]);
  });

  it.each(['latest', 'v2', '7', 'Champion', '-champion'])(
    'rejects the alias name %p',
    async alias => {
      await expect(aliases.set('fraud', alias, 1, dana)).rejects.toThrow(
        InputError,
      );
      expect(registry.events).toEqual([]);
    },
  );

  it('deletes an alias, recording where it pointed', async () => {
    await aliases.set('fraud', 'champion', 2, dana);
    await aliases.set('fraud', 'staging', 1, dana);
    await aliases.delete('fraud', 'champion', lee);

    expect(await aliases.list('fraud')).toEqual([
      expect.objectContaining({ alias: 'staging', version: 1 }),
    ]);
    expect(registry.auditRecords[2]).toMatchObject({
      action: 'alias.delete',
      actor: lee.ref,
      version: 2,
      before: { version: 2, by: dana.ref },
    });
    expect(registry.events[2]).toMatchObject({
      type: 'alias.deleted',
      payload: { model: 'fraud', alias: 'champion', previousVersion: 2 },
    });
  });

  it('refuses to delete an alias the model does not have', async () => {
    await expect(aliases.delete('fraud', 'champion', lee)).rejects.toThrow(
      new NotFoundError('model "fraud" has no alias "champion"'),
    );
    expect(registry.auditRecords).toEqual([]);
    expect(registry.events).toEqual([]);
  });
});
