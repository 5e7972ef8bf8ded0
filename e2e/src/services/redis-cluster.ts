import { execFile } from 'node:child_process';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { imageFor } from '../images.js';
import { e2eLabels } from '../labels.js';

const PORT = 6379;

/**
 * A Redis Cluster from REDIS_IMAGE: `masters` masters, each with one replica, a password, and a
 * short node timeout so a failover takes seconds. The nodes announce their container addresses,
 * which the test run and the processes it starts reach directly on the engine's bridge.
 */
export class RedisClusterContainers {
  private password = 'harita-redis-cluster-password';

  constructor(
    private readonly masters = 3,
    private readonly image = imageFor('REDIS_IMAGE'),
  ) {}

  withPassword(password: string): this {
    this.password = password;
    return this;
  }

  async start(): Promise<StartedRedisCluster> {
    const nodes = await Promise.all(
      Array.from({ length: this.masters * 2 }, () =>
        new GenericContainer(this.image)
          .withLabels(e2eLabels())
          .withCommand([
            'redis-server',
            '--cluster-enabled',
            'yes',
            '--cluster-node-timeout',
            '2000',
            '--appendonly',
            'yes',
            '--requirepass',
            this.password,
            '--masterauth',
            this.password,
          ])
          .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
          .start(),
      ),
    );
    const cluster = new StartedRedisCluster(nodes, this.password);
    try {
      const first = nodes[0];
      if (!first) throw new Error('a cluster needs nodes');
      await cluster.cli(first, [
        '--cluster',
        'create',
        ...cluster.seeds,
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ]);
      await cluster.untilHealthy();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }
}

export class StartedRedisCluster {
  constructor(
    readonly nodes: StartedTestContainer[],
    readonly password: string,
  ) {}

  /** Each node's `ip:port` on the bridge: REDIS_CLUSTER_NODES takes them as they are. */
  get seeds(): string[] {
    return this.nodes.map((node) => `${this.address(node)}:${String(PORT)}`);
  }

  address(node: StartedTestContainer): string {
    return node.getIpAddress('bridge');
  }

  /**
   * redis-cli on a node, authenticated.
   * @throws when it exits other than 0
   */
  async cli(node: StartedTestContainer, args: string[]): Promise<string> {
    const result = await node.exec([
      'redis-cli',
      '-a',
      this.password,
      '--no-auth-warning',
      ...args,
    ]);
    if (result.exitCode !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${result.output}`);
    return result.output;
  }

  /** The node that is master of the slot `key` hashes to now, asked of a node still up. */
  async masterOf(key: string, asking: StartedTestContainer): Promise<StartedTestContainer> {
    const slot = Number((await this.cli(asking, ['cluster', 'keyslot', key])).trim());
    const lines = (await this.cli(asking, ['cluster', 'nodes'])).trim().split('\n');
    for (const line of lines) {
      const [, address, flags, , , , , , ...ranges] = line.split(' ');
      if (!flags?.includes('master') || flags.includes('fail')) continue;
      const owns = ranges.some((range) => {
        const [from, to = from] = range.split('-').map(Number);
        return from !== undefined && to !== undefined && slot >= from && slot <= to;
      });
      if (!owns) continue;
      const ip = address?.split(':')[0];
      const node = this.nodes.find((n) => this.address(n) === ip);
      if (node) return node;
    }
    throw new Error(`no master holds slot ${String(slot)}`);
  }

  /** Waits until every node still up reports the cluster ok, with all slots served. */
  async untilHealthy(up: StartedTestContainer[] = this.nodes, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const infos = await Promise.all(
        up.map((node) => this.cli(node, ['cluster', 'info']).catch(() => '')),
      );
      if (
        infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info))
      )
        return;
      if (Date.now() > deadline) throw new Error(`the cluster is not healthy: ${infos.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** What the nodes say of the cluster and their last log lines: for a failure's message. */
  async describe(up: StartedTestContainer[] = this.nodes): Promise<string> {
    const views = await Promise.all(
      up.map(async (node) => {
        const nodes = await this.cli(node, ['cluster', 'nodes']).catch((e: unknown) => String(e));
        const logs = await new Promise<string>((resolve) => {
          execFile('docker', ['logs', '--tail', '8', node.getId()], (_, out, err) => {
            resolve(`${out}${err}`);
          });
        });
        return `${this.address(node)}:\n${nodes}\n${logs}`;
      }),
    );
    return views.join('\n');
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((node) => node.stop()));
  }
}
