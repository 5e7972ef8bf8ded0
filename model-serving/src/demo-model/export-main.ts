#!/usr/bin/env node
// Writes the demo model into <models dir>/landcover/<version>/, for both servers.
import { join } from 'node:path';
import { writeModelVersion } from './export.js';
import { landcoverGraph } from './graph.js';
import { LANDCOVER } from './landcover.js';

const modelsDir = process.argv[2] ?? 'models';
const written = await writeModelVersion(
  join(modelsDir, LANDCOVER.name),
  LANDCOVER.version,
  landcoverGraph(),
);
console.log(`demo model written to ${written}`);
