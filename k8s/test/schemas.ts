import * as keda from '@kubernetes-models/keda';
import * as prometheusOperator from '@kubernetes-models/prometheus-operator';
import * as kubernetes from 'kubernetes-models';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: object) => Validatable;
type Tree = Record<string, Record<string, Record<string, unknown> | undefined> | undefined>;

// Kubernetes' own kinds (the OpenAPI schema of Kubernetes 1.34, kubernetes-models 5.1) and the
// CRDs the manifests use: ServiceMonitor and PrometheusRule, ScaledObject.
const PACKAGES = [kubernetes, prometheusOperator, keda] as unknown as Tree[];

/** networking.k8s.io -> networkingK8sIo, as the model packages name their groups. */
const groupKey = (group: string) =>
  group
    .split('.')
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');

/** The model class for an object's apiVersion and kind; undefined for a kind no schema covers. */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/')
    : [undefined, apiVersion];
  for (const tree of PACKAGES) {
    const versions =
      group === undefined ? { [apiVersion]: tree[apiVersion] } : tree[groupKey(group)];
    const model = versions?.[version]?.[kind];
    if (typeof model === 'function') return model as ModelClass;
  }
  return undefined;
}
