import { describeChange } from './describeChange';

describe('describeChange', () => {
  it('lists the fields that changed, without bookkeeping fields', () => {
    expect(
      describeChange(
        { owner: 'group:a', tags: ['x'], updatedAt: '1' },
        { owner: 'group:b', tags: ['x'], updatedAt: '2' },
      ),
    ).toBe('owner: group:a → group:b');
  });

  it('identifies what was created or removed', () => {
    expect(describeChange(undefined, { alias: 'champion', version: 3 })).toBe(
      '— → alias champion, version 3',
    );
    expect(describeChange({ alias: 'staging', version: 2 }, null)).toBe(
      'alias staging, version 2 → —',
    );
    expect(describeChange(undefined, undefined)).toBe('—');
  });

  it('shortens long values', () => {
    const long = 'x'.repeat(100);
    expect(describeChange({ description: '' }, { description: long })).toBe(
      `description: — → ${'x'.repeat(59)}…`,
    );
  });
});
