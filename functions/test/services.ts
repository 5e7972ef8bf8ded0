// The real services the functions' tests run against, as containers on this machine's engine:
// Postgres (Supabase's roles and the migrations applied), the object store and model
// serving, each from its image variable. Labelled as the e2e suites label theirs, so a run
// that dies is cleaned up by the next.
import { AwsClient } from 'aws4fetch';

export interface Started {
  id: string;
  url: string;
}

const RUN = crypto.randomUUID();
const LABELS = [
  'dev.harita.e2e=true',
  `dev.harita.e2e.run=${RUN}`,
  `dev.harita.e2e.owner-pid=${String(Deno.pid)}`,
];
const started: string[] = [];

async function docker(...args: string[]): Promise<string> {
  const output = await new Deno.Command('docker', {
    args,
    stdout: 'piped',
    stderr: 'piped',
  }).output();
  if (!output.success)
    throw new Error(`docker ${args[0] ?? ''}: ${new TextDecoder().decode(output.stderr).trim()}`);
  return new TextDecoder().decode(output.stdout).trim();
}

async function run(
  image: string,
  port: number,
  options: string[],
  command: string[] = [],
): Promise<Started> {
  const id = await docker(
    'run',
    '-d',
    ...LABELS.flatMap((l) => ['--label', l]),
    '-p',
    `127.0.0.1::${String(port)}`,
    ...options,
    image,
    ...command,
  );
  started.push(id);
  const mapped = (await docker('port', id, `${String(port)}/tcp`)).split('\n')[0] ?? '';
  return { id, url: `127.0.0.1:${mapped.split(':').at(-1) ?? ''}` };
}

async function until(what: string, probe: () => Promise<boolean>, seconds = 90): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} was not ready within ${String(seconds)} s`);
}

/** The image a variable names: as set, else the public image compose/images.tsv pins for it. */
function image(variable: string): string {
  const chosen = Deno.env.get(variable);
  if (chosen) return chosen;
  const table = Deno.readTextFileSync(new URL('../../compose/images.tsv', import.meta.url));
  const row = table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([name]) => name === variable);
  if (!row?.[1]) throw new Error(`compose/images.tsv has no row for ${variable}`);
  return row[1];
}

export const CREDENTIALS = {
  postgresPassword: 'functions-test-postgres',
  accessKey: 'functions-test-access',
  secretKey: 'functions-test-secret-key',
  bucket: 'harita',
};

/** Starts every service and returns the environment the functions take. */
export async function startServices(sqlDir: string): Promise<Record<string, string>> {
  const [postgres, store, models] = await Promise.all([
    run(image('POSTGRES_IMAGE'), 5432, [
      '-e',
      'POSTGRES_USER=postgres',
      '-e',
      `POSTGRES_PASSWORD=${CREDENTIALS.postgresPassword}`,
      '-e',
      'POSTGRES_DB=harita',
      '-v',
      `${sqlDir}:/docker-entrypoint-initdb.d:ro`,
    ]),
    run(
      image('OBJECT_STORE_IMAGE'),
      9000,
      [
        '-e',
        `MINIO_ROOT_USER=${CREDENTIALS.accessKey}`,
        '-e',
        `MINIO_ROOT_PASSWORD=${CREDENTIALS.secretKey}`,
      ],
      ['server', '/data'],
    ),
    run(Deno.env.get('MODEL_SERVING_IMAGE') || 'harita/model-serving:dev', 8501, []),
  ]);
  // During its init scripts Postgres listens on its socket only: TCP answers once they are done.
  await until('Postgres', () =>
    docker('exec', postgres.id, 'pg_isready', '-q', '-h', '127.0.0.1', '-U', 'postgres').then(
      () => true,
    ),
  );
  const s3 = new AwsClient({
    accessKeyId: CREDENTIALS.accessKey,
    secretAccessKey: CREDENTIALS.secretKey,
    region: 'us-east-1',
    service: 's3',
  });
  await until('the object store', async () => {
    const response = await s3.fetch(`http://${store.url}/${CREDENTIALS.bucket}`, { method: 'PUT' });
    await response.body?.cancel();
    return response.ok || response.status === 409;
  });
  await until('model serving', async () =>
    (await (await fetch(`http://${models.url}/v1/models/landcover`)).text()).includes('AVAILABLE'),
  );
  return {
    DATABASE_ADMIN_URL: `postgres://postgres:${CREDENTIALS.postgresPassword}@${postgres.url}/harita`,
    SUPABASE_DB_URL: `postgres://postgres:${CREDENTIALS.postgresPassword}@${postgres.url}/harita`,
    S3_ENDPOINT: `http://${store.url}`,
    S3_BUCKET: CREDENTIALS.bucket,
    S3_ACCESS_KEY_ID: CREDENTIALS.accessKey,
    S3_SECRET_ACCESS_KEY: CREDENTIALS.secretKey,
    MODEL_SERVING_URL: `http://${models.url}`,
    MODEL_SERVING_CONTAINER: models.id,
  };
}

export async function stopServices(): Promise<void> {
  if (started.length > 0)
    await docker('rm', '-f', '-v', ...started.splice(0)).catch(() => undefined);
}
