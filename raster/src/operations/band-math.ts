import { parseBandMath } from '@harita/contracts';
import { CHUNK, compile } from '../expression/evaluate.js';
import { bandReading, readPhysical, type BandReading } from '../kernels/band-values.js';
import { transformToCog, type OutputOptions, type OutputSummary } from '../pipeline/transform.js';
import { isFloat, rangeOf, type DataType } from '../tiff/data-type.js';
import { bandIndex, withRaster, type InputOptions } from './open-input.js';

export interface BandMathOptions extends InputOptions, OutputOptions {
  expression: string;
  /** Names the expression uses, each a 1-based band number. */
  bands: Record<string, number>;
  dataType?: DataType;
  /** Output nodata; by default defaultNodata(dataType). */
  nodata?: number;
}

/** The documented nodata of band-math outputs: -9999 for floats, the type's extreme for integers. */
export function defaultNodata(type: DataType): number {
  switch (type) {
    case 'Float32':
    case 'Float64':
      return -9999;
    case 'Byte':
    case 'UInt16':
    case 'UInt32':
      return rangeOf(type)[1];
    default:
      return rangeOf(type)[0];
  }
}

/**
 * Evaluates an expression over named bands into a one-band COG. A pixel is nodata where any band
 * the expression reads is nodata, NaN or masked, or where the result is not finite. Integer
 * outputs are rounded and clamped to the type's range.
 */
export async function bandMathToCog(
  input: string,
  output: string,
  options: BandMathOptions,
): Promise<OutputSummary> {
  const { tree, used } = parseBandMath(options.expression, options.bands);
  const dataType = options.dataType ?? 'Float32';
  const nodata = options.nodata ?? defaultNodata(dataType);
  const [low, high] = rangeOf(dataType);
  const float = isFloat(dataType);
  return withRaster(input, options, (reader) => {
    const { info } = reader;
    const indices = used.map((name) =>
      bandIndex(reader, options.bands[name]!, `band "${name}" is`),
    );
    const chunks = new Map(used.map((name) => [name, new Float64Array(CHUNK)]));
    const valid = new Uint8Array(CHUNK);
    const run = compile(tree, chunks);
    return transformToCog(
      reader,
      {
        bands: indices,
        dataType,
        nodata,
        descriptions: [options.expression],
        compute(strip, out) {
          const readings: BandReading[] = indices.map((band, b) =>
            bandReading(info, band, strip.bands[b]!, strip.masks[b]!),
          );
          const target = out[0]!;
          const total = info.width * strip.rows;
          for (let from = 0; from < total; from += CHUNK) {
            const n = Math.min(CHUNK, total - from);
            valid.fill(1, 0, n);
            used.forEach((name, b) => {
              readPhysical(readings[b]!, from, n, chunks.get(name)!, valid);
            });
            const result = run(n);
            for (let i = 0; i < n; i++) {
              const v = result[i]!;
              if (valid[i] === 0 || !Number.isFinite(v)) target[from + i] = nodata;
              else if (float) target[from + i] = v;
              else target[from + i] = Math.min(high, Math.max(low, Math.round(v)));
            }
          }
        },
      },
      output,
      options,
    );
  });
}
