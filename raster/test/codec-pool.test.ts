import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixture } from './oracle.js';
import { scratchDir } from './scratch.js';

const run = promisify(execFile);
const ENGINE = new URL('../dist/index.js', import.meta.url).href;
const scratch = scratchDir();

describe('the codec pool', () => {
  // Opening a reader starts the codec threads ahead of the first tile. A thread that never
  // decoded anything (a header read, one small raster) must not keep the process alive: the
  // demo with a 512 x 512 scene finished its work and then never exited.
  it('lets a process exit after a reader that decoded nothing is closed', async () => {
    const script = `
      const { RasterReader } = await import(${JSON.stringify(ENGINE)});
      const reader = await RasterReader.open(${JSON.stringify(fixture('u16-scaled-described').path)});
      await reader.close();
      console.log('closed');
    `;
    // A module file, as the demo is: the race did not show under `node -e`.
    const file = join(scratch.path, 'open-and-close.mjs');
    await writeFile(file, script);
    const { stdout } = await run(process.execPath, [file], { timeout: 20_000 });
    expect(stdout.trim()).toBe('closed');
  });
});
