import { RestModelServing } from '@harita/model-serving/client/rest';
import type { Config } from './config.ts';

let client: RestModelServing | undefined;

/**
 * The API's model-serving client, one per isolate: TF Serving's REST API (Supabase's Edge runtime
 * has no HTTP/2 client for gRPC), one try within the synchronous deadline, with model serving's
 * edge credential when it has one.
 */
export function modelServing(config: Config): RestModelServing {
  client ??= new RestModelServing({
    baseUrl: config.MODEL_SERVING_URL,
    timeoutMs: config.SYNC_INFERENCE_TIMEOUT_SECONDS * 1000,
    retries: 0,
    backoffMs: 0,
    ...(config.MODEL_SERVING_AUTHORIZATION
      ? { authorization: config.MODEL_SERVING_AUTHORIZATION }
      : {}),
  });
  return client;
}
