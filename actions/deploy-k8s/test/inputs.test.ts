import { describe, expect, it, vi } from 'vitest';
import { parseImagePins, pinImages } from '../src/pin-images.js';

// The runner's core module mocked: the inputs as the runner would hand them over.
const inputs = vi.hoisted((): { values: Record<string, string> } => ({ values: {} }));
vi.mock('@actions/core', () => ({
  getInput: (name: string, options?: { required?: boolean }) => {
    const value = inputs.values[name] ?? '';
    if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
    return value;
  },
  getMultilineInput: (name: string) => (inputs.values[name] ?? '').split('\n').filter(Boolean),
  getBooleanInput: (name: string) => (inputs.values[name] ?? 'false') === 'true',
}));

const DIGEST = `sha256:${'d'.repeat(64)}`;
const RENDERED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: w
  namespace: n
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: ghcr.io/o/w:0.1.0
      containers:
        - name: w
          image: ghcr.io/o/w:0.1.0
        - name: sidecar
          image: ghcr.io/o/other:1
---
apiVersion: v1
kind: Service
metadata:
  name: s
`;

describe('deploy-k8s inputs', () => {
  it('reads the overlay, the pins, the flags and the timeout in seconds', async () => {
    inputs.values = {
      overlay: 'k8s/overlays/production',
      images: `ghcr.io/o/w=ghcr.io/o/w@${DIGEST}`,
      timeout: '120s',
      'dry-run': 'true',
    };
    const { readInputs } = await import('../src/inputs.js');
    const read = readInputs();
    expect(read).toMatchObject({
      overlay: 'k8s/overlays/production',
      dryRun: true,
      diff: false,
      timeoutSeconds: 120,
      kubectl: 'kubectl',
      fieldManager: 'harita-deploy-k8s',
    });
    expect([...read.images]).toEqual([['ghcr.io/o/w', `ghcr.io/o/w@${DIGEST}`]]);
    inputs.values = { overlay: 'x', timeout: 'soon' };
    expect(() => readInputs()).toThrow(/timeout: "soon"/);
    inputs.values = {};
    expect(() => readInputs()).toThrow(/overlay/);
  });
});

describe('pinning images', () => {
  it('sets every container of the pinned image, init containers too, and lists the Deployments', () => {
    const { manifest, deployments } = pinImages(
      RENDERED,
      parseImagePins([`ghcr.io/o/w=ghcr.io/o/w@${DIGEST}`]),
      'default',
    );
    expect(manifest.match(new RegExp(`image: ghcr.io/o/w@${DIGEST}`, 'g'))).toHaveLength(2);
    expect(manifest).toContain('image: ghcr.io/o/other:1');
    expect(deployments).toEqual([{ kind: 'Deployment', name: 'w', namespace: 'n' }]);
  });

  it('refuses tags, malformed lines and pins that match nothing', () => {
    expect(() => parseImagePins(['ghcr.io/o/w=ghcr.io/o/w:latest'])).toThrow(/by digest/);
    expect(() => parseImagePins(['no-equals-sign'])).toThrow(/NAME=REFERENCE/);
    expect(() =>
      pinImages(RENDERED, parseImagePins([`ghcr.io/o/x=ghcr.io/o/x@${DIGEST}`]), 'default'),
    ).toThrow(/no container/);
  });
});
