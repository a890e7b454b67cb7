import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';

/**
 * The Kubernetes JSON schemas the chart's objects are checked against: those `kubernetes-models`
 * ships (generated from Kubernetes' OpenAPI; ScaledObject from KEDA's CRD). Like the API server's,
 * they check types, formats (quantities, int-or-string) and required fields; they do not reject
 * unknown fields, so the test checks the fields quarry relies on by name as well.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** Throws, naming the object, if its kind is not known here or it does not match its schema. */
export function validateObject(object: { apiVersion: string; kind: string; metadata?: unknown }): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[key];
  if (!Model) throw new Error(`no schema for ${key}`);
  const name = (object.metadata as { name?: string } | undefined)?.name;
  try {
    new Model(object as never).validate();
  } catch (e) {
    throw new Error(`${key} ${name}: ${(e as Error).message}`);
  }
}
