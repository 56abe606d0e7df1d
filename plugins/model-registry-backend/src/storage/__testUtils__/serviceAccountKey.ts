import { generateKeyPairSync, randomUUID } from 'node:crypto';

/**
 * A service-account key file as the Cloud console issues it, with a fresh
 * RSA key pair, and the public half for the test server to check signatures.
 */
export function serviceAccountKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    key: {
      type: 'service_account',
      project_id: 'ml-platform',
      private_key_id: randomUUID().replace(/-/g, ''),
      private_key: privateKey,
      client_email: 'model-registry@ml-platform.iam.gserviceaccount.com',
      client_id: '1234567890',
      token_uri: 'https://oauth2.googleapis.com/token',
    },
    publicKey,
  };
}
