import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The ids of a compose project's containers, running or not, on the engine DOCKER_HOST names. */
export async function projectContainers(project: string): Promise<string[]> {
  const { stdout } = await run('docker', [
    'ps',
    '-a',
    '-q',
    '--filter',
    `label=com.docker.compose.project=${project}`,
  ]);
  return stdout.split('\n').filter(Boolean);
}
