import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BIN } from '../helpers/cli.js';
import { PG_ADMIN_URL } from '../helpers/store.js';

/** Redis database index reserved for the agents area's tests. */
export const REDIS_URL = 'redis://127.0.0.1:6379/14';

export interface ToolCall {
  isError: boolean;
  structured: Record<string, unknown> | undefined;
  text: string;
  /** The {"error": {...}} body of a refused call. */
  error(): { code: string; message: string; field?: string };
}

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolCall> {
  const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
  const text = ((r.content as { type: string; text?: string }[] | undefined) ?? []).map((c) => c.text ?? '').join('');
  return {
    isError: !!r.isError,
    structured: r.structuredContent as Record<string, unknown> | undefined,
    text,
    error() {
      if (!r.isError) throw new Error(`expected ${name} to fail, got ${text.slice(0, 500)}`);
      return (JSON.parse(text) as { error: { code: string; message: string; field?: string } }).error;
    },
  };
}

/** The SDK's own client over stdio, spawning the built `warroom mcp` in `cwd`. */
export async function stdioClient(
  cwd: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ client: Client; stderr: () => string; close(): Promise<void> }> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !['DATABASE_URL', 'WARROOM_URL', 'WARROOM_TOKEN', 'WARROOM_CONFIG', 'WARROOM_DATA'].includes(k)) childEnv[k] = v;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...args],
    cwd,
    env: { ...childEnv, NO_COLOR: '1', ...env },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const client = new Client({ name: 'warroom-agents-test', version: '1.0.0' });
  await client.connect(transport, { timeout: 30_000 });
  return { client, stderr: () => err, close: () => client.close() };
}

/** The SDK's own client over Streamable HTTP against a listening server's /mcp. */
export async function httpClient(url: string, token: string | null): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(
    new URL(`${url}/mcp`),
    token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {},
  );
  const client = new Client({ name: 'warroom-agents-test', version: '1.0.0' });
  await client.connect(transport, { timeout: 30_000 });
  return client;
}

/** A warroom.yaml with the machine's PostgreSQL and Redis (db 14) and a harmless runbook that leaves a marker file. */
export function writeAgentConfig(dir: string): { path: string; marker: string } {
  const marker = join(dir, 'runbook-ran.txt');
  const path = join(dir, 'warroom.yaml');
  writeFileSync(
    path,
    [
      'services:',
      '  db:',
      `    postgres: ${JSON.stringify(PG_ADMIN_URL)}`,
      '  cache:',
      `    redis: ${JSON.stringify(REDIS_URL)}`,
      '  backend:',
      '    depends_on: [db, cache]',
      `    postgres: ${JSON.stringify(PG_ADMIN_URL)}`,
      'runbooks:',
      '  leave-marker:',
      '    description: writes a marker file (stands in for a production change)',
      '    steps:',
      '      - name: write marker',
      `        run: [${JSON.stringify(process.execPath)}, "-e", "require('fs').writeFileSync(process.argv[1], 'ran')", ${JSON.stringify(marker)}]`,
      '        timeout: 20s',
      '',
    ].join('\n'),
  );
  return { path, marker };
}

export interface Entry {
  id: number;
  author: string;
  kind: string;
  text: string;
  data: Record<string, unknown> | null;
}

/** Timeline entries that record an agent's call of one tool. */
export const recordsOf = (timeline: Entry[], tool: string) => timeline.filter((e) => e.data?.via === 'agent' && e.data?.tool === tool);
