// Moved to src/runtime/server-coordination.ts (composition, not an adapter). This re-export
// keeps bench/coordination.bench.ts compiling until its import is updated; then delete this file.
// eslint-disable-next-line no-restricted-imports -- the one adapter→runtime arrow, a temporary shim (see above)
export { coordinationFor } from '../runtime/server-coordination.js';
