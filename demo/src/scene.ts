import { CogWriter, saveCog } from '@harita/raster';
import { DEMO_SCENE_NODATA, demoSceneRows } from '@harita/model-serving/demo-scene';

const UTM_33N = {
  geoKeyDirectory: [
    1, 1, 0, 4, 1024, 0, 1, 1, 1025, 0, 1, 1, 1026, 34737, 22, 0, 3072, 0, 1, 32633,
  ],
  geoAsciiParams: 'WGS 84 / UTM zone 33N|',
  pixelScale: [10, 10, 0],
  tiepoint: [0, 0, 0, 500000, 5000000, 0],
};

/**
 * A synthetic scene (lakes, fields, bare ground; Sentinel-2-like digital numbers) as a COG, for
 * suites that need any size and an exact answer worked out. The demo runs on a real scene.
 */
export async function writeDemoScene(path: string, width: number, height: number): Promise<void> {
  const writer = await CogWriter.create({
    width,
    height,
    bandCount: 4,
    dataType: 'UInt16',
    nodata: DEMO_SCENE_NODATA,
    georeference: UTM_33N,
    bands: ['blue', 'green', 'red', 'nir'].map((description) => ({
      description,
      scale: 1,
      offset: 0,
    })),
  });
  for (let y = 0; y < height; y += 512) {
    const rows = Math.min(512, height - y);
    const bands = demoSceneRows(width, height, y, rows);
    await writer.writeWith(rows, (out) => {
      bands.forEach((band, b) => {
        out[b]?.set(band);
      });
    });
  }
  await saveCog(await writer.finish(), path);
}
