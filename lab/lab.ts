/**
 * The whole lab in one call (for the bench): start the stack, run the scenarios one after
 * another, close the stack, and summarise. The test file drives runScenario itself, one `it` each.
 */
import { runScenario, type ScenarioResult } from './run.js';
import { SCENARIOS } from './scenarios/index.js';
import { Stack } from './stack.js';
import type { Scenario } from './types.js';

export interface LabSummary {
  results: ScenarioResult[];
  firstCorrect: number;
  actionCorrect: number;
  falseClaims: number;
  faultNotInEffect: string[];
  total: number;
  wallMs: number;
  triageMs: { answering: { median: number; max: number }; hanging: { median: number; max: number } };
}

const median = (xs: number[]) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

export function summarise(results: ScenarioResult[], wallMs: number): LabSummary {
  const ran = results.filter((r) => r.report);
  const answering = ran.filter((r) => !r.hangs).map((r) => r.triageMs);
  const hanging = ran.filter((r) => r.hangs).map((r) => r.triageMs);
  return {
    results,
    total: results.length,
    wallMs,
    firstCorrect: results.filter((r) => r.firstOk).length,
    actionCorrect: results.filter((r) => r.actionOk).length,
    falseClaims: results.reduce((n, r) => n + r.falseClaims.length, 0),
    faultNotInEffect: results.filter((r) => r.faultError).map((r) => r.id),
    triageMs: {
      answering: { median: median(answering), max: Math.max(0, ...answering) },
      hanging: { median: median(hanging), max: Math.max(0, ...hanging) },
    },
  };
}

export async function runLab(scenarios: Scenario[] = SCENARIOS, onResult?: (r: ScenarioResult) => void): Promise<LabSummary> {
  const t0 = performance.now();
  const stack = await Stack.start();
  const results: ScenarioResult[] = [];
  try {
    for (const s of scenarios) {
      const r = await runScenario(stack, s);
      results.push(r);
      onResult?.(r);
    }
  } finally {
    await stack.close();
  }
  return summarise(results, Math.round(performance.now() - t0));
}
