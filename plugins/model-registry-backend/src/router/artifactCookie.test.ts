import request from 'supertest';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { startRegistry } from '../__testUtils__/startRegistry';

const base = '/api/model-registry';

describe('artifact downloads with the user cookie', () => {
  it('accepts the cookie for downloads only', async () => {
    const { server } = await startRegistry('SQLITE_3', {
      // Requests without a token or cookie are anonymous, as in production.
      features: [
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    const token = `Bearer ${mockCredentials.user.token()}`;
    const cookie = mockCredentials.limitedUser.cookie();
    const bytes = Buffer.from('weights');
    await request(server)
      .post(`${base}/models`)
      .set('Authorization', token)
      .send({ name: 'fraud-detector', owner: 'group:default/data-science' })
      .expect(201);
    for (let i = 0; i < 2; i++) {
      await request(server)
        .post(`${base}/models/fraud-detector/versions`)
        .set('Authorization', token)
        .send({})
        .expect(201);
    }
    await request(server)
      .put(`${base}/models/fraud-detector/versions/1/artifact`)
      .set('Authorization', token)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes)
      .expect(200);

    const download = await request(server)
      .get(`${base}/models/fraud-detector/versions/1/artifact`)
      .set('Cookie', cookie)
      .buffer(true)
      .expect(200);
    expect(Buffer.from(download.body).equals(bytes)).toBe(true);

    // Anonymous, or the cookie anywhere else: refused.
    await request(server)
      .get(`${base}/models/fraud-detector/versions/1/artifact`)
      .expect(401);
    await request(server)
      .put(`${base}/models/fraud-detector/versions/2/artifact`)
      .set('Cookie', cookie)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes)
      .expect(401);
    await request(server)
      .get(`${base}/models/fraud-detector/versions/1`)
      .set('Cookie', cookie)
      .expect(401);
  });
});
