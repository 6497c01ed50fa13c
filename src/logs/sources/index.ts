import type { ServiceConfig } from '../../config/schema.js';
import { dockerLogLines } from './docker.js';
import { journaldLogLines } from './journald.js';
import { childOutput } from './process.js';

export type SourceKind = 'file' | 'docker' | 'journald' | 'command';

export interface StreamSource {
  kind: SourceKind;
  /** What is read, for the manifest and messages (e.g. the container name, the argv). */
  target: string;
  open(): AsyncIterable<Buffer>;
}

/** Replaces {since}, {until} (ISO 8601), {since_epoch}, {until_epoch} and {service} in each argument. */
export function expandCommandArgs(argv: string[], window: { since: Date; until: Date }, service: string): string[] {
  const vars: Record<string, string> = {
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    since_epoch: String(Math.floor(window.since.getTime() / 1000)),
    until_epoch: String(Math.ceil(window.until.getTime() / 1000)),
    service,
  };
  return argv.map((a) => a.replace(/\{(since|until|since_epoch|until_epoch|service)\}/g, (_m, k: string) => vars[k]));
}

/** The non-file sources of a service (files are read through resolveLogFiles for worker splitting). */
export function streamSources(svc: ServiceConfig, window: { since: Date; until: Date }, opts: { service?: string } = {}): StreamSource[] {
  const out: StreamSource[] = [];
  const src = svc.logs ?? {};
  if (src.docker) {
    const container = src.docker;
    const socket = svc.container && svc.container.name === container ? svc.container.socket : svc.container?.socket;
    out.push({
      kind: 'docker',
      target: container,
      open: () => dockerLogLines({ container, socket, since: window.since, until: window.until }),
    });
  }
  if (src.journald) {
    const unit = src.journald;
    out.push({ kind: 'journald', target: unit, open: () => journaldLogLines({ unit, since: window.since, until: window.until }) });
  }
  if (src.command) {
    const argv = expandCommandArgs(src.command, window, opts.service ?? '');
    out.push({
      kind: 'command',
      target: JSON.stringify(src.command),
      open: () => childOutput(argv, 'logs command', { timeoutMs: svc.timeout && svc.timeout > 120_000 ? svc.timeout : 120_000 }),
    });
  }
  return out;
}
