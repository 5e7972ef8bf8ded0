import { readFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { isS3Url } from '../source/s3-location.js';
import { bandMathToCog } from '../operations/band-math.js';
import { rasterInfo } from '../operations/info.js';
import { ndviToCog } from '../operations/ndvi.js';
import { rasterStatistics } from '../operations/statistics.js';
import { zonalStatistics } from '../operations/zonal-statistics.js';
import type { OutputOptions } from '../pipeline/transform.js';
import { parseDataType } from '../tiff/data-type.js';
import { parse, positionals, positiveInteger, UsageError, type Options } from './arguments.js';
import { s3FromEnv } from './s3-from-env.js';

export interface Command {
  usage: string;
  run(args: string[]): Promise<unknown>;
}

const OUTPUT_OPTIONS = {
  'block-size': { type: 'string' },
  level: { type: 'string' },
  overviews: { type: 'string' },
} as const;

async function s3For(...locations: string[]): Promise<{ s3?: S3Client }> {
  return locations.some(isS3Url) ? { s3: await s3FromEnv() } : {};
}

function outputOptions(values: Options): NonNullable<OutputOptions['cog']> {
  const overviews = values.overviews ?? 'average';
  if (overviews !== 'average' && overviews !== 'nearest' && overviews !== 'none') {
    throw new UsageError('--overviews is average, nearest or none');
  }
  return {
    blockSize: positiveInteger(values['block-size'], 'block-size', 512),
    level: positiveInteger(values.level, 'level', 6),
    overviews,
  };
}

export const COMMANDS: Record<string, Command> = {
  info: {
    usage: 'info <raster>',
    async run(args) {
      const [input] = positionals(parse(args, {}).positionals, ['raster']);
      return rasterInfo(input!, await s3For(input!));
    },
  },
  ndvi: {
    usage:
      'ndvi <input> <output> [--red 3] [--nir 4] [--block-size 512] [--level 6] [--overviews average|nearest|none]',
    async run(args) {
      const { values, positionals: list } = parse(args, {
        red: { type: 'string' },
        nir: { type: 'string' },
        ...OUTPUT_OPTIONS,
      });
      const [input, output] = positionals(list, ['input', 'output']);
      return ndviToCog(input!, output!, {
        red: positiveInteger(values.red, 'red', 3),
        nir: positiveInteger(values.nir, 'nir', 4),
        cog: outputOptions(values),
        ...(await s3For(input!, output!)),
      });
    },
  },
  calc: {
    usage:
      'calc <input> <output> --expr "(nir - red) / (nir + red)" --band red=3 --band nir=4 [--type Float32] [--nodata N]',
    async run(args) {
      const { values, positionals: list } = parse(args, {
        expr: { type: 'string' },
        band: { type: 'string', multiple: true },
        type: { type: 'string' },
        nodata: { type: 'string' },
        ...OUTPUT_OPTIONS,
      });
      const [input, output] = positionals(list, ['input', 'output']);
      if (typeof values.expr !== 'string') throw new UsageError('--expr is required');
      const bands: Record<string, number> = {};
      for (const pair of (values.band as string[] | undefined) ?? []) {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)$/.exec(pair);
        if (!match) throw new UsageError(`--band takes name=number, not "${pair}"`);
        bands[match[1]!] = Number(match[2]);
      }
      const nodata = values.nodata === undefined ? undefined : Number(values.nodata);
      if (nodata !== undefined && Number.isNaN(nodata) && values.nodata !== 'nan')
        throw new UsageError('--nodata takes a number');
      return bandMathToCog(input!, output!, {
        expression: values.expr,
        bands,
        dataType: parseDataType(typeof values.type === 'string' ? values.type : 'Float32'),
        ...(nodata === undefined ? {} : { nodata }),
        cog: outputOptions(values),
        ...(await s3For(input!, output!)),
      });
    },
  },
  stats: {
    usage: 'stats <raster> [--band N ...] [--buckets 256]',
    async run(args) {
      const { values, positionals: list } = parse(args, {
        band: { type: 'string', multiple: true },
        buckets: { type: 'string' },
      });
      const [input] = positionals(list, ['raster']);
      const bands = (values.band as string[] | undefined)?.map((band) =>
        positiveInteger(band, 'band', 1),
      );
      const buckets = values.buckets === undefined ? 256 : Number(values.buckets);
      if (!Number.isInteger(buckets) || buckets < 0)
        throw new UsageError('--buckets takes a whole number (0 for no histogram)');
      return rasterStatistics(input!, {
        ...(bands ? { bands } : {}),
        buckets,
        ...(await s3For(input!)),
      });
    },
  },
  zonal: {
    usage: 'zonal <raster> <zones.geojson> [--band 1] [--crs "<PROJ definition>"]',
    async run(args) {
      const { values, positionals: list } = parse(args, {
        band: { type: 'string' },
        crs: { type: 'string' },
      });
      const [input, zonesPath] = positionals(list, ['raster', 'zones.geojson']);
      let zones: unknown;
      try {
        zones = JSON.parse(await readFile(zonesPath!, 'utf8'));
      } catch (error) {
        throw new UsageError(
          `${zonesPath!}: not readable JSON (${error instanceof Error ? error.message : String(error)})`,
        );
      }
      return zonalStatistics(input!, zones, {
        band: positiveInteger(values.band, 'band', 1),
        ...(typeof values.crs === 'string' ? { crs: values.crs } : {}),
        ...(await s3For(input!)),
      });
    },
  },
};
