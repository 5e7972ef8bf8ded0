import { parseAllDocuments, stringify } from 'yaml';

/** name=reference@sha256:..., as the images input gives them. */
export function parseImagePins(lines: string[]): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf('=');
    const name = line.slice(0, at).trim();
    const reference = line.slice(at + 1).trim();
    if (at < 1 || !/@sha256:[0-9a-f]{64}$/.test(reference)) {
      throw new Error(
        `images: "${line}" is not NAME=REFERENCE@sha256:<64 hex digits> (deploys pin images by digest)`,
      );
    }
    pins.set(name, reference);
  }
  return pins;
}

/** An image reference's repository: without its tag or digest. */
const repository = (image: string) =>
  image.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[\w.-]+$/, '');

interface Workload {
  kind: string;
  name: string;
  namespace: string;
}

/**
 * The rendered manifests with each pinned image's containers set to its digest reference, and the
 * Deployments they hold. Every pin must match a container: a typo must not deploy the old image.
 */
export function pinImages(
  rendered: string,
  pins: Map<string, string>,
  defaultNamespace: string,
): { manifest: string; deployments: Workload[] } {
  const used = new Set<string>();
  const deployments: Workload[] = [];
  const documents = parseAllDocuments(rendered)
    .map((d) => d.toJSON() as Record<string, unknown> | null)
    .filter((d) => d !== null);
  for (const object of documents) {
    const metadata = object['metadata'] as { name: string; namespace?: string };
    if (object['kind'] === 'Deployment') {
      deployments.push({
        kind: 'Deployment',
        name: metadata.name,
        namespace: metadata.namespace ?? defaultNamespace,
      });
    }
    const pod = (
      object['spec'] as
        | {
            template?: {
              spec?: { containers?: { image: string }[]; initContainers?: { image: string }[] };
            };
          }
        | undefined
    )?.template?.spec;
    for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      const name = repository(container.image);
      const pin = pins.get(name);
      if (pin) {
        container.image = pin;
        used.add(name);
      }
    }
  }
  for (const name of pins.keys()) {
    if (!used.has(name)) throw new Error(`images: no container in the overlay runs ${name}`);
  }
  return { manifest: documents.map((d) => stringify(d)).join('---\n'), deployments };
}
