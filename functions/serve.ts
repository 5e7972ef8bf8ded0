// Every function on one port, at /functions/v1/<name> as Supabase serves them, the OpenAPI
// document at /openapi.json and Prometheus metrics at /metrics: the local stack's and the tests'
// API server.
//   deno run -A serve.ts   (PORT, default 8000)
import { handleDatasets } from './supabase/functions/datasets/handler.ts';
import { handleHealth } from './supabase/functions/health/handler.ts';
import { handleInference } from './supabase/functions/inference/handler.ts';
import { handleJobEvents } from './supabase/functions/job-events/handler.ts';
import { handleJobs } from './supabase/functions/jobs/handler.ts';
import { edge } from './supabase/functions/_shared/edge.ts';
import { errorResponse, notFound } from './supabase/functions/_shared/http.ts';
import { exposition, observe } from './metrics.ts';

// Each behind the edge (header limit, CORS), as its own index.ts serves it on Supabase.
const FUNCTIONS: Record<string, (request: Request) => Promise<Response>> = {
  datasets: edge(handleDatasets),
  jobs: edge(handleJobs),
  'job-events': edge(handleJobEvents),
  inference: edge(handleInference),
  health: edge(handleHealth),
};

export function route(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === '/openapi.json') {
    return FUNCTIONS['health']!(
      new Request(new URL('/functions/v1/health/openapi.json', url), {
        method: request.method,
        headers: request.headers,
      }),
    );
  }
  if (url.pathname === '/metrics') {
    return Promise.resolve(
      new Response(exposition(), { headers: { 'content-type': 'text/plain; version=0.0.4' } }),
    );
  }
  const name = /^\/functions\/v1\/([^/]+)/.exec(url.pathname)?.[1];
  const handler = name ? FUNCTIONS[name] : undefined;
  if (!name || !handler)
    return Promise.resolve(errorResponse(notFound(`function ${name ?? url.pathname}`)));
  const started = performance.now();
  return handler(request).then((response) => {
    observe(name, request.method, response.status, (performance.now() - started) / 1000);
    return response;
  });
}

if (import.meta.main) {
  Deno.serve(
    { port: Number(Deno.env.get('PORT') ?? 8000), hostname: Deno.env.get('HOST') ?? '0.0.0.0' },
    route,
  );
}
