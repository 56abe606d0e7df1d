import { ConfigReader } from '@backstage/config';
import { readJiraConfig } from './config';

function read(data: unknown) {
  return readJiraConfig(new ConfigReader(data as any), {
    path: 'modelRegistry.jira',
  });
}

describe('readJiraConfig', () => {
  it('reads Cloud basic auth and defaults v3 for atlassian.net', () => {
    expect(
      read({
        baseUrl: 'https://acme.atlassian.net/',
        auth: { email: 'bot@acme.com', token: 't' },
      }),
    ).toEqual({
      baseUrl: 'https://acme.atlassian.net',
      apiVersion: 3,
      auth: { email: 'bot@acme.com', token: 't' },
    });
  });

  it('reads Data Center bearer auth, v2 by default, and the epic link field', () => {
    expect(
      read({
        baseUrl: 'https://jira.acme.internal',
        epicLinkField: 'customfield_10101',
        auth: { token: 'pat' },
      }),
    ).toEqual({
      baseUrl: 'https://jira.acme.internal',
      apiVersion: 2,
      epicLinkField: 'customfield_10101',
      auth: { token: 'pat' },
    });
    expect(
      read({
        baseUrl: 'https://jira.acme.internal',
        apiVersion: '3',
        auth: { token: 'pat' },
      }).apiVersion,
    ).toBe(3);
  });

  it.each([
    [{ auth: { token: 't' } }, '"baseUrl" is required'],
    [{ baseUrl: 'jira', auth: { token: 't' } }, '"baseUrl" is not a URL: jira'],
    [
      { baseUrl: 'ftp://x', auth: { token: 't' } },
      '"baseUrl" must be an http(s) URL, got ftp://x',
    ],
    [
      { baseUrl: 'https://x/rest/api/3', auth: { token: 't' } },
      '"baseUrl" must be the site URL without /rest/api, got https://x/rest/api/3',
    ],
    [
      { baseUrl: 'https://x', apiVersion: 4, auth: { token: 't' } },
      '"apiVersion" must be 2 (Data Center) or 3 (Cloud), got 4',
    ],
    [{ baseUrl: 'https://x' }, '"auth" is required'],
    [
      { baseUrl: 'https://x', auth: { email: 'a@b.c' } },
      '"auth.token" is required',
    ],
    [
      { baseUrl: 'https://x', auth: { email: 'nobody', token: 't' } },
      '"auth.email" is not an email address: nobody',
    ],
    [
      {
        baseUrl: 'https://x',
        epicLinkField: 'Epic Link',
        auth: { token: 't' },
      },
      '"epicLinkField" must be a custom field id like customfield_10101, got Epic Link',
    ],
  ])('rejects %j', (data, message) => {
    expect(() => read(data)).toThrow(
      `Invalid Jira configuration at modelRegistry.jira: ${message}`,
    );
  });
});
