/** What the demo needs of the stack, from the variables `./kit up` passes (compose/.env). */
export interface DemoEnvironment {
  apiUrl: string;
  jwtSecret: string;
  databaseUrl: string;
  outputDir: string;
  links: { grafana: string | null; prometheus: string | null };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`demo: ${name} is not set (./kit up sets it)`);
  return value;
}

export function demoEnvironment(): DemoEnvironment {
  return {
    apiUrl: required('API_URL').replace(/\/+$/, ''),
    jwtSecret: required('JWT_SECRET'),
    databaseUrl: required('DATABASE_URL'),
    outputDir: process.env['DEMO_OUTPUT_DIR'] ?? 'demo-output',
    links: {
      grafana: process.env['GRAFANA_URL'] || null,
      prometheus: process.env['PROMETHEUS_URL'] || null,
    },
  };
}
