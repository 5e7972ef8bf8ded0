import type { DeployOutcome } from './deploy.js';

const fence = (text: string) => ['```', text.trim(), '```'].join('\n');

/** The job summary: what was deployed at which revision, or why it was rolled back. */
export function summaryMarkdown(overlay: string, outcome: DeployOutcome): string {
  const lines = [`### deploy-k8s: \`${overlay}\``, ''];
  if (outcome.kind === 'dry-run') lines.push('Server-side dry run only: nothing was applied.', '');
  if (outcome.kind === 'deployed') {
    lines.push('| Deployment | revision |', '| --- | --- |');
    for (const [name, revision] of Object.entries(outcome.revisions))
      lines.push(`| \`${name}\` | ${revision} |`);
    lines.push('');
  }
  if (outcome.kind === 'rolled-back') {
    lines.push(
      `**The rollout of \`${outcome.failed}\` failed; every Deployment was rolled back to its previous revision.**`,
      '',
      fence(outcome.reason),
      '',
    );
  }
  if (outcome.diff !== null)
    lines.push(
      '<details><summary>diff</summary>',
      '',
      fence(outcome.diff || '(no changes)'),
      '',
      '</details>',
      '',
    );
  return lines.join('\n');
}
