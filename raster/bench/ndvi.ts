import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { deflateBackend } from '../dist/index.js';
import { measure, median, type Measurement } from './measure.js';

/**
 * NDVI of a Sentinel-2-sized scene into a Float32 Deflate COG (512 tiles, average overviews,
 * Deflate level 6 on every side), run alternately against GDAL's two routes in one invocation:
 *  (a) what most users run: gdal_calc.py, then gdal_translate -of COG;
 *  (b) GDAL's fastest route we know: a VRT with a Python pixel function straight to COG, all cores.
 * Then decode alone: the engine against GDAL reading the same file.
 * Usage: npm run bench:ndvi --workspace raster [-- --runs 3 --size 10980]
 */
const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const here = import.meta.dirname;
const source = join(here, '..', 'bench');
const CLI = join(here, '..', 'dist', 'cli', 'main.js');
const DECODE = join(here, 'decode.js');

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, size: { type: 'string', default: '10980' } },
});
const runs = Number(values.runs);
const size = Number(values.size);

for (const tool of ['/usr/bin/time', PYTHON]) {
  if (!existsSync(tool))
    throw new Error(`${tool} is missing: apt-get install time gdal-bin python3-gdal`);
}
await run(PYTHON, ['-c', 'from osgeo import gdal']).catch(() => {
  throw new Error("GDAL's Python bindings are missing: apt-get install gdal-bin python3-gdal");
});

const cache = join(source, '.cache');
await mkdir(cache, { recursive: true });
const scene = join(cache, `scene-${String(size)}.tif`);
if (!existsSync(scene)) {
  process.stderr.write(`making the ${String(size)} x ${String(size)} scene (once)...\n`);
  await run(PYTHON, [join(source, 'make_scene.py'), scene, String(size)]);
}
const work = await mkdtemp(join(tmpdir(), 'harita-bench-'));
const vrt = join(work, 'ndvi.vrt');
await run(PYTHON, [join(source, 'gdal_routes.py'), 'vrt', scene, vrt]);

const COG = [
  '-of',
  'COG',
  '-co',
  'COMPRESS=DEFLATE',
  '-co',
  'LEVEL=6',
  '-co',
  'PREDICTOR=YES',
  '-co',
  'BLOCKSIZE=512',
  '-co',
  'RESAMPLING=AVERAGE',
];
const outputs = {
  harita: join(work, 'harita.tif'),
  a: join(work, 'route-a.tif'),
  b: join(work, 'route-b.tif'),
};

type Route = keyof typeof outputs;
const routes: Record<Route, () => Promise<Measurement>> = {
  harita: () =>
    measure(process.execPath, [
      CLI,
      'ndvi',
      scene,
      outputs.harita,
      '--red',
      '1',
      '--nir',
      '2',
      '--level',
      '6',
    ]),
  async a() {
    const calc = join(work, 'calc.tif');
    const first = await measure('gdal_calc.py', [
      '--quiet',
      '-A',
      scene,
      '--A_band=1',
      '-B',
      scene,
      '--B_band=2',
      '--calc=(B.astype(numpy.float64)-A)/(B.astype(numpy.float64)+A)',
      '--NoDataValue=-9999',
      '--type=Float32',
      '--overwrite',
      `--outfile=${calc}`,
    ]);
    const second = await measure('gdal_translate', ['-q', ...COG, calc, outputs.a]);
    await rm(calc, { force: true });
    return {
      seconds: first.seconds + second.seconds,
      peakRssMb: Math.max(first.peakRssMb, second.peakRssMb),
    };
  },
  b: () =>
    measure('gdal_translate', ['-q', ...COG, '-co', 'NUM_THREADS=ALL_CPUS', vrt, outputs.b], {
      GDAL_VRT_ENABLE_PYTHON: 'YES',
      PYTHONSO: '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0',
    }),
};

