import { SEVERITIES } from '../../core/severity.js';
import { formatDuration } from '../../core/time.js';
import { printJson, table } from '../io.js';
import { severityLabel } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime) {
  const { policy } = rt.config();
  if (rt.io.json) return printJson(rt.io, { severities: SEVERITIES.map((s) => policy[s]) });
  rt.io.out(
    table(
      SEVERITIES.map((s) => {
        const l = policy[s];
        return [
          severityLabel(rt.io, s),
          l.impact,
          l.examples.join(', '),
          `< ${formatDuration(l.responseTimeMs)}`,
          `every ${formatDuration(l.updateCadenceMs)}`,
          l.escalation,
        ];
      }),
      ['SEV', 'IMPACT', 'EXAMPLES', 'RESPONSE', 'UPDATES', 'ESCALATION'],
    ),
  );
}
