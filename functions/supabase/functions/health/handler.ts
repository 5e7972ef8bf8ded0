import { errorResponse, json, notFound } from '../_shared/http.ts';
import { openApiDocument } from '../_shared/openapi.ts';
import { segments } from '../_shared/route.ts';
import { getServices } from '../_shared/services.ts';

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000)),
    ]);
    return 'ok';
  } catch (error) {
    return `failing: ${(error as Error).message}`;
  }
}

/**
 * /health: 200 when the database, the bucket and model serving answer, 503 (naming what
 * fails) otherwise. /health/openapi.json: the API's OpenAPI 3.1 document. Neither needs a token.
 */
export async function handleHealth(request: Request): Promise<Response> {
  try {
    const [action, ...rest] = segments(request, 'health');
    if (rest.length > 0 || (action !== undefined && action !== 'openapi.json'))
      throw notFound('this path');
    if (action === 'openapi.json') return json(openApiDocument());
    const s = getServices();
    const checks = {
      database: await check(() => s.sql`select 1`),
      storage: await check(() => s.storage.ping()),
      model_serving: await check(async () => {
        const response = await fetch(
          `${s.config.MODEL_SERVING_URL.replace(/\/+$/, '')}/v1/models/landcover`,
          {
            signal: AbortSignal.timeout(3000),
            headers: s.config.MODEL_SERVING_AUTHORIZATION
              ? { authorization: s.config.MODEL_SERVING_AUTHORIZATION }
              : {},
          },
        );
        await response.body?.cancel();
        if (!response.ok) throw new Error(`status ${String(response.status)}`);
      }),
    };
    const ok = Object.values(checks).every((c) => c === 'ok');
    return json({ status: ok ? 'ok' : 'degraded', checks }, ok ? 200 : 503);
  } catch (error) {
    return errorResponse(error);
  }
}
