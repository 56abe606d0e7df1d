import { NOTIFIED_EVENT_TYPES, notificationPayload } from './notification';

describe('notificationPayload', () => {
  const event = (
    type: (typeof NOTIFIED_EVENT_TYPES)[number],
    payload = {},
  ) => ({
    eventId: 'e-1',
    type,
    model: 'fraud',
    createdAt: '2026-11-29T12:00:00.000Z',
    payload: { actor: 'user:default/ada', version: 3, ...payload },
  });

  it.each([
    [
      'promotion.requested',
      { alias: 'production' },
      'Promotion requested: fraud v3 → production',
      'high',
    ],
    [
      'promotion.approved',
      { alias: 'production' },
      'Promotion approved: fraud v3 → production',
      'normal',
    ],
    [
      'promotion.rejected',
      { alias: 'production', reason: 'AUC too low' },
      'Promotion rejected: fraud v3 → production',
      'normal',
    ],
    [
      'deployment.failed',
      { environment: 'prod' },
      'Deployment failed: fraud v3 in prod',
      'critical',
    ],
    [
      'deployment.rolled_back',
      { environment: 'prod' },
      'Deployment rolled back: fraud v3 in prod',
      'high',
    ],
    [
      'drift.detected',
      { environment: 'prod' },
      'Drift detected: fraud v3 in prod',
      'high',
    ],
    [
      'monitor.breached',
      { environment: 'prod' },
      'Monitor breached: fraud v3 in prod',
      'critical',
    ],
    ['version.registered', {}, 'Version registered: fraud v3', 'low'],
  ] as const)('%s', (type, payload, title, severity) => {
    expect(
      notificationPayload(event(type, payload), {
        entityPath: '/catalog/default/model/fraud',
      }),
    ).toEqual(
      expect.objectContaining({
        title,
        severity,
        link: '/catalog/default/model/fraud',
        scope: 'model-registry:e-1',
      }),
    );
  });

  it('covers exactly the event types a person should act on', () => {
    expect(NOTIFIED_EVENT_TYPES.sort()).toEqual([
      'deployment.failed',
      'deployment.rolled_back',
      'drift.detected',
      'monitor.breached',
      'promotion.approved',
      'promotion.rejected',
      'promotion.requested',
      'version.registered',
    ]);
  });

  it('shows the reason of a rejection among the facts', () => {
    const { description } = notificationPayload(
      event('promotion.rejected', {
        alias: 'production',
        reason: 'AUC too low',
      }),
      {},
    );
    expect(description).toBe(
      'Model: fraud · Version: 3 · Alias: production · By: user:default/ada · Reason: AUC too low',
    );
  });
});
