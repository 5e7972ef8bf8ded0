/** A file of one of the tenant's datasets, as jobs name their input. */
export interface DatasetFile {
  dataset_id: string;
  file: string;
}

/**
 * The demo's scene (data/scenes/README.md): NAIP, central North Dakota, 2020-08-31, 934 x 723
 * pixels at 5 m, EPSG:26914; four Byte bands, 1 red, 2 green, 3 blue, 4 near-infrared, nodata 0.
 * The TIFF tags its 4th sample as unassociated alpha (ExtraSamples=2); GDAL's own metadata in the
 * file overrides that, and the engine reads band 4 as data, as GDAL does.
 */
export const DEMO_SCENE = {
  file: 'm_4709963_se_14_1_20200831.tif',
  summary: 'NAIP 2020-08-31, North Dakota: 934 x 723 px at 5 m (red, green, blue, NIR)',
} as const;

/** The NDVI job on the demo scene: NAIP's red is band 1, its NIR band 4. */
export function demoNdviParams(input: DatasetFile): Record<string, unknown> {
  return { input, red_band: 1, nir_band: 4 };
}

/**
 * The inference job on the demo scene. The landcover model takes blue, green, red and NIR
 * reflectance from 0 to 1: NAIP's bands in that order are 3, 2, 1, 4, and its 8-bit digital
 * numbers (uncalibrated) scaled by 1/255 stand in for reflectance.
 */
export function demoInferenceParams(input: DatasetFile): Record<string, unknown> {
  return { input, model: 'landcover', bands: [3, 2, 1, 4], scale: 1 / 255, offset: 0 };
}
