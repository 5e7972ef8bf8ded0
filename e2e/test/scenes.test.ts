import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENES_DIR, sceneChecksums, sha256File, verifiedScene } from '@harita/demo/scenes';
import { DEMO_SCENE } from '@harita/demo/demo-jobs';

// The real scenes in data/scenes/: each file's bytes are the ones its provenance states, and the
// README gives every file a section with the same sha256. No containers.
describe('the real scenes (data/scenes/)', () => {
  it('lists every scene in SHA256SUMS, and each file has the listed sha256', async () => {
    const sums = await sceneChecksums();
    const files = (await readdir(SCENES_DIR)).filter((f) => f.endsWith('.tif')).sort();
    expect([...sums.keys()].sort()).toEqual(files);
    expect(files).toContain(DEMO_SCENE.file);
    for (const [file, sum] of sums)
      expect(await sha256File(join(SCENES_DIR, file)), file).toBe(sum);
  });

  it('gives each file a README section with its provenance, licence and the same sha256', async () => {
    const readme = await readFile(join(SCENES_DIR, 'README.md'), 'utf8');
    const sections = readme.split(/^## /m).slice(1);
    for (const [file, sum] of await sceneChecksums()) {
      const section = sections.find((s) => s.slice(0, s.indexOf('\n')).includes(`\`${file}\``));
      expect(section, `a section on ${file}`).toBeDefined();
      expect(section).toMatch(/\*\*Source\*\*: https:\/\/github\.com\//);
      expect(section).toMatch(/\*\*License\*\*/);
      expect(section).toContain(sum);
    }
  });

  it('refuses, by name, a scene whose bytes are not the listed ones', async () => {
    await expect(verifiedScene(DEMO_SCENE.file)).resolves.toBe(join(SCENES_DIR, DEMO_SCENE.file));
    await expect(verifiedScene('README.md')).rejects.toThrow(/README\.md is not listed/);
  });
});
