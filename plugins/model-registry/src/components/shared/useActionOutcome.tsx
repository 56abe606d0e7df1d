import { Alert } from '@backstage/ui';
import { useState } from 'react';
import { describeError } from './format';

/**
 * Runs a user action against the registry, tracking whether it is pending
 * and showing how it ended: the action's success message, or the backend's
 * reason for refusing it.
 */
export function useActionOutcome() {
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string }>();
  const run = async (action: () => Promise<string>) => {
    setPending(true);
    setOutcome(undefined);
    try {
      setOutcome({ ok: true, message: await action() });
    } catch (e) {
      setOutcome({ ok: false, message: describeError(e as Error) });
    } finally {
      setPending(false);
    }
  };
  const feedback = outcome && (
    <Alert status={outcome.ok ? 'success' : 'danger'} title={outcome.message} />
  );
  return { pending, run, feedback };
}
