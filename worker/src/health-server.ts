import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  /** Each dependency's name and a probe that throws when it is unreachable. */
  ready: Record<string, () => Promise<unknown>>;
  /** Dependencies known to be unreachable now, whether or not readiness needs them. */
  unreachable?: () => string[];
  registry: Registry;
}

/**
 * /healthz (the process answers), /readyz (its dependencies answer: 200, or 503 with `failing`,
 * the readiness probes that failed, and `unreachable`, every dependency known to be down) and
 * /metrics.
 */
export function startHealthServer(port: number, checks: HealthChecks): Promise<Server> {
  const server = createServer((request, response) => {
    const reply = (status: number, body: unknown, type = 'application/json'): void => {
      response.writeHead(status, { 'content-type': type });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const path = new URL(request.url ?? '/', 'http://worker').pathname;
    if (path === '/healthz') {
      reply(200, { status: 'ok' });
      return;
    }
    if (path === '/metrics') {
      checks.registry.metrics().then(
        (text) => {
          reply(200, text, checks.registry.contentType);
        },
        () => {
          reply(500, { error: 'metrics unavailable' });
        },
      );
      return;
    }
    if (path === '/readyz') {
      const probes = Object.entries(checks.ready);
      Promise.allSettled(probes.map(([, probe]) => withTimeout(probe(), 2000))).then(
        (results) => {
          const failing = probes
            .filter((_, i) => results[i]?.status !== 'fulfilled')
            .map(([name]) => name);
          reply(failing.length === 0 ? 200 : 503, {
            status: failing.length === 0 ? 'ready' : 'not ready',
            failing,
            unreachable: [...new Set([...failing, ...(checks.unreachable?.() ?? [])])].sort(),
          });
        },
        () => {
          reply(503, { status: 'not ready' });
        },
      );
      return;
    }
    reply(404, { error: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      resolve(server);
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => {
        reject(new Error('timed out'));
      }, ms).unref(),
    ),
  ]);
}
