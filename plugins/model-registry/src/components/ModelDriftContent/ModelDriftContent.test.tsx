import { screen } from '@testing-library/react';
import { renderModelTab } from '../__testUtils__';
import { ModelDriftContent } from './ModelDriftContent';

describe('ModelDriftContent', () => {
  it('explains where drift reports will come from, without showing any', async () => {
    await renderModelTab(<ModelDriftContent />);

    expect(screen.getByText('No drift reports yet')).toBeInTheDocument();
    expect(
      screen.getByText(
        /drift reports appear once a reference profile and production batches are sent to the drift engine/i,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
