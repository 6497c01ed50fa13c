// The routes' name for the server's composition, built by src/runtime/server-deps.ts (createDeps):
// a route imports it from here, never from build-server.ts.
export type { ServerDeps } from '../runtime/server-deps.js';
