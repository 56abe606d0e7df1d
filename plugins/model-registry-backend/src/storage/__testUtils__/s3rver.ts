import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** A real S3-compatible server on a random loopback port. */
export interface TestS3Server {
  endpoint: string;
  /** A client of the server with its fixed credentials. */
  client: S3Client;
  stop(): Promise<void>;
}

// s3rver accepts only these credentials.
export const S3RVER_CREDENTIALS = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

export async function startS3Server(options: {
  directory: string;
  buckets: string[];
}): Promise<TestS3Server> {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map(name => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await server.close();
    },
  };
}