const names: Route[] = ['harita', 'a', 'b'];
const results: Record<Route, Measurement[]> = { harita: [], a: [], b: [] };
const decode: { harita: number[]; gdal: number[] } = { harita: [], gdal: [] };
for (let i = 0; i < runs; i++) {
  // Rotate the order so no route always runs on a cold or a warm machine.
  for (const name of [...names.slice(i % 3), ...names.slice(0, i % 3)]) {
    await rm(outputs[name], { force: true });
    results[name].push(await routes[name]());
    process.stderr.write(
      `run ${String(i + 1)}/${String(runs)} ${name}: ${results[name].at(-1)!.seconds.toFixed(2)} s\n`,
    );
  }
  const order = i % 2 === 0 ? (['harita', 'gdal'] as const) : (['gdal', 'harita'] as const);
  for (const who of order) {
    const m =
      who === 'harita'
        ? await measure(process.execPath, [DECODE, scene])
        : await measure(PYTHON, [join(source, 'gdal_routes.py'), 'decode', scene]);
    decode[who].push(m.seconds);
  }
}

// The last run's outputs are judged.
const sizes = Object.fromEntries(
  await Promise.all(names.map(async (n) => [n, (await stat(outputs[n])).size / 1e6] as const)),
) as Record<Route, number>;
const check = JSON.parse(
  (await run(PYTHON, [join(source, 'gdal_routes.py'), 'compare', outputs.harita, outputs.b]))
    .stdout,
) as { maxDiff: number; nodataMismatches: number };
const validation = await run(PYTHON, [
  '-m',
  'osgeo_utils.samples.validate_cloud_optimized_geotiff',
  '-q',
  outputs.harita,
]).then(
  () => 'valid COG',
  () => 'NOT a valid COG',
);
// "GDAL 3.6.2, released 2023/01/02" -> "3.6.2"
const gdalVersion = (await run('gdalinfo', ['--version'])).stdout
  .split(',')[0]!
  .replace('GDAL ', '');

const megapixels = (size * size) / 1e6;
const label: Record<Route, string> = {
  harita: 'harita-raster ndvi',
  a: 'GDAL (a) gdal_calc + COG',
  b: 'GDAL (b) VRT pixel fn, all cores',
};
const summary = (name: Route): { seconds: number; rss: number } => ({
  seconds: median(results[name].map((m) => m.seconds)),
  rss: Math.max(...results[name].map((m) => m.peakRssMb)),
});
const line = (text: string): void => void process.stdout.write(`${text}\n`);
line(
  `NDVI ${String(size)} x ${String(size)} UInt16 Deflate COG -> Float32 Deflate COG; median of ${String(runs)}; ${String(availableParallelism())} cores; GDAL ${gdalVersion}; engine Deflate: ${deflateBackend}`,
);
line(
  `${'route'.padEnd(34)}${'wall s'.padStart(8)}${'Mpx/s'.padStart(8)}${'peak RSS MB'.padStart(13)}${'output MB'.padStart(11)}`,
);
for (const name of names) {
  const s = summary(name);
  line(
    `${label[name].padEnd(34)}${s.seconds.toFixed(2).padStart(8)}${(megapixels / s.seconds).toFixed(1).padStart(8)}${s.rss.toFixed(0).padStart(13)}${sizes[name].toFixed(1).padStart(11)}`,
  );
}
const h = summary('harita');
for (const other of ['a', 'b'] as const) {
  const o = summary(other);
  line(
    `harita vs ${other}: ${(o.seconds / h.seconds).toFixed(2)}x as fast, ${((sizes.harita / sizes[other] - 1) * 100).toFixed(1)} % output size, ${(h.rss / o.rss).toFixed(2)}x the peak RSS`,
  );
}
const dh = median(decode.harita);
const dg = median(decode.gdal);
line(
  `decode only (both bands): harita ${dh.toFixed(2)} s, GDAL ${dg.toFixed(2)} s: ${(dg / dh).toFixed(2)}x GDAL's throughput`,
);
line(
  `checks: harita output is a ${validation}; vs route (b): max |difference| ${check.maxDiff.toExponential(2)}, ${String(check.nodataMismatches)} nodata mismatches`,
);
await rm(work, { recursive: true, force: true });
