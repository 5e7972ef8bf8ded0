import { writeFile } from 'node:fs/promises';
import { CLASS_NODATA, RasterReader } from '@harita/raster';
import { PNG } from 'pngjs';

/** RGB for each land-cover class: water, bare, sparse vegetation, dense vegetation. */
const CLASS_COLOURS = [
  [30, 90, 200],
  [190, 160, 110],
  [160, 210, 90],
  [20, 110, 40],
];

/** An NDVI value from -1 to 1 as a brown-to-green ramp. */
function ndviColour(value: number): number[] {
  const t = Math.max(0, Math.min(1, (value + 0.2) / 1.1));
  return [
    Math.round(165 * (1 - t) + 20 * t),
    Math.round(120 * (1 - t) + 150 * t),
    Math.round(80 * (1 - t) + 40 * t),
  ];
}

/** A PNG of a one-band result (at most 1024 pixels wide, nearest sampling); nodata transparent. */
export async function writePreview(
  cog: string,
  png: string,
  kind: 'ndvi' | 'classes',
): Promise<void> {
  const reader = await RasterReader.open(cog);
  try {
    const { width, height, nodata } = reader.info;
    const step = Math.max(1, Math.ceil(width / 1024));
    const out = new PNG({ width: Math.ceil(width / step), height: Math.ceil(height / step) });
    for (let y = 0; y < height; y += step) {
      const [band] = (await reader.readRows(y, 1, [0])).bands;
      for (let x = 0; x < width; x += step) {
        const value = Number(band?.[x] ?? nodata);
        const at = ((y / step) * out.width + x / step) * 4;
        const missing =
          value === nodata || Number.isNaN(value) || (kind === 'classes' && value === CLASS_NODATA);
        const rgb = missing
          ? [0, 0, 0]
          : kind === 'ndvi'
            ? ndviColour(value)
            : (CLASS_COLOURS[value] ?? [255, 0, 255]);
        out.data.set([...rgb, missing ? 0 : 255], at);
      }
    }
    await writeFile(png, PNG.sync.write(out));
  } finally {
    await reader.close();
  }
}
