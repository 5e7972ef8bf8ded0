import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real scenes kept in the repository: data/scenes/ (its README gives each one's provenance). */
export const SCENES_DIR = fileURLToPath(new URL('../../data/scenes/', import.meta.url));

/** A scene file missing, not listed in SHA256SUMS, or with other bytes than the listed ones. */
export class SceneError extends Error {
  override name = 'SceneError';
}

/** The sha256 (lowercase hex) of a file's bytes. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Each scene's sha256 as `SHA256SUMS` in `dir` lists it (`sha256sum` format), by file name. */
export async function sceneChecksums(dir = SCENES_DIR): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  for (const line of (await readFile(join(dir, 'SHA256SUMS'), 'utf8')).split('\n')) {
    const [, sum, file] = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim()) ?? [];
    if (sum && file) sums.set(file, sum);
  }
  return sums;
}

/**
 * The path of scene `file` in `dir`, once its bytes are the ones SHA256SUMS lists.
 *
 * @throws SceneError naming the file when it is not listed, missing, or differs (a partial copy,
 *   a Git LFS pointer in place of the file).
 */
export async function verifiedScene(file: string, dir = SCENES_DIR): Promise<string> {
  const expected = (await sceneChecksums(dir)).get(file);
  if (!expected) throw new SceneError(`${file} is not listed in ${join(dir, 'SHA256SUMS')}`);
  const path = join(dir, file);
  const actual = await sha256File(path).catch((error: unknown) => {
    throw new SceneError(`${path} cannot be read: ${(error as Error).message}`);
  });
  if (actual !== expected)
    throw new SceneError(`${path} has sha256 ${actual}, SHA256SUMS lists ${expected}`);
  return path;
}
