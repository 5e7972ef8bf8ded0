import * as core from '@actions/core';
import { parseImagePins } from './pin-images.js';

/** Every input, parsed and checked in one place. */
export interface Inputs {
  overlay: string;
  images: Map<string, string>;
  namespace: string;
  dryRun: boolean;
  diff: boolean;
  fieldManager: string;
  timeoutSeconds: number;
  kubectl: string;
}

export function readInputs(): Inputs {
  const timeout = core.getInput('timeout') || '300s';
  const seconds = /^(\d+)s?$/.exec(timeout)?.[1];
  if (!seconds || Number(seconds) < 1)
    throw new Error(`timeout: "${timeout}" is not a number of seconds, e.g. 300s`);
  return {
    overlay: core.getInput('overlay', { required: true }),
    images: parseImagePins(core.getMultilineInput('images')),
    namespace: core.getInput('namespace'),
    dryRun: core.getBooleanInput('dry-run'),
    diff: core.getBooleanInput('diff'),
    fieldManager: core.getInput('field-manager') || 'harita-deploy-k8s',
    timeoutSeconds: Number(seconds),
    kubectl: core.getInput('kubectl') || 'kubectl',
  };
}
