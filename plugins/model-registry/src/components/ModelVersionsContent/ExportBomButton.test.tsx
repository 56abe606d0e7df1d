import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  errorResponse,
  makeVersion,
  MODEL_API,
  renderModelTab,
} from '../__testUtils__';
import { VersionsTable } from './VersionsTable';

const v3 = makeVersion(3);
const bom = {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  serialNumber: 'urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  version: 1,
  metadata: {},
  components: [{ type: 'machine-learning-model', name: 'fraud-detector' }],
  dependencies: [],
};

describe('Export CycloneDX ML-BOM', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const createObjectURL = jest.fn(() => 'blob:bom');
  const revokeObjectURL = jest.fn();
  const click = jest
    .spyOn(HTMLAnchorElement.prototype, 'click')
    .mockImplementation(() => {});

  beforeAll(() => {
    Object.assign(URL, { createObjectURL, revokeObjectURL });
  });

  const render = () =>
    renderModelTab(
      <VersionsTable
        modelName="fraud-detector"
        initialSelection={[]}
        onCompare={() => {}}
      />,
      { initialRouteEntries: ['/?version=3'] },
    );

  it('saves the version as a CycloneDX JSON file', async () => {
    server.use(
      http.get(`${MODEL_API}/versions`, () =>
        HttpResponse.json({ items: [v3] }),
      ),
      http.get(`${MODEL_API}/versions/3`, () => HttpResponse.json(v3)),
      http.get(`${MODEL_API}/versions/3/cyclonedx`, () =>
        HttpResponse.json(bom),
      ),
    );
    await render();
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      await within(dialog).findByRole('button', {
        name: 'Export CycloneDX ML-BOM',
      }),
    );
    await waitFor(() => expect(click).toHaveBeenCalled());
    const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
    expect(blob.type).toBe('application/vnd.cyclonedx+json');
    expect(JSON.parse(await blob.text())).toEqual(bom);
    const link = click.mock.contexts[0] as HTMLAnchorElement;
    expect(link.download).toBe('fraud-detector-v3.cdx.json');
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:bom');
  });

  it('shows why an export failed', async () => {
    server.use(
      http.get(`${MODEL_API}/versions`, () =>
        HttpResponse.json({ items: [v3] }),
      ),
      http.get(`${MODEL_API}/versions/3`, () => HttpResponse.json(v3)),
      http.get(`${MODEL_API}/versions/3/cyclonedx`, () =>
        errorResponse(403, 'not allowed to read'),
      ),
    );
    await render();
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      await within(dialog).findByRole('button', {
        name: 'Export CycloneDX ML-BOM',
      }),
    );
    expect(
      await within(dialog).findByText(/not allowed to read/),
    ).toBeInTheDocument();
  });
});
