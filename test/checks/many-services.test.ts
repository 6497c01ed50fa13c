import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { runHealth } from '../../src/checks/health.js';
import type { ServiceConfig } from '../../src/config/schema.js';

describe('health over many services', () => {
  it('checks 50 services against one deadline without a listener-leak warning', async () => {
    // A port that was free a moment ago: connections to it are refused.
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const services: Record<string, ServiceConfig> = {};
    for (let i = 0; i < 50; i++) services[`s${i}`] = { health: { url: `http://127.0.0.1:${port}/health/${i}` } };
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const report = await runHealth(services, { timeoutMs: 2000 });
      expect(report.services).toHaveLength(50);
      expect(report.services.every((s) => s.state === 'down')).toBe(true);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
