import {
  JOB_EVENTS_PATH,
  JobEventAnswer,
  type JobEvent,
  type Reachability,
} from '@harita/contracts';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';

export interface JobEventsOptions {
  baseUrl: string;
  /** The key, or where to read it as it is now. */
  serviceRoleKey: string | (() => string);
  logger: Logger;
  /** Told when the endpoint stops and starts answering (network errors and 5xx). */
  reachability?: Reachability;
  /** Attempts per event before it is given up (default 8; about a minute in all). */
  attempts?: number;
  fetch?: typeof fetch;
  /** Counts the events the API refused, by HTTP status and the API's error code. */
  refused?: Counter<'status' | 'code'>;
}

/**
 * The API refused an event because of the job itself: no such job (404), or not the tenant the
 * event names (409). A run must not start on such a job.
 */
export interface JobRefusal {
  refused: 404 | 409;
}

/** What a delivery ended with: the API's answer, its refusal of the job, or nothing (given up). */
export type Delivery = JobEventAnswer | JobRefusal | undefined;

/** The dependency's name in the log and in /readyz. */
const ENDPOINT = 'job-events';

/**
 * Posts job events to the functions' job-events endpoint with the service-role key: in order per
 * job, each retried with exponential backoff and jitter. A repeated post is harmless (events are
 * keyed), so a retry after a lost response is safe.
 */
export class JobEventsClient {
  private readonly chains = new Map<string, Promise<Delivery>>();
  private readonly url: string;

  constructor(private readonly options: JobEventsOptions) {
    this.url = new URL(JOB_EVENTS_PATH, options.baseUrl).href;
  }

  /**
   * Queues the event behind the job's earlier ones; resolves once delivered (with the API's
   * answer or its refusal of the job) or given up (undefined).
   */
  post(event: JobEvent): Promise<Delivery> {
    const previous = this.chains.get(event.job_id) ?? Promise.resolve(undefined);
    const next = previous.then(() => this.deliver(event));
    this.chains.set(event.job_id, next);
    void next.finally(() => {
      if (this.chains.get(event.job_id) === next) this.chains.delete(event.job_id);
    });
    return next;
  }

  /** Waits for every queued event. */
  async drain(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  private async deliver(event: JobEvent): Promise<Delivery> {
    const attempts = this.options.attempts ?? 8;
    const send = this.options.fetch ?? fetch;
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      const { serviceRoleKey } = this.options;
      const key = typeof serviceRoleKey === 'string' ? serviceRoleKey : serviceRoleKey();
      try {
        const response = await send(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${key}`,
            apikey: key,
          },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(10_000),
        });
        const body = await response.text().catch(() => '');
        reason = `HTTP ${String(response.status)}`;
        if (response.status >= 500) this.unreachable(reason);
        else this.options.reachability?.reachable(ENDPOINT, 'events');
        if (response.ok) return answerIn(body);
        if (response.status === 404 || response.status === 409) {
          this.refuse(event, response.status, body);
          return { refused: response.status };
        }
        // Other client errors will not change on a retry: the event is wrong, not the moment.
        // But a key read from a file may be mid-rotation: a refused key is tried again as read anew.
        const rotating = typeof serviceRoleKey !== 'string' && response.status === 401;
        if (
          response.status < 500 &&
          response.status !== 408 &&
          response.status !== 429 &&
          !rotating
        ) {
          this.refuse(event, response.status, body);
          return undefined;
        }
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
        this.unreachable(reason);
      }
      if (attempt >= attempts) {
        this.options.logger.error(
          { job: event.job_id, status: event.status, reason },
          'job event not delivered',
        );
        return undefined;
      }
      const delay = Math.min(30_000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /**
   * An event the API refused for good: one error line with the job, the event and the API's
   * code and message, and one count in harita_job_events_refused_total{status, code}.
   */
  private refuse(event: JobEvent, status: number, body: string): void {
    const { code, message } = refusalIn(body);
    this.options.refused?.inc({ status: String(status), code });
    this.options.logger.error(
      {
        job: event.job_id,
        tenant: event.tenant_id,
        event: { status: event.status, attempt: event.attempt, sequence: event.sequence },
        http: status,
        code,
        reason: message,
      },
      'job event refused by the API',
    );
  }

  private unreachable(reason: string): void {
    this.options.reachability?.unreachable(ENDPOINT, 'events', reason);
  }
}

/** The API's {code, message} in a refusal's body; `unknown` and the body's start otherwise. */
function refusalIn(body: string): { code: string; message: string } {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    // A code is a label: only the API's own words (snake case, short) are kept as one.
    if (typeof parsed.code === 'string' && /^[a-z_]{1,64}$/.test(parsed.code))
      return {
        code: parsed.code,
        message: typeof parsed.message === 'string' ? parsed.message : '',
      };
  } catch {
    // Not the API's JSON: a proxy's page, or nothing.
  }
  return { code: 'unknown', message: body.slice(0, 200) };
}

/** The API's answer in a response body, if the body is one. */
function answerIn(body: string): JobEventAnswer | undefined {
  try {
    return JobEventAnswer.safeParse(JSON.parse(body)).data;
  } catch {
    return undefined;
  }
}
