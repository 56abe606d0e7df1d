/** How many versions the Versions tab compares at most, to stay readable. */
export const MAX_COMPARED = 5;

/** The version numbers of a `?compare=1,3` query value, deduplicated and sorted. */
export function parseCompareParam(value: string | null): number[] {
  if (!value) return [];
  const versions = value
    .split(',')
    .map(part => Number(part.trim()))
    .filter(n => Number.isInteger(n) && n > 0);
  return [...new Set(versions)].sort((a, b) => a - b);
}
