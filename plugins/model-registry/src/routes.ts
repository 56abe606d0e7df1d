import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Models page. */
export const rootRouteRef = createRouteRef();
