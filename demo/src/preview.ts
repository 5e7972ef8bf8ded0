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

/**
 * An NDVI value from -1 to 1 as a colour: below -0.2 (open water, its NIR far darker than its
 * red) blue, deeper the lower; from -0.2 up a brown-to-green ramp, bare ground brown, dense
 * vegetation green. Bare soil in uncalibrated imagery (NAIP) is often a little below 0.
 */
function ndviColour(value: number): number[] {
  if (value < -0.2) {
    const w = Math.min(1, (-0.2 - value) / 0.4);
    return [Math.round(90 * (1 - w) + 25 * w), Math.round(150 * (1 - w) + 70 * w), 215];
  }
  const t = Math.min(1, (value + 0.2) / 0.9);
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
