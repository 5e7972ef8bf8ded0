/** The job summary: the image by digest and its tags, as a Markdown table. */
export function summaryMarkdown(
  image: string,
  digest: string,
  tags: string[],
  pushed: boolean,
): string {
  const rows = tags.map((tag) => `| \`${image}:${tag}\` |`).join('\n');
  return [
    `### ${pushed ? 'Pushed' : 'Built'} \`${image}\``,
    '',
    `Digest: \`${digest}\``,
    '',
    pushed ? `By digest: \`${image}@${digest}\`` : 'Not pushed (push: false).',
    '',
    '| tag |',
    '| --- |',
    rows,
    '',
  ].join('\n');
}
