import type { Tensor } from '../wire/tensor.ts';
import type { ModelMetadata, ModelVersionState, Signature } from './metadata.ts';
import type { RetryPolicy } from './retry.ts';

/** A predict call: the model, its version (the newest when undefined) and signature, the inputs by key. */
export interface PredictCall {
  model: string;
  version: number | undefined;
  signatureName: string;
  /** The signature as the model's metadata reports it: REST answers need its outputs' dtypes. */
  signature: Signature;
  inputs: Record<string, Tensor>;
}

/** How each request went, for a latency histogram: seconds per try, by outcome. */
export type Observe = (
  model: string,
  outcome: 'ok' | 'rejected' | 'unavailable',
  seconds: number,
) => void;

/** What every client is given. */
export interface ClientOptions extends RetryPolicy {
  /** Each try's deadline in ms. */
  timeoutMs: number;
  observe?: Observe;
}

/**
 * A TensorFlow Serving client over one of its APIs (gRPC or REST), and nothing beyond TF
 * Serving's API, so TF Serving and the kit's TF.js server are interchangeable. Every call has a
 * deadline and is retried with back-off while the server is unreachable or overloaded.
 * Failures are ModelServingErrors.
 */
export interface ModelServing {
  readonly protocol: 'grpc' | 'rest';
  /** GetModelStatus: the state of each version (or of the one asked for). */
  status(
    model: string,
    version: number | undefined,
    signal: AbortSignal,
  ): Promise<ModelVersionState[]>;
  /** GetModelMetadata: the signatures the version serves. */
  metadata(model: string, version: number | undefined, signal: AbortSignal): Promise<ModelMetadata>;
  /** Predict: the signature's outputs by key. */
  predict(call: PredictCall, signal: AbortSignal): Promise<Record<string, Tensor>>;
  /** Closes connections; calls made afterwards fail. */
  close(): void;
}
