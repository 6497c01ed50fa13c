/**
 * The API contract: what the server answers, what the MCP tools return and what the CLI's --json
 * prints, as zod schemas (the OpenAPI document is made from them) and as TypeScript types.
 * A leaf beside src/core: it imports only src/core and zod (eslint.config.js). The web app
 * imports its types only (`import type`), so no zod and no server code reach the bundle.
 */
export * from './incidents.js';
export * from './deploys.js';
export * from './triage.js';
export * from './postmortems.js';
export * from './actions.js';
export * from './alerts.js';
export * from './outbox.js';
export * from './access.js';
export * from './errors.js';
