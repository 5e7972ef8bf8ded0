import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JOB_EVENTS_PATH, JobEvent } from '@harita/contracts';

/**
 * Receives the worker's job events where the functions' job-events endpoint will be, checking
 * each against the contract and the service-role key. `failNext` answers 503 to test retries.
 */
export class JobEventsReceiver {
  static async start(serviceRoleKey: string): Promise<JobEventsReceiver> {
    const receiver = new JobEventsReceiver(serviceRoleKey);
    await new Promise<void>((resolve) => receiver.server.listen(0, '0.0.0.0', resolve));
    return receiver;
  }

  readonly events: JobEvent[] = [];
  readonly refused: string[] = [];
  failNext = 0;
  private readonly server: Server;

  private constructor(private readonly serviceRoleKey: string) {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== JOB_EVENTS_PATH)
          return void response.writeHead(404).end();
        if (request.headers.authorization !== `Bearer ${this.serviceRoleKey}`) {
          this.refused.push('authorization');
          return void response.writeHead(401).end();
        }
        if (this.failNext > 0) {
          this.failNext--;
          return void response.writeHead(503).end();
        }
        const parsed = JobEvent.safeParse(JSON.parse(body));
        if (!parsed.success) {
          this.refused.push(parsed.error.message);
          return void response.writeHead(400).end();
        }
        this.events.push(parsed.data);
        response.writeHead(204).end();
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}`;
  }

  of(jobId: string): JobEvent[] {
    return this.events.filter((e) => e.job_id === jobId);
  }

  async until(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for job events');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}
