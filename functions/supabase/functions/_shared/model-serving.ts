import {
  RestModelServing,
  type ModelMetadata,
  type ModelServing,
} from '@harita/model-serving/client/rest';
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

/** How long a model's metadata is trusted before it is read again, in seconds. */
const METADATA_SECONDS = 30;
const metadataCache = new Map<string, { until: number; metadata: Promise<ModelMetadata> }>();

/**
 * The model's metadata (TF Serving's GetModelMetadata), read at most every 30 s per model and
 * version and isolate: synchronous inference and POST /jobs both ask for it on every call.
 * @throws ModelServingError as the client's metadata call throws it (a failure is not kept)
 */
export function modelMetadata(
  client: ModelServing,
  model: string,
  version: number | undefined,
  signal: AbortSignal,
): Promise<ModelMetadata> {
  const key = `${model}@${String(version ?? 'latest')}`;
  const cached = metadataCache.get(key);
  if (cached && cached.until > Date.now()) return cached.metadata;
  const metadata = client.metadata(model, version, signal);
  metadataCache.set(key, { until: Date.now() + METADATA_SECONDS * 1000, metadata });
  metadata.catch(() => metadataCache.delete(key));
  return metadata;
}
