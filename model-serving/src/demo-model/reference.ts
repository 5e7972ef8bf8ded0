import {
  BAND_COUNT,
  BRIGHTNESS,
  CLASS_BIAS,
  CLASS_COUNT,
  FEATURE_COUNT,
  INDEX_DENOMINATORS,
  INDEX_EPSILON,
  INDEX_NUMERATORS,
  headFilter,
} from './landcover.js';

export interface ReferencePrediction {
  /** [height][width][CLASS_COUNT] logits. */
  logits: Float64Array;
  /** [height][width] class ids. */
  classIds: Uint8Array;
}

/**
 * The demo model worked out directly, in double precision, for one image of `height` x `width`
 * pixels ([height][width][band] reflectance): what the graph must compute.
 */
export function referencePrediction(
  pixels: Float32Array,
  height: number,
  width: number,
): ReferencePrediction {
  const features = new Float64Array(height * width * FEATURE_COUNT);
  for (let p = 0; p < height * width; p++) {
    const bands = pixels.subarray(p * BAND_COUNT, (p + 1) * BAND_COUNT);
    for (let index = 0; index < 2; index++) {
      let numerator = 0;
      let denominator = 0;
      for (let b = 0; b < BAND_COUNT; b++) {
        numerator += bands[b]! * INDEX_NUMERATORS[b]![index]!;
        denominator += bands[b]! * INDEX_DENOMINATORS[b]![index]!;
      }
      features[p * FEATURE_COUNT + index] = numerator / (denominator + INDEX_EPSILON);
    }
    let brightness = 0;
    for (let b = 0; b < BAND_COUNT; b++) brightness += bands[b]! * BRIGHTNESS[b]!;
    features[p * FEATURE_COUNT + 2] = brightness;
  }
  const filter = headFilter();
  const logits = new Float64Array(height * width * CLASS_COUNT);
  const classIds = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * CLASS_COUNT;
      for (let k = 0; k < CLASS_COUNT; k++) logits[out + k] = CLASS_BIAS[k]!;
      for (let dy = 0; dy < 3; dy++) {
        const sy = y + dy - 1;
        if (sy < 0 || sy >= height) continue;
        for (let dx = 0; dx < 3; dx++) {
          const sx = x + dx - 1;
          if (sx < 0 || sx >= width) continue;
          const feature = (sy * width + sx) * FEATURE_COUNT;
          for (let f = 0; f < FEATURE_COUNT; f++) {
            const weights = ((dy * 3 + dx) * FEATURE_COUNT + f) * CLASS_COUNT;
            for (let k = 0; k < CLASS_COUNT; k++) {
              logits[out + k]! += features[feature + f]! * filter[weights + k]!;
            }
          }
        }
      }
      let best = 0;
      for (let k = 1; k < CLASS_COUNT; k++) if (logits[out + k]! > logits[out + best]!) best = k;
      classIds[y * width + x] = best;
    }
  }
  return { logits, classIds };
}
