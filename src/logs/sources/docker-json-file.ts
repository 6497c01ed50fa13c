// Docker's json-file logging driver (/var/lib/docker/containers/<id>/<id>-json.log) wraps each
// line the application wrote: {"log":"<line>\n","stream":"stderr","time":"2026-…Z"}. Unwrapped
// here into "<time> <line>", the form the Docker API gives with timestamps=1, which the scanner
// reads (JSON or text after the time, tracebacks line by line). Docker splits a line longer
// than 16 KiB into entries without "\n": they are joined back, with the first entry's time.

/** Whether these first bytes of a file are a json-file entry. */
export function isDockerJsonStart(head: Buffer): boolean {
  return head.subarray(0, 8).toString('latin1') === '{"log":"';
}

/** The application's lines, each after its time; a line that is no json-file entry passes as it is. */
export async function* unwrapDockerJson(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let rest = '';
  let lineStart = true;
  const unwrap = (line: string): string => {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = null;
    }
    const e = entry as { log?: unknown; time?: unknown } | null;
    if (!e || typeof e.log !== 'string') {
      lineStart = true;
      return `${line}\n`;
    }
    const out = lineStart && typeof e.time === 'string' ? `${e.time} ${e.log}` : e.log;
    lineStart = e.log.endsWith('\n');
    return out;
  };
  for await (const chunk of source) {
    const text = rest + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    let out = '';
    for (const line of lines) if (line) out += unwrap(line);
    if (out) yield Buffer.from(out, 'utf8');
  }
  if (rest) yield Buffer.from(unwrap(rest), 'utf8');
  if (!lineStart) yield Buffer.from('\n');
}
