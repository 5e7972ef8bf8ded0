import { getContainerRuntimeClient } from 'testcontainers';
import { E2E_LABEL, OWNER_PID_LABEL, RUN_LABEL } from './labels.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the suites' containers that match: those of one run, or those whose run's process is gone
 * (a run that was killed before its teardown).
 */
export async function removeContainers(which: { runId: string } | 'orphaned'): Promise<number> {
  const client = await getContainerRuntimeClient();
  const listed = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [`${E2E_LABEL}=true`] },
  });
  const doomed = listed.filter((info) =>
    which === 'orphaned'
      ? !isAlive(Number(info.Labels[OWNER_PID_LABEL]))
      : info.Labels[RUN_LABEL] === which.runId,
  );
  await Promise.all(
    doomed.map((info) =>
      client.container.dockerode.getContainer(info.Id).remove({ force: true, v: true }),
    ),
  );
  return doomed.length;
}
