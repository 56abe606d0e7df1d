import { CRC32C } from '@google-cloud/storage';
import { crc32c, crc32cGenerator } from './crc32c';
import { testBytes } from './__testUtils__/streams';

describe('crc32c', () => {
  it('matches the check value of CRC-32C', () => {
    // The catalogue's check value: the CRC of the ASCII digits 1 to 9.
    expect(crc32c(Buffer.from('123456789')) >>> 0).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('agrees with the client library on any split of the input', () => {
    const bytes = testBytes(100_003, 9);
    const reference = new CRC32C();
    reference.update(bytes);
    for (const split of [0, 1, 7, 8, 4099, 100_003]) {
      const ours = crc32cGenerator();
      ours.update(bytes.subarray(0, split));
      ours.update(bytes.subarray(split));
      expect(ours.toString()).toBe(reference.toString());
      expect(ours.validate(reference.toString())).toBe(true);
      expect(ours.validate(new CRC32C().toString())).toBe(false);
    }
  });
});
