/**
 * The demo land-cover model: its contract and fixed weights, chosen so the right answer can be
 * worked out by hand. Per pixel it computes three spectral features from blue, green, red and NIR
 * reflectance: NDVI, NDWI and brightness. A 3x3 convolution over those features (so each class
 * looks one pixel beyond its own) gives one logit per class.
 *
 * Every feature is 0 where all four bands are 0, so zero-filled padding outside an image gives
 * the same answer as the convolution's own SAME zero padding: a chip cut with a halo of at least
 * RECEPTIVE_FIELD_MARGIN pixels predicts exactly what the whole image would.
 */
export const LANDCOVER = {
  name: 'landcover',
  version: 1,
  chipSize: 256,
  bands: ['blue', 'green', 'red', 'nir'],
  classes: ['water', 'bare', 'sparse_vegetation', 'dense_vegetation'],
  /** Pixels beyond a pixel that its prediction depends on. */
  receptiveFieldMargin: 1,
} as const;

export const BAND_COUNT = LANDCOVER.bands.length;
export const CLASS_COUNT = LANDCOVER.classes.length;
export const FEATURE_COUNT = 3;

/** Keeps the spectral indices finite where a pixel is all zeros (padding, nodata). */
export const INDEX_EPSILON = 1e-6;

/** 1x1 weights, [band][index]: the NDVI and NDWI numerators. */
export const INDEX_NUMERATORS = [
  [0, 0],
  [0, 1],
  [-1, 0],
  [1, -1],
] as const;

/** 1x1 weights, [band][index]: the NDVI and NDWI denominators. */
export const INDEX_DENOMINATORS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
] as const;

/** 1x1 weights, [band]: brightness, the mean reflectance. */
export const BRIGHTNESS = [0.25, 0.25, 0.25, 0.25] as const;

/** How much each feature (NDVI, NDWI, brightness) speaks for each class. */
export const CLASS_WEIGHTS = [
  [-2, -4, 6, 12],
  [8, -2, -2, -4],
  [-1, 6, 1, -2],
] as const;

export const CLASS_BIAS = [-1, 0, -1.5, -5] as const;

/** The 3x3 spatial kernel, [dy][dx]: a binomial smoothing that weighs the centre most. */
export const SPATIAL_KERNEL = [
  [1 / 16, 2 / 16, 1 / 16],
  [2 / 16, 4 / 16, 2 / 16],
  [1 / 16, 2 / 16, 1 / 16],
] as const;

/** The head's Conv2D filter in TensorFlow's HWIO layout: [3][3][FEATURE_COUNT][CLASS_COUNT]. */
export function headFilter(): Float32Array {
  const filter = new Float32Array(3 * 3 * FEATURE_COUNT * CLASS_COUNT);
  let i = 0;
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) {
      for (let f = 0; f < FEATURE_COUNT; f++) {
        for (let k = 0; k < CLASS_COUNT; k++) {
          filter[i++] = SPATIAL_KERNEL[dy]![dx]! * CLASS_WEIGHTS[f]![k]!;
        }
      }
    }
  }
  return filter;
}
