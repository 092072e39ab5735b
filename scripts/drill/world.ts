// The drill's world: every resource of the assembly that a scenario can meet, created in moto in deploy order, with the names and ARNs moto gave them.
import type { Assembly, AssemblyStack } from './assembly';
import type { DrillClient } from './drill-server';
import { RESOURCE_TYPES, type Physical, type SeedInput } from './resource-types';
import { references, resolve, type TokenContext } from './tokens';

/** In a name or ARN of a resource the drill did not create; the server drops optional members that carry it. */
export const UNSEEDED = 'drill-unseeded';

/** A state machine as created in moto: its definition exactly as synthesized, tokens resolved. */
export interface SeededStateMachine {
  readonly stackName: string;
  readonly logicalId: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly definition: string;
}

/** An SNS topic and the SQS queue subscribed to it, from which the drill reads what was published. */
export interface Inbox {
  readonly topicArn: string;
  readonly region: string;
  readonly queueUrl: string;
}

/** Service prefix and resource part of a placeholder ARN, by resource type. */
function placeholderArn(type: string, name: string, region: string, account: string): string {
  const [, service = 'unknown', kind = 'resource'] = type.split('::');
  switch (type) {
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${account}:role/${name}`;
    case 'AWS::IAM::ManagedPolicy':
      return `arn:aws:iam::${account}:policy/${name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${account}:function:${name}`;
    case 'AWS::Logs::LogGroup':
      return `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${account}:${name}`;
    default:
      return `arn:aws:${service.toLowerCase()}:${region}:${account}:${kind.toLowerCase()}/${name}`;
  }
}

export class World {
  private readonly physical = new Map<string, Physical>();
  readonly stateMachines: SeededStateMachine[] = [];
  readonly inboxes: Inbox[] = [];
  /** Hosted zone ids written in templates, and the zone moto created for each. */
  readonly zones = new Map<string, string>();
  /** Resource types seen but not created, with how many of each. */
  readonly notSeeded = new Map<string, number>();

  constructor(
    readonly assembly: Assembly,
    readonly client: DrillClient,
  ) {}

  /** Creates every resource of a type the drill knows, stack by stack in deploy order. */
  async seed(): Promise<void> {
    for (const stack of this.assembly.stacks) {
      for (const logicalId of this.order(stack)) await this.create(stack, logicalId);
    }
  }

  /**
   * This world as its seed left it, for a scenario that runs on the server's restored copy of that
   * seed (session.ts): the same names, ARNs and ids as moto's copy holds, in collections of its own
   * (only the seed adds to them), read against `assembly` (its templates are those seeded).
   */
  copy(assembly: Assembly = this.assembly): World {
    const world = new World(assembly, this.client);
    for (const [key, physical] of this.physical) world.physical.set(key, physical);
    world.stateMachines.push(...this.stateMachines);
    world.inboxes.push(...this.inboxes);
    for (const [id, zone] of this.zones) world.zones.set(id, zone);
    for (const [type, count] of this.notSeeded) world.notSeeded.set(type, count);
    return world;
  }

  /** The resources of `stack`, each after those it refers to. */
  private order(stack: AssemblyStack): string[] {
    const resources = stack.template.Resources;
    const ordered: string[] = [];
    const visiting = new Set<string>();
    const visit = (id: string) => {
      if (ordered.includes(id) || visiting.has(id) || !resources[id]) return;
      visiting.add(id);
      const resource = resources[id];
      const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
      for (const dependency of [...references(resource.Properties ?? {}), ...dependsOn]) visit(dependency);
      ordered.push(id);
    };
    for (const id of Object.keys(resources)) visit(id);
    return ordered;
  }

  private key(stack: AssemblyStack, logicalId: string): string {
    return `${stack.region}/${stack.stackName}/${logicalId}`;
  }

  private async create(stack: AssemblyStack, logicalId: string): Promise<void> {
    const resource = stack.template.Resources[logicalId];
    const context = this.context(stack);
    if (resource.Condition && !context.condition(resource.Condition)) return;
    const type = RESOURCE_TYPES[resource.Type];
    if (!type) {
      this.notSeeded.set(resource.Type, (this.notSeeded.get(resource.Type) ?? 0) + 1);
      return;
    }
    const input: SeedInput = {
      client: this.client,
      world: this,
      stack,
      logicalId,
      properties: resolve(resource.Properties ?? {}, context) as Record<string, unknown>,
    };
    try {
      this.physical.set(this.key(stack, logicalId), await type.create(input));
    } catch (error) {
      throw new Error(
        `could not seed ${resource.Type} ${logicalId} of ${stack.stackName}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** What a reference to a resource stands for: the seeded resource, or a marked placeholder. */
  private resource(stack: AssemblyStack, logicalId: string): Physical {
    const seeded = this.physical.get(this.key(stack, logicalId));
    if (seeded) return seeded;
    const resource = stack.template.Resources[logicalId];
    if (!resource) {
      const parameter = stack.template.Parameters?.[logicalId];
      if (parameter) return { ref: String(parameter.Default ?? `${UNSEEDED}-${logicalId}`), attributes: {} };
      throw new Error(`${stack.stackName} has no resource or parameter ${logicalId}`);
    }
    const name = `${UNSEEDED}-${logicalId}`;
    const arn = placeholderArn(resource.Type, name, stack.region, stack.account);
    const ref =
      resource.Type === 'AWS::SQS::Queue' ? `https://sqs.${stack.region}.amazonaws.com/${stack.account}/${name}` : name;
    return { ref, attributes: { Arn: arn }, placeholder: true };
  }

  private stack(stackName: string, region: string): AssemblyStack {
    const stack = this.assembly.stacks.find((s) => s.stackName === stackName && s.region === region);
    if (!stack) throw new Error(`the assembly has no stack ${stackName} in ${region}`);
    return stack;
  }

  /** How tokens of `stack`'s template resolve in this world. */
  context(stack: AssemblyStack): TokenContext {
    const template = stack.template;
    const context: TokenContext = {
      partition: 'aws',
      region: stack.region,
      account: stack.account,
      stackName: stack.stackName,
      ref: (logicalId) => this.resource(stack, logicalId).ref,
      getAtt: (logicalId, attribute) => {
        const physical = this.resource(stack, logicalId);
        const value = physical.attributes[attribute];
        if (value !== undefined) return value;
        if (physical.placeholder) return `${UNSEEDED}-${logicalId}.${attribute}`;
        throw new Error(`the drill does not know attribute ${attribute} of ${logicalId} in ${stack.stackName}`);
      },
      stackOutput: (stackName, region, outputName) => {
        const other = this.stack(stackName, region);
        const output = other.template.Outputs?.[outputName];
        if (!output) throw new Error(`${stackName} has no output ${outputName}`);
        return resolve(output.Value, this.context(other));
      },
      importValue: (name) => {
        for (const other of this.assembly.stacks.filter((s) => s.region === stack.region)) {
          const otherContext = this.context(other);
          for (const output of Object.values(other.template.Outputs ?? {})) {
            if (output.Export && resolve(output.Export.Name, otherContext) === name) {
              return resolve(output.Value, otherContext);
            }
          }
        }
        throw new Error(`no stack of ${stack.region} exports ${name}`);
      },
      condition(name) {
        const condition = template.Conditions?.[name];
        if (condition === undefined) throw new Error(`${stack.stackName} has no condition ${name}`);
        return resolve(condition, context) === true;
      },
      mapping(map, key, attribute) {
        return template.Mappings?.[map]?.[key]?.[attribute];
      },
      // Secrets are never read: a stand-in of a length every service accepts. An SSM reference stays
      // a marked placeholder, which the server leaves out of optional members.
      dynamicReference: (service, key) =>
        service === 'secretsmanager' ? 'drillSecretValue0123456789' : `${UNSEEDED}-${service}-${key}`,
    };
    return context;
  }

  /** The resolved properties of every resource of `type` in `region` (all regions when not given). */
  resources(
    type: string,
    region?: string,
  ): { stack: AssemblyStack; logicalId: string; properties: Record<string, unknown> }[] {
    return this.assembly.stacks
      .filter((stack) => region === undefined || stack.region === region)
      .flatMap((stack) =>
        Object.entries(stack.template.Resources)
          .filter(([, resource]) => resource.Type === type)
          .map(([logicalId, resource]) => ({
            stack,
            logicalId,
            properties: resolve(resource.Properties ?? {}, this.context(stack)) as Record<string, unknown>,
          })),
      );
  }

  /** The physical id (what `Ref` gives) of a seeded resource. */
  physicalId(stack: AssemblyStack, logicalId: string): string {
    return this.resource(stack, logicalId).ref;
  }
}
