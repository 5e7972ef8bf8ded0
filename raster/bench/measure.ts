import { spawn } from 'node:child_process';

export interface Measurement {
  seconds: number;
  peakRssMb: number;
}

/** Runs a command under GNU time: its wall time and its peak resident set (threads included). */
export function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'harita-bench %e %M', command, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = /harita-bench ([\d.]+) (\d+)/.exec(stderr);
      if (code !== 0 || !line) {
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${String(code)}):\n${stderr.slice(-2000)}`,
          ),
        );
        return;
      }
      resolve({ seconds: Number(line[1]), peakRssMb: Number(line[2]) / 1024 });
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
