import { useAppSearchParams } from '@backstage/frontend-plugin-api';

/** Changes one query parameter, keeping the others; empty removes it. */
export type SetQueryParam = (
  key: string,
  value: string | undefined,
  options?: { replace?: boolean },
) => void;

/**
 * The page's query parameters, where the tabs keep what makes a view
 * shareable (`?compare=1,3`, `?feature=amount`, filters), and a setter for
 * one of them.
 */
export function useQueryParams(): [URLSearchParams, SetQueryParam] {
  const [params, setParams] = useAppSearchParams();
  const setParam: SetQueryParam = (key, value, options) =>
    setParams(previous => {
      const next = new URLSearchParams(previous);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    }, options);
  return [params, setParam];
}
