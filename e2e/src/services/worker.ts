import { AbstractStartedContainer, GenericContainer, Wait } from 'testcontainers';
import { hostGatewayEntry } from '../host-access.js';
import { e2eLabels } from '../labels.js';

/**
 * The worker image (scripts/build-worker-image.sh builds it; WORKER_IMAGE names another), run as
 * production runs it: a read-only root file system with a tmpfs at /tmp. It reaches servers on this
 * machine (the job-events endpoint) as host.docker.internal (`fromContainer`).
 */
export class WorkerContainer extends GenericContainer {
  constructor(image = process.env.WORKER_IMAGE ?? 'harita/worker:dev') {
    super(image);
    this.withLabels(e2eLabels())
      .withTmpFs({ '/tmp': 'rw,size=512m' })
      .withExtraHosts([hostGatewayEntry])
      .withWaitStrategy(Wait.forLogMessage(/worker started/))
      .withStartupTimeout(60_000);
    this.hostConfig.ReadonlyRootfs = true;
  }

  override async start(): Promise<StartedWorkerContainer> {
    return new StartedWorkerContainer(await super.start());
  }
}

export class StartedWorkerContainer extends AbstractStartedContainer {}
