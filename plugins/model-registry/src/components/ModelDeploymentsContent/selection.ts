import { Selection } from '@backstage/ui';

/**
 * The handler of a single-selection table: calls back with the newly
 * selected key and ignores deselection, so something always stays selected.
 */
export function onSingleSelection(onSelect: (key: string) => void) {
  return (keys: Selection) => {
    if (keys === 'all') return;
    const [key] = keys;
    if (key !== undefined) onSelect(String(key));
  };
}
