import { createModelServing, type ModelServing, type Observe } from '@harita/model-serving/client';
import type { Config } from '../config.js';

export type { ModelServing as ModelServingClient } from '@harita/model-serving/client';

/**
 * The worker's model-serving client: gRPC or REST as MODEL_SERVING_PROTOCOL says, with the
 * configured deadline and retries; `observe` feeds harita_inference_request_duration_seconds.
 */
export function modelServingClient(config: Config, observe: Observe): ModelServing {
  return createModelServing(
    {
      protocol: config.MODEL_SERVING_PROTOCOL,
      restUrl: config.MODEL_SERVING_URL,
      grpcPort: config.MODEL_SERVING_GRPC_PORT,
    },
    {
      timeoutMs: config.MODEL_REQUEST_TIMEOUT_SECONDS * 1000,
      retries: config.MODEL_REQUEST_RETRIES,
      backoffMs: 500,
      observe,
    },
  );
}
