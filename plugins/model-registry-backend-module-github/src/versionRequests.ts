import { RegisterVersionRequest } from '@mlreg/plugin-model-registry-common';

/** What a delivery asks of the registry: a version, or nothing and why. */
export type DeliveryAction =
  | { register: RegisterVersionRequest; repository: string }
  | { ignore: string; repository?: string };

const SHA = /^[a-f0-9]{40}$/;

/** Text fields of the registry's version request are bounded. */
const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

function annotations(
  entries: Record<string, string | number | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined && value !== '') {
      out[key] = clip(String(value), 4096);
    }
  }
  return out;
}

/**
 * Turns a verified GitHub delivery into a version registration: `release`
 * (published), `push` to the default branch touching `metadataFile`, and
 * `workflow_run` (completed with success). The version's lineage records
 * the repository (`source.uri` and annotations), the commit and the run.
 */
export function versionRequestOf(
  event: string,
  payload: any,
  options: { metadataFile: string; deliveryId: string },
): DeliveryAction {
  const repository: string | undefined = payload?.repository?.full_name;
  if (typeof repository !== 'string') {
    return { ignore: 'no repository in the payload' };
  }
  const base = {
    'github.com/repository': repository,
    'github.com/event': event,
    'github.com/delivery': options.deliveryId,
  };
  switch (event) {
    case 'release': {
      if (payload.action !== 'published') {
        return { ignore: `release ${payload.action}`, repository };
      }
      const release = payload.release ?? {};
      const commit = SHA.test(release.target_commitish ?? '')
        ? release.target_commitish
        : undefined;
      const asset = (release.assets ?? [])[0];
      return {
        repository,
        register: {
          description: clip(
            `Release ${release.tag_name}${
              release.name ? `: ${release.name}` : ''
            }${release.body ? `\n\n${release.body}` : ''}`,
            10_000,
          ),
          source: {
            ...(commit ? { commit } : {}),
            uri: release.html_url,
          },
          ...(asset?.browser_download_url
            ? {
                artifact: {
                  uri: asset.browser_download_url,
                  ...(Number.isSafeInteger(asset.size)
                    ? { size: asset.size }
                    : {}),
                },
              }
            : {}),
          annotations: annotations({
            ...base,
            'github.com/release-tag': release.tag_name,
            'github.com/ref': release.target_commitish,
          }),
        },
      };
    }
    case 'push': {
      const branch = `refs/heads/${payload.repository?.default_branch}`;
      if (payload.deleted || payload.ref !== branch) {
        return { ignore: `push to ${payload.ref}, not ${branch}`, repository };
      }
      const touched = (payload.commits ?? []).some((c: any) =>
        [...(c.added ?? []), ...(c.modified ?? [])].includes(
          options.metadataFile,
        ),
      );
      if (!touched) {
        return {
          ignore: `push does not touch ${options.metadataFile}`,
          repository,
        };
      }
      const head = payload.head_commit ?? {};
      return {
        repository,
        register: {
          description: clip(
            `${options.metadataFile} changed in ${repository}: ${
              head.message ?? ''
            }`.trim(),
            10_000,
          ),
          source: {
            ...(SHA.test(payload.after ?? '') ? { commit: payload.after } : {}),
            uri: payload.compare ?? payload.repository?.html_url,
          },
          annotations: annotations({ ...base, 'github.com/ref': payload.ref }),
        },
      };
    }
    case 'workflow_run': {
      const run = payload.workflow_run ?? {};
      if (payload.action !== 'completed' || run.conclusion !== 'success') {
        return {
          ignore: `workflow_run ${payload.action} (${
            run.conclusion ?? 'no conclusion'
          })`,
          repository,
        };
      }
      return {
        repository,
        register: {
          description: clip(
            `Workflow ${run.name} run #${run.run_number} succeeded on ${run.head_branch}`,
            10_000,
          ),
          source: {
            runId: `${repository}/actions/runs/${run.id}`,
            ...(SHA.test(run.head_sha ?? '') ? { commit: run.head_sha } : {}),
            uri: run.html_url,
          },
          annotations: annotations({
            ...base,
            'github.com/workflow': run.path ?? run.name,
            'github.com/run-id': run.id,
            'github.com/run-attempt': run.run_attempt,
            'github.com/artifacts-url': run.artifacts_url,
          }),
        },
      };
    }
    default:
      return { ignore: `event ${event} is not handled`, repository };
  }
}
