// Sums vitest's JSON reports into the one closing line CI reads: "tests: N passed, N failed".
// A test file that failed before any test ran (a hook, an import) counts as one failure.
import { readFileSync } from 'node:fs';

const reports = process.argv
  .slice(2)
  .map((file) => {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  })
  .filter(Boolean);

if (reports.length > 0) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const report of reports) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    for (const file of report.testResults) {
      const anyFailed = file.assertionResults.some((a) => a.status === 'failed');
      if (file.status === 'failed' && !anyFailed) failed += 1;
    }
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}
