import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseGithubDeliveryStore } from './GithubDeliveryStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('GithubDeliveryStore (%s)', id => {
  it('claims a delivery once, again only after it failed', async () => {
    const store = await DatabaseGithubDeliveryStore.create(
      mockServices.database({ knex: await databases.init(id) }),
    );
    const delivery = { deliveryId: 'd-1', event: 'release', repository: 'o/r' };
    expect(await store.claim(delivery)).toBe(true);
    expect(await store.claim(delivery)).toBe(false);
    await store.settle('d-1', 'failed', 'registry unreachable');
    expect(await store.claim(delivery)).toBe(true);
    await store.settle('d-1', 'registered', 'm v1');
    expect(await store.claim(delivery)).toBe(false);
    await store.reject({ reason: 'X-Hub-Signature-256 is missing' });
    const { deliveries, rejections } = await store.recent(10);
    expect(deliveries).toEqual([
      expect.objectContaining({
        deliveryId: 'd-1',
        outcome: 'registered',
        detail: 'm v1',
      }),
    ]);
    expect(rejections).toEqual([
      expect.objectContaining({
        reason: 'X-Hub-Signature-256 is missing',
        claimedDeliveryId: undefined,
      }),
    ]);
  });
});
