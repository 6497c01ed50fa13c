import { z } from 'zod';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({ dir: z.string() });

export async function exportSkill(rt: Runtime, raw: unknown) {
  const o = parseOptions(options, raw);
  const { exportIncidentResponseSkill } = await import('../../mcp/skill-export.js');
  const r = await exportIncidentResponseSkill(rt, o.dir);
  if (rt.io.json) return rt.io.out(JSON.stringify(r, null, 2));
  for (const f of r.files) rt.io.out(`${f.written ? 'wrote' : 'kept '} ${f.path}`);
}
