// Runs the functions' tests: starts the services (services.ts), applies Supabase's roles and the
// migrations, runs `deno test` over test/*.test.ts against them, and removes the containers
// whatever happens. With --results FILE it also writes the counts in vitest's JSON report shape,
// for the kit's closing line.
//   deno run -A test/run.ts [--results FILE] [deno test flags...]
import { startServices, stopServices } from './services.ts';

const root = new URL('..', import.meta.url).pathname;
const args = [...Deno.args];
const resultsAt = args.indexOf('--results');
const results = resultsAt >= 0 ? args.splice(resultsAt, 2)[1] : undefined;

async function sqlDirectory(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: 'harita-functions-sql-' });
  await Deno.chmod(dir, 0o755);
  const files = [`${root}postgres/supabase-roles.sql`];
  for await (const entry of Deno.readDir(`${root}supabase/migrations`)) {
    if (entry.name.endsWith('.sql')) files.push(`${root}supabase/migrations/${entry.name}`);
  }
  files.sort((a, b) =>
    a.includes('/postgres/') ? -1 : b.includes('/postgres/') ? 1 : a.localeCompare(b),
  );
  for (const [i, file] of files.entries()) {
    const target = `${dir}/${String(i).padStart(2, '0')}-${file.split('/').at(-1) ?? ''}`;
    await Deno.copyFile(file, target);
    await Deno.chmod(target, 0o644);
  }
  return dir;
}

let code = 1;
const stop = () => {
  void stopServices().finally(() => Deno.exit(130));
};
Deno.addSignalListener('SIGINT', stop);
Deno.addSignalListener('SIGTERM', stop);
const sql = await sqlDirectory();
try {
  const env = await startServices(sql);
  const child = new Deno.Command(Deno.execPath(), {
    args: ['test', '-A', '--no-prompt', ...args, 'test/'],
    cwd: root,
    // Plain text, so the summary line can be read.
    env: { ...env, NO_COLOR: '1' },
    stdout: 'piped',
    stderr: 'inherit',
  }).spawn();
  let output = '';
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    const text = decoder.decode(chunk);
    output += text;
    await Deno.stdout.write(chunk);
  }
  code = (await child.status).code;
  if (results) {
    const summary =
      /(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?(?: \| (\d+) ignored)?/.exec(
        output,
      );
    const passed = Number(summary?.[1] ?? 0);
    const failed = summary ? Number(summary[3]) : 1;
    await Deno.writeTextFile(
      results,
      JSON.stringify({
        numPassedTests: passed,
        numFailedTests: failed,
        numPendingTests: Number(summary?.[5] ?? 0),
        numTodoTests: 0,
        testResults: [],
      }),
    );
  }
} finally {
  await stopServices();
  await Deno.remove(sql, { recursive: true });
}
Deno.exit(code);
