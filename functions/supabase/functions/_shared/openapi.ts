import { JobEvent, JobResult, JobStatus, JobType } from '@harita/contracts';
import { z } from 'zod';
import { DatasetCreate } from '../datasets/handler.ts';
import { JobCreate } from '../jobs/handler.ts';

const schema = (type: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(type, { io, unrepresentable: 'any' });

const Dataset = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  name: z.string(),
  file: z.string(),
  content_type: z.string(),
  declared_bytes: z.string().describe('bytes declared at creation (an int8, as a string)'),
  status: z.enum(['pending', 'ready', 'rejected']),
  bytes: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  band_count: z.number().int().nullable(),
  data_type: z.string().nullable(),
  epsg: z.number().int().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const Job = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  type: JobType,
  params: z.record(z.string(), z.unknown()),
  priority: z.enum(['high', 'normal', 'low']),
  status: JobStatus,
  progress: z.number().int().min(0).max(100),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  results: z.array(
    z.intersection(
      JobResult,
      z.object({
        url: z.url().optional(),
        expires_at: z.string().optional(),
        error: z
          .object({ code: z.literal('result_unavailable'), message: z.string() })
          .optional()
          .describe(
            "instead of url: the stored key is outside the job's folder, so it is not signed",
          ),
      }),
    ),
  ),
  attempts: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

const ApiError = z.object({ code: z.string(), message: z.string() });
const page = (item: string) => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
    next_cursor: { type: ['string', 'null'] },
  },
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string) => ({
  required: true,
  content: { 'application/json': { schema: ref(name) } },
});
const answer = (description: string, name?: string) => ({
  description,
  ...(name ? { content: { 'application/json': { schema: ref(name) } } } : {}),
});
/** The headers of a raw tensor (application/octet-stream) in predict requests and answers. */
const header = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'header',
  description,
  schema,
});
const tensorHeaders = {
  request: [
    header('x-tensor-shape', 'raw body: its dims, comma-separated, e.g. 1,256,256,4'),
    header('x-tensor-dtype', 'raw body: its element type', {
      type: 'string',
      enum: ['float32', 'int32'],
      default: 'float32',
    }),
    header('x-signature-name', 'raw body: the signature to run', {
      type: 'string',
      default: 'serving_default',
    }),
    header('x-input-name', "raw body: the input it feeds (default: the signature's only one)"),
    header('x-output-name', "raw body: the output to answer (default: the signature's only one)"),
  ],
  response: {
    'x-tensor-shape': { description: 'raw answer: its dims', schema: { type: 'string' } },
    'x-tensor-dtype': { description: 'raw answer: float32 or int32', schema: { type: 'string' } },
    'x-output-name': { description: 'raw answer: the output it is', schema: { type: 'string' } },
  },
};
const errors = {
  '400': answer('malformed or invalid body', 'Error'),
  '401': answer(
    'missing, malformed, expired or wrongly signed token, no tenant in it, or a subject (sub) that is not a uuid',
    'Error',
  ),
  '404': answer('not found under your tenant', 'Error'),
  '422': answer(
    'unsupported_text: the body or a claim of the token holds text Postgres cannot store (a NUL, a lone UTF-16 surrogate); the message starts with the field',
    'Error',
  ),
};
const unregistered = answer('your tenant is not registered', 'Error');
const id = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
});
const paging = [
  {
    name: 'limit',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
  { name: 'cursor', in: 'query', schema: { type: 'string' } },
];
/** Submissions: rate limited per tenant, and idempotent under a key. */
const idempotencyKey = header(
  'Idempotency-Key',
  'a retry with the same key and body answers the first answer (same status and body, Idempotent-Replayed: true) and records nothing more; per tenant and endpoint (one key on POST /jobs and on POST /datasets is two submissions), kept a day; only a 2xx answer is kept; the key with another body is 422 idempotency_key_reused, a malformed one 400 invalid_idempotency_key',
  { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' },
);

/** The API's OpenAPI 3.1 document, its schemas generated from the zod schemas the code checks with. */
export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Harita Hive API',
      version: '0.1.0',
      description:
        "Datasets, jobs and inference for one tenant per token (Supabase JWT). A user token must carry exp and name JWT_AUDIENCE (default authenticated) in aud, and JWT_ISSUER in iss when that is set (401 otherwise). Ids are read in either case and answered in lower case. Every endpoint answers 431 headers_too_large past MAX_HEADER_BYTES of request headers, and the browser origins in CORS_ALLOWED_ORIGINS get CORS preflights (204; another origin's preflight is 403 origin_not_allowed) and Access-Control-Allow-Origin.",
    },
    servers: [{ url: '/functions/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        DatasetCreate: schema(DatasetCreate, 'input'),
        Dataset: schema(Dataset),
        DatasetPage: page('Dataset'),
        JobCreate: schema(JobCreate, 'input'),
        Job: schema(Job),
        JobPage: page('Job'),
        JobEvent: schema(JobEvent),
        Error: schema(ApiError),
      },
    },
    paths: {
      '/datasets': {
        post: {
          summary: 'Create a dataset and a single-use presigned upload URL',
          parameters: [idempotencyKey],
          requestBody: body('DatasetCreate'),
          responses: {
            '201': answer('the dataset and its upload (method, url, headers, expires_at)'),
            '403': unregistered,
            '413': answer(
              "over the upload limit, or alone over your tenant's pending bytes (max_pending_bytes)",
              'Error',
            ),
            '409': answer(
              'idempotency_key_in_progress: the first request under the key is still running (Retry-After)',
              'Error',
            ),
            '429': answer(
              "pending_uploads_limit: your tenant's pending uploads (max_pending_datasets) or their declared bytes (max_pending_bytes) are at their cap; or rate_limited (Retry-After)",
              'Error',
            ),
            ...errors,
          },
        },
        get: {
          summary: "List your tenant's datasets",
          parameters: [
            ...paging,
            {
              name: 'status',
              in: 'query',
              schema: { type: 'string', enum: ['pending', 'ready', 'rejected'] },
            },
          ],
          responses: { '200': answer('a page', 'DatasetPage'), ...errors },
        },
      },
      '/datasets/sweep': {
        post: {
          summary:
            'Reject uploads not completed in time and remove expired staging uploads (service role only; for a scheduler)',
          responses: {
            '200': answer('what it did: {abandoned, staging_removed, keys_expired}'),
            '403': answer('not the service role', 'Error'),
            '401': errors['401'],
          },
        },
      },
      '/datasets/{id}': {
        get: {
          summary: 'Read a dataset',
          parameters: [id('id')],
          responses: { '200': answer('the dataset', 'Dataset'), ...errors },
        },
      },
      '/datasets/{id}/complete': {
        post: {
          summary: "Validate the upload's raster header and record it",
          parameters: [id('id')],
          responses: {
            '200': answer('ready', 'Dataset'),
            '409': answer(
              'not uploaded, not pending, completion_in_progress, or upload_changed during the copy',
              'Error',
            ),
            '410': answer(
              "upload_expired: not completed within an hour of its URL's expiry; rejected",
              'Error',
            ),
            ...errors,
            '422': answer('not a GeoTIFF this platform reads: rejected and removed', 'Error'),
          },
        },
      },
      '/jobs': {
        post: {
          summary: 'Create and enqueue a job',
          parameters: [idempotencyKey],
          requestBody: body('JobCreate'),
          responses: {
            '201': answer('the job', 'Job'),
            '403': unregistered,
            '409': answer(
              'its dataset is not ready, or idempotency_key_in_progress (Retry-After)',
              'Error',
            ),
            '429': answer(
              "quota_exceeded: past your tenant's queued-job quota, or rate_limited: past its submissions a minute (Retry-After)",
              'Error',
            ),
            ...errors,
            '422': answer(
              "what the API can know is wrong, the message starting with the field: band_out_of_range (a band past the dataset's band count), invalid_expression (band maths the engine's parser refuses, or a band it reads and bands does not name), unknown_model (model or model_version not served), model_input_mismatch (the model breaks the segmentation contract or takes other bands), unsupported_text (NUL, lone surrogates), idempotency_key_reused (the key with another body)",
              'Error',
            ),
          },
        },
        get: {
          summary: "List your tenant's jobs",
          parameters: [
            ...paging,
            {
              name: 'status',
              in: 'query',
              schema: { type: 'string', enum: [...JobStatus.options] },
            },
            { name: 'type', in: 'query', schema: { type: 'string', enum: [...JobType.options] } },
          ],
          responses: { '200': answer('a page', 'JobPage'), ...errors },
        },
      },
      '/jobs/{id}': {
        get: {
          summary:
            "Read a job, with presigned result URLs that expire (a result whose stored key is outside the job's folder carries error result_unavailable instead of a url)",
          parameters: [id('id')],
          responses: { '200': answer('the job', 'Job'), ...errors },
        },
      },
      '/jobs/{id}/cancel': {
        post: {
          summary: 'Cancel a queued or running job',
          parameters: [id('id')],
          responses: {
            '202': answer('canceled', 'Job'),
            '409': answer('it has already ended', 'Error'),
            ...errors,
          },
        },
      },
      '/job-events': {
        post: {
          summary: "The worker's job events (service role only)",
          requestBody: body('JobEvent'),
          responses: {
            '200': answer('{"applied": boolean}: false for a repeated or stale event'),
            '403': answer('not the service role', 'Error'),
            '409': answer("the job is not the named tenant's", 'Error'),
            ...errors,
            '422': answer(
              "result_key_outside_job: a result key outside tenants/{tenant}/jobs/{job}/ (another job's or tenant's, a .. or . segment, //, a leading /, a backslash)",
              'Error',
            ),
          },
        },
      },
      '/inference/models/{model}': {
        get: {
          summary: "A model's status (TF Serving's GetModelStatus)",
          parameters: [{ name: 'model', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': answer('the status'),
            '403': answer('your tenant is not registered', 'Error'),
            ...errors,
          },
        },
      },
      '/inference/models/{model}/metadata': {
        get: {
          summary: "A model's signatures",
          parameters: [{ name: 'model', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': answer('the metadata'),
            '403': answer('your tenant is not registered', 'Error'),
            ...errors,
          },
        },
      },
      '/inference/models/{model}/predict': {
        post: {
          summary:
            'Synchronous inference on a small input: a TF Serving predict body (JSON), or one raw tensor',
          description:
            "JSON in, JSON out, as TF Serving's REST :predict. A raw tensor (application/octet-stream: its elements row-major, little-endian, shape in x-tensor-shape) is answered as one raw output tensor the same way.",
          parameters: [
            { name: 'model', in: 'path', required: true, schema: { type: 'string' } },
            ...tensorHeaders.request,
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  description:
                    "TF Serving's predict body: instances (row form) or inputs (columnar)",
                  properties: {
                    signature_name: { type: 'string', default: 'serving_default' },
                    instances: { type: 'array' },
                    inputs: {},
                  },
                },
              },
              'application/octet-stream': {
                schema: { type: 'string', format: 'binary' },
              },
            },
          },
          responses: {
            '200': {
              description:
                'JSON: predictions (row requests) or outputs (columnar). Raw: the output tensor, described by the x-tensor-* headers.',
              headers: tensorHeaders.response,
              content: {
                'application/json': { schema: { type: 'object' } },
                'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              },
            },
            '403': answer('your tenant is not registered', 'Error'),
            '413': answer('over the synchronous limit: submit an inference job', 'Error'),
            '503': answer('model serving did not answer', 'Error'),
            ...errors,
            '422': answer(
              "invalid_input_shape: an input does not fit the shape the model's signature declares (-1: any size), is ragged, or holds other than numbers; too_many_instances: over SYNC_INFERENCE_MAX_INSTANCES",
              'Error',
            ),
          },
        },
      },
      '/health': {
        get: {
          summary: 'Liveness and what the API depends on',
          security: [],
          responses: {
            '200': answer('everything answers: {status: ok, checks}'),
            '503': answer(
              "something does not: {status: degraded, code: dependency_unavailable, message naming it, checks: each ok, no_answer or failing}; never the dependency's own error text",
            ),
          },
        },
      },
      '/health/ready': {
        get: {
          summary: 'Readiness: the database, which every endpoint needs, answers',
          security: [],
          responses: {
            '200': answer('{status: ok, checks: {database: ok}}'),
            '503': answer('{status: degraded, code: dependency_unavailable, message, checks}'),
          },
        },
      },
    },
  };
}
