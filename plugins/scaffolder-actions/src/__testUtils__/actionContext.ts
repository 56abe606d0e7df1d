import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject, JsonValue } from '@backstage/types';

/**
 * Checkpoints kept across handler runs, as the scaffolder keeps them across
 * retries of a task: a key that completed returns its stored result.
 */
export function checkpointStore() {
  const done = new Map<string, JsonValue | void>();
  return {
    done,
    async checkpoint<T extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (done.has(opts.key)) return done.get(opts.key) as T;
      const value = await opts.fn();
      done.set(opts.key, value);
      return value;
    },
  };
}

/** A workspace with a few files, as fetch:template leaves it. */
export function workspaceWith(files: Record<string, string> = {}) {
  const dir = createMockDirectory();
  dir.setContent({
    'README.md': '# churn-predictor\n',
    'catalog-info.yaml': 'apiVersion: mlreg.io/v1alpha1\nkind: Model\n',
    'model/train.py': 'print("train")\n',
    ...files,
  });
  return dir;
}

/**
 * An action context for `input` in `workspacePath`; `dryRun` and a shared
 * checkpoint store are set on top, which createMockActionContext leaves out.
 */
export function actionContext<TInput extends JsonObject>(
  input: TInput,
  options: {
    workspacePath?: string;
    dryRun?: boolean;
    checkpoints?: ReturnType<typeof checkpointStore>;
  } = {},
) {
  const ctx = createMockActionContext({
    input,
    workspacePath: options.workspacePath ?? workspaceWith().path,
  });
  return {
    ...ctx,
    isDryRun: options.dryRun ?? false,
    ...(options.checkpoints
      ? { checkpoint: options.checkpoints.checkpoint }
      : {}),
  };
}

/** The outputs an action set, by name. */
export function outputsOf(ctx: {
  output: jest.Mock | ((...args: any[]) => void);
}): Record<string, unknown> {
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}
