import { describe, expect, it } from 'vitest';
import { GenericContainer, Wait, getContainerRuntimeClient } from 'testcontainers';
import { readImageTable } from '../src/images.js';
import { e2eLabels } from '../src/labels.js';

// The offline image set (compose/images): what each image promises, checked on the images built
// here. Skipped where the run uses the public images.
const offline = process.env.HARITA_IMAGE_SET === 'offline';

/** What a container needs to stay up, and one command that shows the image's software works. */
const usage: Record<
  string,
  { command?: string[]; env?: Record<string, string>; check: string[]; expect: RegExp }
> = {
  REDIS_IMAGE: { check: ['redis-cli', 'ping'], expect: /PONG/ },
  POSTGRES_IMAGE: {
    env: { POSTGRES_PASSWORD: 'check' },
    check: ['psql', '-U', 'postgres', '-tAc', 'SELECT PostGIS_Lib_Version()'],
    expect: /^3\.3/,
  },
  OBJECT_STORE_IMAGE: {
    check: ['radosgw-admin', '-n', 'client.admin', 'user', 'list'],
    expect: /harita/,
  },
  PROMETHEUS_IMAGE: { check: ['promtool', '--version'], expect: /promtool, version 2\.42/ },
  ALERTMANAGER_IMAGE: { check: ['amtool', '--version'], expect: /amtool, version 0\.25/ },
  NODE_EXPORTER_IMAGE: {
    check: ['node_exporter', '--version'],
    expect: /node_exporter, version 1\.5/,
  },
  NODE_IMAGE: {
    command: ['node', '-e', 'setInterval(() => {}, 1 << 30)'],
    check: ['node', '-p', 'process.versions.node'],
    expect: /^24\./,
  },
  DENO_IMAGE: {
    command: ['eval', 'setInterval(() => {}, 1 << 30)'],
    check: ['deno', '--version'],
    expect: /^deno 2\.9/,
  },
  REGISTRY_IMAGE: { check: ['docker-registry', '--version'], expect: /v?2\.8/ },
};

describe.runIf(offline)('the offline image set', () => {
  // The images the offline set builds; the rest (TF Serving, Grafana) have none.
  const rows = readImageTable().flatMap((row) =>
    row.offlineImage ? [{ ...row, offlineImage: row.offlineImage }] : [],
  );

  it('covers every image the kit names', () => {
    expect(rows.map((r) => r.variable).sort()).toEqual(Object.keys(usage).sort());
  });

  it.concurrent.each(rows)(
    '$offlineImage: non-root, a healthcheck, version and hash labels',
    async (row) => {
      const client = await getContainerRuntimeClient();
      const image = await client.container.dockerode.getImage(row.offlineImage).inspect();
      const user = image.Config.User;
      expect(user, 'runs as a non-root user').not.toMatch(/^(|root|0)(:.*)?$/);
      expect(image.Config.Healthcheck?.Test?.length ?? 0, 'has a HEALTHCHECK').toBeGreaterThan(1);
      const labels = image.Config.Labels;
      expect(labels['org.opencontainers.image.version']).toMatch(/\d/);
      expect(labels['dev.harita.content-hash']).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it.concurrent.each(rows)(
    '$offlineImage: starts healthy and its software answers',
    async (row) => {
      const use = usage[row.variable];
      if (!use) throw new Error(`no usage for ${row.variable}`);
      let builder = new GenericContainer(row.offlineImage)
        .withLabels(e2eLabels())
        .withEnvironment(use.env ?? {})
        .withWaitStrategy(Wait.forHealthCheck())
        .withStartupTimeout(90_000);
      if (use.command) builder = builder.withCommand(use.command);
      const container = await builder.start();
      try {
        const result = await container.exec(use.check);
        expect(result.exitCode, result.output).toBe(0);
        expect(result.output.trim()).toMatch(use.expect);
      } finally {
        await container.stop();
      }
    },
  );
});
