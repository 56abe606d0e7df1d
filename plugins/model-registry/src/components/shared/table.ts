import { UseTableResult } from '@backstage/ui';

/** Whether a loaded table has no rows at all, not just an empty later page. */
export function isFirstPageEmpty(
  tableProps: UseTableResult<any, any>['tableProps'],
): boolean {
  return (
    !tableProps.isPending &&
    tableProps.data?.length === 0 &&
    tableProps.pagination.type === 'page' &&
    !tableProps.pagination.hasPreviousPage
  );
}
