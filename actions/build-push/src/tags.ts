import type { GitContext } from './git-context.js';

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** A branch or ref name as an image tag: [A-Za-z0-9_.-], at most 128 characters. */
function sanitize(name: string): string {
  return name
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
}

/**
 * The tags of an image built for this commit: `sha-<7>` always; the branch's name on a branch;
 * on a semver tag `1.2.3`, `1.2` and `1` (only `1.2.3-rc.1` for a prerelease); `latest` on the
 * default branch only; `pr-<n>` on a pull request. Extra tags are added as given.
 */
export function imageTags(git: GitContext, extra: string[] = []): string[] {
  const tags = [`sha-${git.sha.slice(0, 7)}`];
  const branch = /^refs\/heads\/(.+)$/.exec(git.ref)?.[1];
  const tag = /^refs\/tags\/(.+)$/.exec(git.ref)?.[1];
  const pull = /^refs\/pull\/(\d+)\//.exec(git.ref)?.[1];
  if (branch) {
    tags.push(sanitize(branch));
    if (branch === git.defaultBranch) tags.push('latest');
  } else if (tag) {
    const semver = SEMVER.exec(tag);
    if (semver) {
      const [, major, minor, patch, prerelease] = semver;
      tags.push(
        prerelease ? `${major}.${minor}.${patch}-${prerelease}` : `${major}.${minor}.${patch}`,
      );
      if (!prerelease) tags.push(`${major}.${minor}`, `${major}`);
    } else {
      tags.push(sanitize(tag));
    }
  } else if (pull) {
    tags.push(`pr-${pull}`);
  }
  for (const more of extra) if (!tags.includes(more)) tags.push(more);
  return tags;
}

/** The OCI annotations GitHub and registries show: source, revision, creation time, version. */
export function ociLabels(
  git: GitContext,
  tags: string[],
  created: Date,
  extra: Record<string, string> = {},
): Record<string, string> {
  const version = tags.find((t) => /^\d+\.\d+\.\d+/.test(t)) ?? tags[1] ?? tags[0] ?? '';
  return {
    'org.opencontainers.image.source': `${git.serverUrl}/${git.repository}`,
    'org.opencontainers.image.revision': git.sha,
    'org.opencontainers.image.created': created.toISOString(),
    'org.opencontainers.image.version': version,
    ...extra,
  };
}

/** The registry host of an image name (docker.io when the name has none). */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
}
