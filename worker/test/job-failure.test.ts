import { InvalidObjectKeyError } from '@harita/contracts';
import * as raster from '@harita/raster';
import { describe, expect, it } from 'vitest';
import { JobFailure, toJobFailure } from '../src/job-failure.js';

type ErrorClass = (new (message: string) => Error) & {
  job?: { code: string; permanent: boolean };
};

/** Every error class the raster engine exports. */
const engineErrors = Object.entries(raster as Record<string, unknown>).filter(
  (entry): entry is [string, ErrorClass] =>
    typeof entry[1] === 'function' &&
    (entry[1] as { prototype?: unknown }).prototype instanceof Error,
);

describe('a failure is coded by the kind its error class declares', () => {
  it("finds the engine's error classes", () => {
    expect(engineErrors.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'AccessDeniedError',
        'ChipLayoutError',
        'CogOptionsError',
        'CorruptBlockError',
        'ExpressionError',
        'InvalidRasterError',
        'InvalidZonesError',
        'MissingBandError',
        'ModelAnswerError',
        'ObjectNotFoundError',
        'SourceRangeError',
        'StorageUnavailableError',
        'UnsupportedCrsError',
        'UnsupportedRasterError',
      ]),
    );
  });

  it.each(engineErrors)(
    '%s declares its code and permanence, and the worker maps it by that',
    (_name, type) => {
      const declared = type.job;
      expect(declared).toBeDefined();
      const failure = toJobFailure(new type('what went wrong'), false);
      expect(failure).toMatchObject({ ...declared, message: 'what went wrong' });
      expect(failure.code).not.toBe('internal');
    },
  );

  it('bad chip layouts and COG options are permanent invalid_params, not retried as internal', () => {
    expect(toJobFailure(new raster.ChipLayoutError('halo'), false)).toMatchObject({
      code: 'invalid_params',
      permanent: true,
    });
    expect(toJobFailure(new raster.CogOptionsError('level'), false)).toMatchObject({
      code: 'invalid_params',
      permanent: true,
    });
  });

  it('storage trouble is retried; a wrong model answer and a forbidden key are not', () => {
    expect(toJobFailure(new raster.StorageUnavailableError('down'), false).permanent).toBe(false);
    expect(toJobFailure(new raster.ModelAnswerError('shape'), false)).toMatchObject({
      code: 'model_error',
      permanent: true,
    });
    expect(toJobFailure(new InvalidObjectKeyError('../x'), false)).toMatchObject({
      code: 'forbidden_key',
      permanent: true,
    });
  });

  it('anything undeclared is internal and retried; cancellation and JobFailures pass through', () => {
    expect(toJobFailure(new TypeError('bug'), false)).toMatchObject({
      code: 'internal',
      permanent: false,
    });
    expect(toJobFailure('a string', false).code).toBe('internal');
    expect(toJobFailure(new raster.ChipLayoutError('x'), true).code).toBe('canceled');
    const own = new JobFailure('model_unavailable', 'down', false);
    expect(toJobFailure(own, false)).toBe(own);
  });
});
