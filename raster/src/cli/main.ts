#!/usr/bin/env node
import { CodecPool } from '../codec/codec-pool.js';
import { UsageError } from './arguments.js';
import { COMMANDS } from './commands.js';

/** harita-raster: NDVI, band maths, statistics and zonal statistics over GeoTIFFs and COGs. */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    const usage = Object.values(COMMANDS)
      .map((c) => `  harita-raster ${c.usage}`)
      .join('\n');
    process.stderr.write(
      `${name === undefined || name === '--help' ? '' : `unknown command "${name}"\n`}usage:\n${usage}\n\nPaths may be local or s3://bucket/key (S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).\n`,
    );
    return name === '--help' ? 0 : 2;
  }
  try {
    const result = await command.run(args);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`harita-raster ${name!}: ${message}\n`);
    if (error instanceof UsageError)
      process.stderr.write(`usage: harita-raster ${command.usage}\n`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await CodecPool.shared().close();
  }
}

process.exitCode = await main(process.argv.slice(2));
