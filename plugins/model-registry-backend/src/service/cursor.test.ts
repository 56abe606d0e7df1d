import { InputError } from '@backstage/errors';
import { readPage, timestampAndId } from './cursor';

const rows = [1, 2, 3, 4, 5].map(n => ({ n }));

/** Reads the rows after `after.n`, like a keyset query ordered by n. */
function read(after: { n: number } | undefined, limit: number) {
  return Promise.resolve(
    rows.filter(r => after === undefined || r.n > after.n).slice(0, limit),
  );
}

const byN = {
  accept: (c: Record<string, unknown>) =>
    typeof c.n === 'number' ? { n: c.n } : undefined,
  read,
  position: (row: { n: number }) => ({ n: row.n }),
};

describe('readPage', () => {
  it('walks a list page by page, with a cursor until the last page', async () => {
    const first = await readPage({ ...byN, limit: 2 });
    expect(first.items).toEqual([{ n: 1 }, { n: 2 }]);
    const second = await readPage({
      ...byN,
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items).toEqual([{ n: 3 }, { n: 4 }]);
    const last = await readPage({
      ...byN,
      limit: 2,
      cursor: second.nextCursor,
    });
    expect(last).toEqual({ items: [{ n: 5 }] });
  });

  it('reads one row more than the page holds, to tell whether there is a next page', async () => {
    const limits: number[] = [];
    const page = await readPage({
      ...byN,
      limit: 5,
      read: (after, limit) => {
        limits.push(limit);
        return read(after, limit);
      },
    });
    expect(limits).toEqual([6]);
    expect(page).toEqual({ items: rows });
  });

  it('treats an empty cursor as the first page', async () => {
    const page = await readPage({ ...byN, limit: 1, cursor: '' });
    expect(page.items).toEqual([{ n: 1 }]);
  });

  it('rejects cursors it did not hand out, before reading', async () => {
    const forged = Buffer.from(JSON.stringify({ n: 'x' })).toString(
      'base64url',
    );
    const reads = jest.fn(read);
    for (const cursor of [forged, 'not base64 json', 'bnVsbA']) {
      await expect(
        readPage({ ...byN, read: reads, limit: 2, cursor }),
      ).rejects.toThrow(InputError);
    }
    expect(reads).not.toHaveBeenCalled();
  });
});

describe('timestampAndId', () => {
  const id = '0b9f7c1e-3f1a-4c55-9d0e-5a4e2b1c7d10';

  it('accepts an ISO timestamp and a uuid', () => {
    expect(
      timestampAndId(
        { createdAt: '2026-11-01T00:00:00.000Z', id },
        'createdAt',
      ),
    ).toEqual({ createdAt: '2026-11-01T00:00:00.000Z', id });
  });

  it('rejects anything else', () => {
    expect(timestampAndId({ createdAt: 'yesterday', id }, 'createdAt')).toBe(
      undefined,
    );
    expect(
      timestampAndId(
        { createdAt: '2026-11-01T00:00:00Z', id: '7' },
        'createdAt',
      ),
    ).toBe(undefined);
    expect(
      timestampAndId({ windowEnd: '2026-11-01T00:00:00Z', id }, 'createdAt'),
    ).toBe(undefined);
  });
});
