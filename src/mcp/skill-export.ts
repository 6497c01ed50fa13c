import type { Runtime } from '../cli/runtime.js';

export async function exportIncidentResponseSkill(_rt: Runtime, _dir: string): Promise<{ files: { path: string; written: boolean }[] }> {
  return { files: [] };
}
