import { removeContainers } from '../src/cleanup.js';
import { runId } from '../src/labels.js';

export async function setup(): Promise<void> {
  const removed = await removeContainers('orphaned');
  if (removed > 0) console.log(`e2e: removed ${removed} container(s) left by an earlier run`);
}

export async function teardown(): Promise<void> {
  await removeContainers({ runId });
}
