import type { Runtime } from '../runtime.js';

export async function exportSkill(rt: Runtime, o: { dir: string }) {
  const { exportIncidentResponseSkill } = await import('../../mcp/skill-export.js');
  const r = await exportIncidentResponseSkill(rt, o.dir);
  if (rt.io.json) return rt.io.out(JSON.stringify(r, null, 2));
  for (const f of r.files) rt.io.out(`${f.written ? 'wrote' : 'kept '} ${f.path}`);
}
