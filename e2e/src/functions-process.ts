import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { repositoryRoot } from './repository.js';

const ROOT = repositoryRoot();

/** The API (every Edge Function, functions/serve.ts) as a Deno process, as the local stack runs it. */
export class FunctionsProcess {
  static async start(env: Record<string, string>, port: number): Promise<FunctionsProcess> {
    const child = spawn(`${ROOT}node_modules/.bin/deno`, ['run', '-A', 'serve.ts'], {
      cwd: `${ROOT}functions`,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const api = new FunctionsProcess(child, `http://127.0.0.1:${String(port)}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`the functions exited (${String(child.exitCode)}): ${api.log}`);
      const answered = await fetch(`${api.url}/openapi.json`).then(
        (r) => r.ok,
        () => false,
      );
      if (answered) return api;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the functions did not answer within 60 s: ${api.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  log = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
  }

  /** The exit code, when it has exited on its own: a crash, whose log says why. */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await once(this.child, 'exit');
  }
}
