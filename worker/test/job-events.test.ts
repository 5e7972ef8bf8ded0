import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { JobEventsClient } from '../src/job-events.js';
import { createMetrics } from '../src/metrics.js';

/** An HTTP server answering every job event with `status` and the API's JSON error body. */
async function refusingApi(status: number, code: string, message: string): Promise<Server> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code, message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A logger whose JSON lines land in `lines`. */
function capturingLogger(lines: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: 'info' }, sink);
}

const event = {
  job_id: '6f1c2a4e-8b7d-4c3a-9e2f-1a2b3c4d5e6f',
  tenant_id: '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f7a',
  attempt: 1,
  sequence: 2,
  status: 'succeeded' as const,
  progress: 100,
  at: new Date().toISOString(),
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('job events the API refuses', () => {
  it.each([
    [409, 'conflict', `job ${event.job_id} is not tenant ${event.tenant_id}'s`, { refused: 409 }],
    [
      422,
      'result_key_outside_job',
      'result key "tenants/x/a.tif" is outside the job\'s folder',
      undefined,
    ],
  ])(
    'a %i is logged with the job, the code and the reason, and counted',
    async (status, code, message, delivery) => {
      server = await refusingApi(status, code, message);
      const lines: Record<string, unknown>[] = [];
      const metrics = createMetrics();
      const client = new JobEventsClient({
        baseUrl: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
        serviceRoleKey: 'service-role-key',
        logger: capturingLogger(lines),
        refused: metrics.refusedEvents,
        attempts: 1,
      });
      expect(await client.post(event)).toEqual(delivery);
      const refusal = lines.find((line) => line['msg'] === 'job event refused by the API');
      expect(refusal).toMatchObject({
        level: 50,
        job: event.job_id,
        tenant: event.tenant_id,
        event: { status: 'succeeded', attempt: 1, sequence: 2 },
        http: status,
        code,
        reason: message,
      });
      const text = await metrics.registry.metrics();
      expect(text).toContain(
        `harita_job_events_refused_total{status="${String(status)}",code="${code}"} 1`,
      );
    },
  );
});
