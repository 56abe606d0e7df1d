import {
  createBackendModule,
  coreServices,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ModelRegistryEvent,
  modelRegistryEventSubscribersExtensionPoint,
} from '@mlreg/plugin-model-registry-node';
import { Knex } from 'knex';
import request from 'supertest';
import { databases } from './__testUtils__/startRegistry';
import { modelRegistryPlugin } from './plugin';
import { waitFor } from './__testUtils__/waitFor';

jest.setTimeout(180_000);

/*
 * Two backends, each the real plugin with the real (database-backed)
 * scheduler, on one PostgreSQL database, as two replicas behind a load
 * balancer. SQLite is left out on purpose: each backend's SQLite database is
 * its own (in memory, per process), so two backends cannot share one.
 */
const postgresIds = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

const LEASE_MS = 2_000;
const DISPATCHER_TASK = 'model-registry-outbox-dispatcher';
const CLEANER_TASK = 'model-registry-artifact-cleaner';

type Replica = 'a' | 'b';

/** What both replicas' subscribers report to: the "receiver" of the test. */
class Receiver {
  /** Completed deliveries, in order. */
  readonly delivered: Array<{
    replica: Replica;
    eventId: string;
    type: string;
    at: number;
  }> = [];
  inFlight = 0;
  maxInFlight = 0;
  /** When set, the next call blocks until the test lets it fail. */
  blockNext?: {
    started: (call: { replica: Replica; eventId: string; at: number }) => void;
    failure: Promise<never>;
  };

  async deliver(replica: Replica, event: ModelRegistryEvent) {
    const block = this.blockNext;
    if (block) {
      this.blockNext = undefined;
      block.started({ replica, eventId: event.eventId, at: Date.now() });
      // Never completes: the backend is stopped meanwhile, then the call
      // fails as a dying process's connection would. It is the stopped
      // replica's, so it does not count as in flight below.
      await block.failure;
    }
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Long enough that two dispatchers running at once would overlap.
      await new Promise(resolve => setTimeout(resolve, 15));
      this.delivered.push({
        replica,
        eventId: event.eventId,
        type: event.type,
        at: Date.now(),
      });
    } finally {
      this.inFlight -= 1;
    }
  }

  timesDelivered(eventId: string) {
    return this.delivered.filter(d => d.eventId === eventId).length;
  }
}

async function startReplica(
  replica: Replica,
  knex: Knex,
  artifactDir: string,
  receiver: Receiver,
  schedulers: Map<Replica, SchedulerService>,
) {
  const recorder = createBackendModule({
    pluginId: 'model-registry',
    moduleId: 'replica-recorder',
    register(reg) {
      reg.registerInit({
        deps: {
          subscribers: modelRegistryEventSubscribersExtensionPoint,
          scheduler: coreServices.scheduler,
        },
        async init({ subscribers, scheduler }) {
          schedulers.set(replica, scheduler);
          subscribers.addSubscriber({
            id: 'recorder',
            retry: { maxAttempts: 10, baseDelayMs: 200, maxDelayMs: 1_000 },
            deliver: event => receiver.deliver(replica, event),
          });
        },
      });
    },
  });
  return startTestBackend({
    features: [
      modelRegistryPlugin,
      recorder,
      mockServices.database.factory({ knex }),
      // The real scheduler: global tasks are claimed in the shared database.
      schedulerServiceFactory,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({
        data: {
          modelRegistry: {
            // A shared volume, as replicas without S3 would mount.
            storage: { filesystem: { rootDir: artifactDir } },
            outbox: { leaseDuration: { milliseconds: LEASE_MS } },
          },
        },
      }),
    ],
  });
}

// Without a PostgreSQL test database, the test is reported as skipped.
const eachPostgres =
  postgresIds.length > 0
    ? describe.each(postgresIds)
    : // eslint-disable-next-line jest/no-disabled-tests
      describe.skip.each([['POSTGRES_15' as const]]);

