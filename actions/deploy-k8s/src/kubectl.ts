import * as exec from '@actions/exec';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** kubectl, run as the runner runs commands: echoed in the log, its output kept. */
export class Kubectl {
  constructor(private readonly command: string) {}

  async run(args: string[], quiet = false): Promise<Result> {
    const result = await exec.getExecOutput(this.command, args, {
      ignoreReturnCode: true,
      silent: quiet,
    });
    return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  async must(args: string[], what: string): Promise<string> {
    const result = await this.run(args);
    if (result.code !== 0)
      throw new Error(`${what} failed: ${(result.stderr || result.stdout).trim()}`);
    return result.stdout;
  }

  /** A Deployment's current revision, or '' when it does not exist yet. */
  async revision(namespace: string, name: string): Promise<string> {
    const result = await this.run(
      [
        '-n',
        namespace,
        'get',
        'deployment',
        name,
        '-o',
        'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}',
      ],
      true,
    );
    return result.code === 0 ? result.stdout.trim() : '';
  }
}
