import type { BlamelessWarning } from '../core/blameless.js';
import { paint, type CliIo } from './io.js';

/** The blameless check's suggestions, on stderr (postmortem and report print them alike). */
export function printWarnings(io: CliIo, warnings: BlamelessWarning[]): void {
  if (!warnings.length) return;
  const p = paint(io);
  io.err(
    p.yellow(
      `Blameless check: ${warnings.length} sentence${warnings.length > 1 ? 's' : ''} may read as blaming a person (a suggestion, nothing was blocked):`,
    ),
  );
  for (const w of warnings) io.err(`  ${w.field}: "${w.sentence}" — ${w.reason}`);
  io.err(`  ${warnings[0].suggestion}`);
}
