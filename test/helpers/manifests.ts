// Reads the Kubernetes objects that a stack applies through the EKS kubectl provider.
import type { Template } from 'aws-cdk-lib/assertions';

/** A Kubernetes object as applied, with the CDK path of the resource that applies it. */
export interface AppliedObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/**
 * Every Kubernetes object of `template`. A manifest with tokens is an `Fn::Join`; its literal parts
 * are joined around `"<token>"` placeholders so the JSON still parses.
 */
export function appliedObjects(template: Template): AppliedObject[] {
  const resources = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
  return Object.values(resources).flatMap((resource) => {
    const manifest = (resource as { Properties: { Manifest: unknown } }).Properties.Manifest;
    const text =
      typeof manifest === 'string'
        ? manifest
        : ((manifest as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] ?? [])
            .map((part) => (typeof part === 'string' ? part : '<token>'))
            .join('');
    return JSON.parse(text) as AppliedObject[];
  });
}

/** The one object of `kind` named `name`; throws naming what exists when there is none. */
export function appliedObject(objects: AppliedObject[], kind: string, name: string): AppliedObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) {
    throw new Error(`no ${kind} ${name}; applied: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return found;
}
