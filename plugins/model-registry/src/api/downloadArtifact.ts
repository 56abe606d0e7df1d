import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';

/**
 * Starts the browser download of a version's artifact. A plain link cannot
 * carry the user's Backstage token, so this first has the backend set its
 * user cookie (Backstage's cookie refresh endpoint) and then follows the
 * link, which the backend accepts with that cookie. The browser streams the
 * file to disk: nothing is buffered in the page, whatever the size.
 */
export async function downloadArtifact(
  apis: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  artifactUrl: string,
): Promise<void> {
  const baseUrl = await apis.discoveryApi.getBaseUrl('model-registry');
  const response = await apis.fetchApi.fetch(
    `${baseUrl}/.backstage/auth/v1/cookie`,
    { credentials: 'include' },
  );
  if (!response.ok) {
    throw new Error(
      `Could not authorize the download: ${response.status} ${response.statusText}`,
    );
  }
  const link = document.createElement('a');
  link.href = artifactUrl;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
}
