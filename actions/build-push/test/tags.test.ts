import { describe, expect, it } from 'vitest';
import { buildArguments } from '../src/docker.js';
import { imageTags, ociLabels, registryOf } from '../src/tags.js';

const git = (ref: string) => ({
  sha: '0123456789abcdef0123456789abcdef01234567',
  ref,
  repository: 'harita/hive',
  serverUrl: 'https://github.com',
  defaultBranch: 'main',
});

describe('tags from git', () => {
  it('tags the default branch latest, and no other branch', () => {
    expect(imageTags(git('refs/heads/main'))).toEqual(['sha-0123456', 'main', 'latest']);
    expect(imageTags(git('refs/heads/feature/new-thing'))).toEqual([
      'sha-0123456',
      'feature-new-thing',
    ]);
  });

  it('tags a release 1.2.3, 1.2 and 1, and a prerelease only itself; never latest', () => {
    expect(imageTags(git('refs/tags/v1.2.3'))).toEqual(['sha-0123456', '1.2.3', '1.2', '1']);
    expect(imageTags(git('refs/tags/v2.0.0-rc.1'))).toEqual(['sha-0123456', '2.0.0-rc.1']);
    expect(imageTags(git('refs/tags/nightly'))).toEqual(['sha-0123456', 'nightly']);
  });

  it('tags a pull request pr-N, and adds extra tags once', () => {
    expect(imageTags(git('refs/pull/42/merge'), ['gpu', 'sha-0123456'])).toEqual([
      'sha-0123456',
      'pr-42',
      'gpu',
    ]);
  });

  it('labels the image with its source, revision, creation time and version', () => {
    const labels = ociLabels(
      git('refs/tags/v1.2.3'),
      ['sha-0123456', '1.2.3'],
      new Date('2026-11-29T00:00:00Z'),
      { team: 'geo' },
    );
    expect(labels).toEqual({
      'org.opencontainers.image.source': 'https://github.com/harita/hive',
      'org.opencontainers.image.revision': '0123456789abcdef0123456789abcdef01234567',
      'org.opencontainers.image.created': '2026-11-29T00:00:00.000Z',
      'org.opencontainers.image.version': '1.2.3',
      team: 'geo',
    });
  });

  it('finds the registry of an image name', () => {
    expect(registryOf('ghcr.io/owner/harita-worker')).toBe('ghcr.io');
    expect(registryOf('localhost:5000/x')).toBe('localhost:5000');
    expect(registryOf('owner/name')).toBe('docker.io');
  });
});

describe('the docker command line', () => {
  const plan = {
    image: 'ghcr.io/o/w',
    context: '.',
    file: 'worker/Dockerfile',
    target: 'runtime',
    tags: ['sha-1', 'main'],
    labels: { a: 'b' },
    buildArgs: ['MODEL=landcover'],
    platforms: 'linux/amd64,linux/arm64',
    cacheFrom: ['type=gha', 'ghcr.io/o/w:main'],
    cacheTo: ['type=gha,mode=max'],
    push: true,
    sbom: true,
    provenance: true,
  };

  it('with buildx: platforms, caches, metadata and --push', () => {
    expect(buildArguments(plan, true, '/tmp/m.json')).toEqual([
      'buildx',
      'build',
      '--file',
      'worker/Dockerfile',
      '--target',
      'runtime',
      '--tag',
      'ghcr.io/o/w:sha-1',
      '--tag',
      'ghcr.io/o/w:main',
      '--label',
      'a=b',
      '--build-arg',
      'MODEL=landcover',
      '--platform',
      'linux/amd64,linux/arm64',
      '--cache-from',
      'type=gha',
      '--cache-from',
      'ghcr.io/o/w:main',
      '--cache-to',
      'type=gha,mode=max',
      '--sbom=true',
      '--provenance=mode=max',
      '--metadata-file',
      '/tmp/m.json',
      '--push',
      '.',
    ]);
  });

  it('without buildx: what the legacy builder takes (image caches only, no push flag), leaving no failed container', () => {
    expect(buildArguments(plan, false)).toEqual([
      'build',
      '--file',
      'worker/Dockerfile',
      '--target',
      'runtime',
      '--tag',
      'ghcr.io/o/w:sha-1',
      '--tag',
      'ghcr.io/o/w:main',
      '--label',
      'a=b',
      '--build-arg',
      'MODEL=landcover',
      '--force-rm',
      '--cache-from',
      'ghcr.io/o/w:main',
      '.',
    ]);
  });
});
