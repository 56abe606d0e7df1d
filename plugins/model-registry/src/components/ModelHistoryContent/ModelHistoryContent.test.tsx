import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuditRecord } from '@mlreg/plugin-model-registry-common';
import { errorResponse, MODEL_API, renderModelTab } from '../__testUtils__';
import { ModelHistoryContent } from './ModelHistoryContent';

const aliasMoved: AuditRecord = {
  id: 'a3',
  action: 'alias.set',
  actor: 'user:default/dana',
  target: 'model:fraud-detector/aliases/champion',
  model: 'fraud-detector',
  before: { alias: 'champion', version: 2, updatedAt: '2026-03-01' },
  after: { alias: 'champion', version: 3, updatedAt: '2026-03-04' },
  createdAt: '2026-03-04T09:30:00.000Z',
};
const registered: AuditRecord = {
  id: 'a2',
  action: 'version.register',
  actor: 'user:default/ci-bot',
  target: 'model:fraud-detector/versions/3',
  model: 'fraud-detector',
  version: 3,
  after: { version: 3, status: 'PENDING' },
  createdAt: '2026-03-03T08:00:00.000Z',
};
const created: AuditRecord = {
  id: 'a1',
  action: 'model.create',
  actor: 'user:default/dana',
  target: 'model:fraud-detector',
  model: 'fraud-detector',
  after: { name: 'fraud-detector' },
  createdAt: '2026-03-01T08:00:00.000Z',
};

describe('ModelHistoryContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows who changed what and when, before and after, a page at a time', async () => {
    const cursors: (string | null)[] = [];
    server.use(
      http.get(`${MODEL_API}/audit`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        return HttpResponse.json(
          cursor === 'older'
            ? { items: [created] }
            : { items: [aliasMoved, registered], nextCursor: 'older' },
        );
      }),
    );
    await renderModelTab(<ModelHistoryContent />);

    const moved = await screen.findByRole('row', {
      name: /2026-03-04 09:30 UTC/,
    });
    expect(within(moved).getByText('alias.set')).toBeInTheDocument();
    expect(within(moved).getByText('user:default/dana')).toBeInTheDocument();
    expect(within(moved).getByText('version: 2 → 3')).toBeInTheDocument();
    expect(
      screen.getByText('— → version 3, status PENDING'),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Next table page' }),
    );
    expect(await screen.findByText('model:fraud-detector')).toBeInTheDocument();
    expect(cursors).toEqual([null, 'older']);
  });

  it('filters by action', async () => {
    const actions: (string | null)[] = [];
    server.use(
      http.get(`${MODEL_API}/audit`, ({ request }) => {
        const action = new URL(request.url).searchParams.get('action');
        actions.push(action);
        const items = [aliasMoved, registered, created].filter(
          r => !action || r.action === action,
        );
        return HttpResponse.json({ items });
      }),
    );
    await renderModelTab(<ModelHistoryContent />);
    await screen.findByText('model:fraud-detector/aliases/champion');

    await userEvent.click(screen.getByRole('button', { name: /Action/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'version.register' }),
    );

    await waitFor(() =>
      expect(
        screen.queryByText('model:fraud-detector/aliases/champion'),
      ).not.toBeInTheDocument(),
    );
    expect(
      screen.getByText('model:fraud-detector/versions/3'),
    ).toBeInTheDocument();
    expect(actions).toEqual([null, 'version.register']);
  });

  it('filters by actor as the user types, and by version from a shared URL', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get(`${MODEL_API}/audit`, ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: [registered] });
      }),
    );
    await renderModelTab(<ModelHistoryContent />, {
      initialRouteEntries: ['/?version=3&action=bogus'],
    });
    await screen.findByText('model:fraud-detector/versions/3');
    expect(queries[0].get('version')).toBe('3');
    // An action the registry does not know is dropped, not sent.
    expect(queries[0].get('action')).toBeNull();

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Actor' }),
      'user:default/ci-bot',
    );
    await waitFor(() =>
      expect(queries.at(-1)?.get('actor')).toBe('user:default/ci-bot'),
    );
    expect(queries.at(-1)?.get('version')).toBe('3');
  });

  it('says when no change matches the filters', async () => {
    server.use(
      http.get(`${MODEL_API}/audit`, () => HttpResponse.json({ items: [] })),
    );
    await renderModelTab(<ModelHistoryContent />, {
      initialRouteEntries: ['/?actor=user:default/nobody'],
    });
    expect(
      await screen.findByText('No changes match these filters'),
    ).toBeInTheDocument();
  });

  it('explains an empty trail', async () => {
    server.use(
      http.get(`${MODEL_API}/audit`, () => HttpResponse.json({ items: [] })),
    );
    await renderModelTab(<ModelHistoryContent />);

    expect(
      await screen.findByText('No changes recorded yet'),
    ).toBeInTheDocument();
  });

  it('shows the error of a failing backend', async () => {
    server.use(
      http.get(`${MODEL_API}/audit`, () =>
        errorResponse(503, 'database is down'),
      ),
    );
    await renderModelTab(<ModelHistoryContent />);

    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });
});
