import { CodecPool, RasterReader, strips } from '../dist/index.js';

/** Decodes every band of a raster and throws the pixels away: the engine's decode throughput. */
const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: decode.js RASTER');
const reader = await RasterReader.open(path);
const bands = reader.info.bands.map((_, i) => i);
let rows = 0;
for await (const strip of strips(reader, bands, 512)) rows += strip.rows;
await reader.close();
await CodecPool.shared().close();
if (rows !== reader.info.height)
  throw new Error(`decoded ${String(rows)} of ${String(reader.info.height)} rows`);
