import * as core from '@actions/core';

/** Every input, parsed and checked in one place. */
export interface Inputs {
  savedModel: string;
  model: string;
  servingUrl: string;
  sample: string;
  bands: number[];
  scale: number;
  halo: number;
  batchSize: number;
}

export function readInputs(): Inputs {
  const number = (name: string, fallback: string) => {
    const value = Number(core.getInput(name) || fallback);
    if (!Number.isFinite(value))
      throw new Error(`${name}: "${core.getInput(name)}" is not a number`);
    return value;
  };
  const bands = (core.getInput('bands') || '1,2,3,4').split(',').map((b) => Number(b.trim()));
  if (bands.some((b) => !Number.isInteger(b) || b < 1))
    throw new Error('bands: a comma-separated list of 1-based band numbers');
  return {
    savedModel: core.getInput('saved-model', { required: true }),
    model: core.getInput('model') || 'landcover',
    servingUrl: core.getInput('serving-url', { required: true }),
    sample: core.getInput('sample'),
    bands,
    scale: number('scale', '0.0001'),
    halo: number('halo', '16'),
    batchSize: number('batch-size', '4'),
  };
}
