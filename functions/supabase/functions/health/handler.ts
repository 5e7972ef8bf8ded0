import { errorResponse, json, notFound } from '../_shared/http.ts';
import { modelServing } from '../_shared/model-serving.ts';
import { openApiDocument } from '../_shared/openapi.ts';
import { segments } from '../_shared/route.ts';
import { getServices } from '../_shared/services.ts';

/** A dependency's state as /health reports it: a word, never the dependency's own text. */
type CheckState = 'ok' | 'no_answer' | 'failing';

const NO_ANSWER = 'no answer within 3 s';
const ACTIONS = ['ready', 'openapi.json'];

/** Runs one probe within 3 s; a failure's own text goes to the log only. */
async function check(name: string, probe: () => Promise<unknown>): Promise<CheckState> {
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(NO_ANSWER)), 3000)),
    ]);
    return 'ok';
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    console.error(
      JSON.stringify({ level: 'warn', msg: 'health check failing', check: name, detail }),
    );
    return detail === NO_ANSWER || (error as Error).name === 'TimeoutError'
      ? 'no_answer'
      : 'failing';
  }
}

/**
 * /health: 200 when the database, the bucket and model serving answer; otherwise 503 with code
 * `dependency_unavailable`, a message naming what fails, and each check's state (`ok`,
 * `no_answer`, `failing`), never a dependency's own error text. /health/ready: the same for the
 * database alone, which every endpoint needs, for a readiness probe: a pod taken out of its
 * Service because model serving is down would take every endpoint down with it.
 * /health/openapi.json: the API's OpenAPI 3.1 document. None needs a token.
 */
export async function handleHealth(request: Request): Promise<Response> {
  try {
    const [action, ...rest] = segments(request, 'health');
    if (rest.length > 0 || (action !== undefined && !ACTIONS.includes(action)))
      throw notFound('this path');
    if (action === 'openapi.json') return json(openApiDocument());
    const s = getServices();
    const database = await check('database', () => s.sql`select 1`);
    const checks =
      action === 'ready'
        ? { database }
        : {
            database,
            storage: await check('storage', () => s.storage.ping()),
            model_serving: await check('model_serving', () =>
              modelServing(s.config).status(
                s.config.HEALTH_MODEL,
                undefined,
                AbortSignal.timeout(3000),
              ),
            ),
          };
    const failing = Object.entries(checks)
      .filter(([, state]) => state !== 'ok')
      .map(([name]) => name.replace('_', ' '));
    if (failing.length === 0) return json({ status: 'ok', checks });
    return json(
      {
        status: 'degraded',
        code: 'dependency_unavailable',
        message: `${failing.join(', ')} ${failing.length > 1 ? 'are' : 'is'} unavailable`,
        checks,
      },
      503,
      { 'retry-after': '5' },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
