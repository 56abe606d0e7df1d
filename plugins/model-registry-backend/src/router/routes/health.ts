import { route } from '../route';

/** Liveness, answered without credentials. */
export function healthRoutes() {
  return [route('getHealth', async () => ({ status: 'ok' as const }))];
}
