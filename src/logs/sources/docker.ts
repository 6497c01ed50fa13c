import { DEFAULT_DOCKER_SOCKET, engineJson, engineRequest } from '../../docker/engine.js';
import { WarroomError } from '../../core/errors.js';

export type DockerStream = 'stdin' | 'stdout' | 'stderr';

/**
 * Splits Docker's multiplexed log stream into frames: an 8-byte header (stream type in byte 0,
 * payload length big-endian in bytes 4..7) then the payload. Frame boundaries have nothing to
 * do with line boundaries, and a header can itself be split across reads.
 */
export async function* demuxDockerFrames(body: AsyncIterable<Buffer>): AsyncGenerator<{ stream: DockerStream; data: Buffer }> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let off = 0;
    while (pending.length - off >= 8) {
      const type = pending[off];
      const len = pending.readUInt32BE(off + 4);
      if (type > 2 || pending[off + 1] !== 0 || pending[off + 2] !== 0 || pending[off + 3] !== 0) {
        throw new WarroomError('UNAVAILABLE', `Docker Engine: log stream is not multiplexed as expected (bad frame header at byte ${off})`);
      }
      if (pending.length - off < 8 + len) break;
      yield { stream: type === 2 ? 'stderr' : type === 1 ? 'stdout' : 'stdin', data: pending.subarray(off + 8, off + 8 + len) };
      off += 8 + len;
    }
    pending = pending.subarray(off);
  }
  if (pending.length)
    throw new WarroomError('UNAVAILABLE', `Docker Engine: log stream ended inside a frame (${pending.length} bytes left over)`);
}

/**
 * Reassembles whole lines per stream (stdout and stderr each keep their own partial line, as a
 * frame of one may arrive between two halves of a line of the other) and yields them in order.
 */
export async function* linesFromFrames(frames: AsyncIterable<{ stream: DockerStream; data: Buffer }>): AsyncGenerator<Buffer> {
  const carry: Record<DockerStream, Buffer> = { stdin: Buffer.alloc(0), stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  for await (const f of frames) {
    const data = carry[f.stream].length ? Buffer.concat([carry[f.stream], f.data]) : f.data;
    const last = data.lastIndexOf(10);
    if (last < 0) {
      carry[f.stream] = data;
      continue;
    }
    carry[f.stream] = data.subarray(last + 1);
    yield data.subarray(0, last + 1);
  }
  for (const s of ['stdout', 'stderr', 'stdin'] as const) if (carry[s].length) yield Buffer.concat([carry[s], Buffer.from('\n')]);
}

export interface DockerLogOptions {
  container: string;
  socket?: string;
  since: Date;
  until: Date;
  timeoutMs?: number;
}

function socketFromEnv(): string | undefined {
  const h = process.env.DOCKER_HOST;
  return h?.startsWith('unix://') ? h.slice('unix://'.length) : undefined;
}

/**
 * A container's log lines for a window through the Engine API, each prefixed with Docker's
 * RFC 3339 timestamp (timestamps=1), whole lines only.
 */
export async function* dockerLogLines(o: DockerLogOptions): AsyncGenerator<Buffer> {
  const socket = o.socket ?? socketFromEnv() ?? DEFAULT_DOCKER_SOCKET;
  const id = encodeURIComponent(o.container);
  const info = await engineJson<{ Config?: { Tty?: boolean } }>({ socket, path: `/containers/${id}/json`, timeoutMs: o.timeoutMs });
  const res = await engineRequest({
    socket,
    path: `/containers/${id}/logs`,
    timeoutMs: o.timeoutMs ?? 30_000,
    query: { stdout: 1, stderr: 1, timestamps: 1, since: Math.floor(o.since.getTime() / 1000), until: Math.ceil(o.until.getTime() / 1000) },
  });
  if ((res.statusCode ?? 0) >= 400) {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    let msg = Buffer.concat(chunks).toString('utf8');
    try {
      msg = (JSON.parse(msg) as { message?: string }).message ?? msg;
    } catch {
      // plain-text error body
    }
    throw new WarroomError(res.statusCode === 404 ? 'NOT_FOUND' : 'UNAVAILABLE', `Docker Engine: ${msg || `HTTP ${res.statusCode}`}`);
  }
  const body = res as AsyncIterable<Buffer>;
  // A container with a TTY sends a raw stream; everything else is multiplexed.
  if (info.body?.Config?.Tty) yield* linesFromFrames(rawFrames(body));
  else yield* linesFromFrames(demuxDockerFrames(body));
}

async function* rawFrames(body: AsyncIterable<Buffer>): AsyncGenerator<{ stream: DockerStream; data: Buffer }> {
  for await (const data of body) yield { stream: 'stdout', data };
}
