/** One change of a dependency's state, as every service logs it (a JSON line with `msg`). */
export interface ReachabilityChange {
  dependency: string;
  reachable: boolean;
  /** Why it is unreachable: the first failure's message. */
  reason?: string;
  /** `<dependency> unreachable, retrying` or `<dependency> reachable again`. */
  msg: string;
}

/** A client that emits `error` when its connection fails and `ready` once it is back. */
export interface ReconnectingClient {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * What a service knows of each dependency it reaches over the network (Redis, the object store,
 * the job-events endpoint), gathered from every connection and probe that uses it. An outage is
 * reported once when it starts ("redis unreachable, retrying") and once when it ends ("redis
 * reachable again"), never once per failed attempt. The worker and the API share it, so both
 * log an outage in the same words.
 */
export class Reachability {
  /** For each dependency, its members (connections, probes) failing now and why. */
  private readonly failing = new Map<string, Map<string, string>>();

  constructor(private readonly report: (change: ReachabilityChange) => void) {}

  /** `member`, one connection or probe of `dependency`, failed with `reason`. */
  unreachable(dependency: string, member: string, reason: string): void {
    const members = this.failing.get(dependency) ?? new Map<string, string>();
    this.failing.set(dependency, members);
    const wasReachable = members.size === 0;
    members.set(member, reason);
    if (wasReachable)
      this.report({
        dependency,
        reachable: false,
        reason,
        msg: `${dependency} unreachable, retrying`,
      });
  }

  /** `member` of `dependency` answers; the dependency is reachable again once all its members are. */
  reachable(dependency: string, member: string): void {
    const members = this.failing.get(dependency);
    if (!members?.delete(member) || members.size > 0) return;
    this.report({ dependency, reachable: true, msg: `${dependency} reachable again` });
  }

  /** The dependencies that some member finds unreachable now, sorted by name. */
  unreachableNow(): string[] {
    return [...this.failing]
      .filter(([, members]) => members.size > 0)
      .map(([name]) => name)
      .sort();
  }

  /**
   * Follows a client that reconnects by itself (an ioredis connection) as `member` of
   * `dependency`: its `error` events mark it unreachable, `ready` reachable again. Listening to
   * `error` also keeps such clients from printing a stack trace for every failed reconnect.
   */
  watch(client: ReconnectingClient, dependency: string, member: string): void {
    client.on('error', (error: Error) => {
      this.unreachable(dependency, member, error.message);
    });
    client.on('ready', () => {
      this.reachable(dependency, member);
    });
  }

  /**
   * Runs `probe`, noting its outcome for `dependency` as `member`.
   * @throws whatever the probe throws, after noting it
   */
  async observe<T>(dependency: string, member: string, probe: () => Promise<T>): Promise<T> {
    try {
      const result = await probe();
      this.reachable(dependency, member);
      return result;
    } catch (error) {
      this.unreachable(dependency, member, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * Whether an error is a lost or refused connection (which clients such as ioredis retry by
 * themselves, and `Reachability` reports once), rather than a fault worth its own log line.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
    /^Connection is closed|^connect ETIMEDOUT|^Stream isn't writeable/.test(error.message)
  );
}
