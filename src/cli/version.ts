// The version lives in src/version.ts (the server and MCP report it too); cli.ts imports it from here.
export { VERSION } from '../version.js';