eachPostgres('two replicas on one database (%s)', databaseId => {
  it('number versions without gaps, deliver every event once, and run scheduled tasks once at a time', async () => {
    const knex = await databases.init(databaseId);
    const artifactDir = createMockDirectory();
    const receiver = new Receiver();
    const schedulers = new Map<Replica, SchedulerService>();
    const backends = {
      a: await startReplica(
        'a',
        knex,
        artifactDir.resolve('store'),
        receiver,
        schedulers,
      ),
      b: await startReplica(
        'b',
        knex,
        artifactDir.resolve('store'),
        receiver,
        schedulers,
      ),
    };
    const api = (r: Replica) => request(backends[r].server);

    // (a) Concurrent registrations through both replicas: 1..N, all 201.
    await api('a')
      .post('/api/model-registry/models')
      .send({ name: 'churn', owner: 'group:default/data-science' })
      .expect(201);
    const N = 40;
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        api(i % 2 === 0 ? 'a' : 'b')
          .post('/api/model-registry/models/churn/versions')
          .send({ artifact: { uri: `https://models.example/churn/${i}` } }),
      ),
    );
    expect(answers.map(a => a.status)).toEqual(Array(N).fill(201));
    expect(answers.map(a => a.body.version).sort((x, y) => x - y)).toEqual(
      Array.from({ length: N }, (_, i) => i + 1),
    );

    // (b) Every outbox event reaches the recorder once, whichever replica's
    // dispatcher runs; and never two dispatchers at once (c).
    const allEvents = async () =>
      (await knex('outbox_events').select('event_id')).map(e => e.event_id);
    await waitFor('every event delivered', async () => {
      const events = await allEvents();
      return events.every(id => receiver.timesDelivered(id) >= 1);
    });
    const events = await allEvents();
    expect(events).toHaveLength(N + 1);
    expect(receiver.delivered).toHaveLength(N + 1);
    expect(new Set(receiver.delivered.map(d => d.eventId)).size).toBe(N + 1);
    expect(receiver.maxInFlight).toBe(1);

    // (b) A replica stopped mid-delivery: the call never completes there,
    // the other replica delivers the event once, after the lease ends.
    let failBlocked!: (error: Error) => void;
    const blocked = new Promise<{
      replica: Replica;
      eventId: string;
      at: number;
    }>(resolve => {
      receiver.blockNext = {
        started: resolve,
        failure: new Promise<never>((_, reject) => {
          failBlocked = reject;
        }),
      };
    });
    await api('b')
      .post('/api/model-registry/models/churn/versions')
      .send({ artifact: { uri: 'https://models.example/churn/stopped' } })
      .expect(201);
    const call = await blocked;
    const stopped = call.replica;
    const survivor: Replica = stopped === 'a' ? 'b' : 'a';

    // (c) While the stopped replica's run holds the dispatcher task, the
    // other cannot start one: the task has one ticket in the shared table.
    const [task] = await knex('backstage_backend_tasks__tasks').where({
      id: DISPATCHER_TASK,
    });
    expect(task.current_run_ticket).toBeTruthy();
    await expect(
      schedulers.get(survivor)!.triggerTask(DISPATCHER_TASK),
    ).rejects.toThrow(/currently running/);

    await backends[stopped].stop();
    await waitFor(
      'the blocked event delivered by the other replica',
      () => receiver.timesDelivered(call.eventId) === 1,
    );
    const redelivery = receiver.delivered.find(
      d => d.eventId === call.eventId,
    )!;
    expect(redelivery.replica).toBe(survivor);
    // Not before the stopped replica's lease ended.
    expect(redelivery.at - call.at).toBeGreaterThanOrEqual(LEASE_MS - 100);
    // The stopped replica's call now fails; nothing is recorded twice.
    failBlocked(new Error('connection reset'));
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(receiver.timesDelivered(call.eventId)).toBe(1);

    // Nothing is lost afterwards either: the survivor delivers new events.
    for (let i = 0; i < 5; i++) {
      await api(survivor)
        .post('/api/model-registry/models/churn/versions')
        .send({ artifact: { uri: `https://models.example/churn/after-${i}` } })
        .expect(201);
    }
    await waitFor('events after the stop delivered', async () =>
      (await allEvents()).every(id => receiver.timesDelivered(id) >= 1),
    );
    const finalEvents = await allEvents();
    expect(finalEvents).toHaveLength(N + 1 + 1 + 5);
    expect(receiver.delivered).toHaveLength(finalEvents.length);
    expect(new Set(receiver.delivered.map(d => d.eventId)).size).toBe(
      finalEvents.length,
    );
    const rows = await knex('outbox_deliveries')
      .where({ subscriber: 'recorder' })
      .select('status');
    expect(rows).toHaveLength(finalEvents.length);
    expect(rows.every(r => r.status === 'delivered')).toBe(true);
    expect(receiver.maxInFlight).toBe(1);

    // (c) Both scheduled tasks are global in both replicas: the scheduler
    // keeps one row each in the shared database and runs it only under the
    // ticket it claims there, so one replica at a time.
    for (const scheduler of schedulers.values()) {
      const tasks = await scheduler.getScheduledTasks();
      for (const id of [DISPATCHER_TASK, CLEANER_TASK]) {
        expect(tasks.find(t => t.id === id)).toMatchObject({ scope: 'global' });
      }
    }
    const taskRows = await knex('backstage_backend_tasks__tasks')
      .whereIn('id', [DISPATCHER_TASK, CLEANER_TASK])
      .select('id');
    expect(taskRows.map(r => r.id).sort()).toEqual(
      [DISPATCHER_TASK, CLEANER_TASK].sort(),
    );

    await backends[survivor].stop();
  });
});
