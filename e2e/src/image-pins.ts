import type { ServiceImage } from './images.js';

/** A copy of a pinned image that does not follow compose/images.tsv. */
export interface PinFinding {
  file: string;
  /** 1-based. */
  line: number;
  found: string;
  /** What is wrong, and what the table says. */
  problem: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The places in one file where a pinned image is copied wrongly: a compose default
 * (`${VAR:-image}`) or a Dockerfile `ARG VAR=image` that differs from the table's public image
 * for VAR; a reference to a pinned repository with another tag, or used as an image with none;
 * and an exact pin in code other than a compose default or an ARG default, where code must read
 * the table instead of copying it (Markdown and comments may name the pin).
 */
export function pinFindings(file: string, text: string, table: ServiceImage[]): PinFinding[] {
  const findings: PinFinding[] = [];
  const byVariable = new Map(table.map((row) => [row.variable, row.publicImage]));
  const tagsByRepository = new Map<string, Set<string>>();
  for (const row of table) {
    const at = row.publicImage.lastIndexOf(':');
    const repository = row.publicImage.slice(0, at);
    const tags = tagsByRepository.get(repository) ?? new Set<string>();
    tags.add(row.publicImage.slice(at + 1));
    tagsByRepository.set(repository, tags);
  }
  const isMarkdown = file.endsWith('.md');
  text.split('\n').forEach((content, index) => {
    const line = index + 1;
    const isComment = /^\s*(#|\/\/|\*|\/\*)/.test(content);
    // Spans of this line that are checked copies (compose and ARG defaults).
    const copies: [number, number][] = [];
    for (const match of content.matchAll(
      /\$\{([A-Z0-9_]+):-([^}]*)\}|^\s*ARG\s+([A-Z0-9_]+)=(\S+)/g,
    )) {
      const variable = match[1] ?? match[3] ?? '';
      const value = match[2] ?? match[4] ?? '';
      const pinned = byVariable.get(variable);
      // `${VAR:-}` asks whether VAR is set, `${VAR:-$(...)}` falls back to something computed:
      // neither copies an image.
      if (pinned === undefined || value === '' || value.startsWith('$')) continue;
      copies.push([match.index, match.index + match[0].length]);
      if (value !== pinned)
        findings.push({
          file,
          line,
          found: value,
          problem: `${variable} is ${pinned} in the table`,
        });
    }
    for (const [repository, tags] of tagsByRepository) {
      // A bare name (redis, node) is an image only with a version tag (`node:fs` is a module);
      // a path (prom/prometheus) is one either way.
      const bare = !repository.includes('/');
      // Docker Hub's full names (docker.io/library/redis) are the same images.
      const pattern = new RegExp(
        `(?<![\\w./-])(?:docker\\.io/(?:library/)?)?${escape(repository)}(?::(\\w[\\w.-]*))?(?![\\w/-]|\\.\\w)`,
        'g',
      );
      for (const match of content.matchAll(pattern)) {
        const tag = match[1];
        if (bare && (tag === undefined || !/^(\d|latest$)/.test(tag))) continue;
        // Untagged, a path is an image where code uses it as one (quoted, or after image: or
        // FROM); elsewhere it is prose naming the project.
        const before = content.slice(0, match.index);
        const after = content.slice(match.index + match[0].length);
        if (
          tag === undefined &&
          !(/['"]$/.test(before) && /^['"]/.test(after)) &&
          !/(image:\s*|FROM\s+)$/.test(before)
        )
          continue;
        const inCopy = copies.some(([from, to]) => match.index >= from && match.index < to);
        const expected = [...tags].map((t) => `${repository}:${t}`).join(' or ');
        if (tag === undefined || !tags.has(tag)) {
          if (!inCopy)
            findings.push({ file, line, found: match[0], problem: `the table pins ${expected}` });
        } else if (!inCopy && !isMarkdown && !isComment) {
          findings.push({
            file,
            line,
            found: match[0],
            problem: 'a copy of the pin: read compose/images.tsv instead',
          });
        }
      }
    }
  });
  return findings;
}
