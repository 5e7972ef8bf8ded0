import { bandReading } from '../kernels/band-values.js';
import { NDVI_NODATA, normalizedDifference } from '../kernels/ndvi.js';
import { transformToCog, type OutputOptions, type OutputSummary } from '../pipeline/transform.js';
import { bandIndex, withRaster, type InputOptions } from './open-input.js';

export interface NormalizedDifferenceOptions extends InputOptions, OutputOptions {
  /** 1-based band numbers: the result is (a - b) / (a + b). */
  a: number;
  b: number;
  description?: string;
}

/** The normalized difference of two bands, as a Float32 COG with nodata NDVI_NODATA. */
export function normalizedDifferenceToCog(
  input: string,
  output: string,
  options: NormalizedDifferenceOptions,
): Promise<OutputSummary> {
  return withRaster(input, options, (reader) => {
    const a = bandIndex(reader, options.a, 'the first');
    const b = bandIndex(reader, options.b, 'the second');
    if (a === b) throw new RangeError('a normalized difference needs two different bands');
    const { info } = reader;
    return transformToCog(
      reader,
      {
        bands: [a, b],
        dataType: 'Float32',
        nodata: NDVI_NODATA,
        descriptions: [
          options.description ??
            `normalized difference of bands ${String(options.a)} and ${String(options.b)}`,
        ],
        compute(strip, out) {
          const [va, vb] = strip.bands;
          const count = info.width * strip.rows;
          normalizedDifference(
            bandReading(info, a, va!, strip.masks[0]!),
            bandReading(info, b, vb!, strip.masks[1]!),
            count,
            out[0]!,
          );
        },
      },
      output,
      options,
    );
  });
}

/** NDVI = (NIR - red) / (NIR + red). */
export function ndviToCog(
  input: string,
  output: string,
  options: InputOptions & OutputOptions & { red: number; nir: number },
): Promise<OutputSummary> {
  return normalizedDifferenceToCog(input, output, {
    ...options,
    a: options.nir,
    b: options.red,
    description: 'NDVI',
  });
}
