import { TableSelection } from '@backstage/ui';

/**
 * The selection of a table whose rows pick one thing (a window, a feature,
 * a deployment): deselecting is ignored, so something always stays picked.
 */
export function singleSelection(
  selected: string | undefined,
  onSelect: (key: string) => void,
): TableSelection {
  return {
    mode: 'single',
    behavior: 'replace',
    selected: new Set(selected === undefined ? [] : [selected]),
    onSelectionChange: keys => {
      if (keys === 'all') return;
      const [key] = keys;
      if (key !== undefined) onSelect(String(key));
    },
  };
}
