// CloudFormation intrinsic functions and dynamic references resolved to plain values, given what each reference stands for.

/** What the resolver asks of the world around one template. */
export interface TokenContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
  /** `Ref` of a resource or parameter of this template. */
  ref(logicalId: string): unknown;
  /** `Fn::GetAtt` of a resource of this template. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** `Fn::GetStackOutput`: an output of another stack, maybe of another region. */
  stackOutput(stackName: string, region: string, outputName: string): unknown;
  /** `Fn::ImportValue`: the output exported under `name` in this region. */
  importValue(name: string): unknown;
  /** A condition of this template, evaluated. */
  condition(name: string): boolean;
  /** `Fn::FindInMap` over this template's mappings. */
  mapping(map: string, key: string, attribute: string): unknown;
  /** `{{resolve:ssm:...}}` and `{{resolve:secretsmanager:...}}`: the value the deploy would read. */
  dynamicReference(service: string, key: string): string;
}

/** `Ref: AWS::NoValue`: the property is left out. */
export const NO_VALUE = Symbol('AWS::NoValue');

const DYNAMIC_REFERENCE = /\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]+)\}\}/g;

function pseudo(name: string, context: TokenContext): unknown {
  switch (name) {
    case 'AWS::Partition':
      return context.partition;
    case 'AWS::Region':
      return context.region;
    case 'AWS::AccountId':
      return context.account;
    case 'AWS::StackName':
      return context.stackName;
    case 'AWS::StackId':
      return `arn:${context.partition}:cloudformation:${context.region}:${context.account}:stack/${context.stackName}/drill`;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::NotificationARNs':
      return [];
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
}

function ref(name: string, context: TokenContext): unknown {
  const value = pseudo(name, context);
  return value === undefined ? context.ref(name) : value;
}

function asString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${what} must resolve to a string, got: ${JSON.stringify(value)}`);
}

/** `Fn::Sub`: `${Name}`, `${Resource.Attribute}` and `${!Literal}`. */
function substitute(template: string, variables: Record<string, unknown>, context: TokenContext): string {
  return template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return asString(variables[name], `Fn::Sub variable ${name}`);
    const dot = name.indexOf('.');
    const value =
      dot > 0 && !name.startsWith('AWS::')
        ? context.getAtt(name.slice(0, dot), name.slice(dot + 1))
        : ref(name, context);
    return asString(value, `Fn::Sub ${whole}`);
  });
}

function resolveFunction(name: string, argument: unknown, context: TokenContext): unknown {
  const arg = (value: unknown) => resolve(value, context);
  switch (name) {
    case 'Ref':
      return ref(asString(argument, 'Ref'), context);
    case 'Fn::GetAtt': {
      const [logicalId, ...attribute] = Array.isArray(argument)
        ? (argument as unknown[]).map((part) => asString(arg(part), 'Fn::GetAtt'))
        : asString(argument, 'Fn::GetAtt').split('.');
      return context.getAtt(logicalId, attribute.join('.'));
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown];
      const values = arg(parts) as unknown[];
      return values.map((part) => asString(part, 'Fn::Join part')).join(separator);
    }
    case 'Fn::Sub': {
      const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
      return substitute(asString(template, 'Fn::Sub'), arg(variables) as Record<string, unknown>, context);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [unknown, unknown];
      return (arg(list) as unknown[])[Number(arg(index))];
    }
    case 'Fn::Split': {
      const [separator, source] = argument as [string, unknown];
      return asString(arg(source), 'Fn::Split').split(separator);
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return arg(context.condition(condition) ? whenTrue : whenFalse);
    }
    case 'Fn::Equals': {
      const [left, right] = argument as [unknown, unknown];
      return JSON.stringify(arg(left)) === JSON.stringify(arg(right));
    }
    case 'Fn::Not':
      return !arg((argument as unknown[])[0]);
    case 'Fn::And':
      return (argument as unknown[]).every((item) => arg(item) === true);
    case 'Fn::Or':
      return (argument as unknown[]).some((item) => arg(item) === true);
    case 'Condition':
      return context.condition(asString(argument, 'Condition'));
    case 'Fn::FindInMap': {
      const [map, key, attribute] = (argument as unknown[]).map((part) => asString(arg(part), 'Fn::FindInMap'));
      return context.mapping(map, key, attribute);
    }
    case 'Fn::GetStackOutput': {
      const { StackName, Region, OutputName } = arg(argument) as Record<string, string>;
      return context.stackOutput(StackName, Region ?? context.region, OutputName);
    }
    case 'Fn::ImportValue':
      return context.importValue(asString(arg(argument), 'Fn::ImportValue'));
    case 'Fn::Base64':
      return Buffer.from(asString(arg(argument), 'Fn::Base64')).toString('base64');
    case 'Fn::GetAZs': {
      const region = asString(arg(argument), 'Fn::GetAZs') || context.region;
      return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
    }
    default:
      throw new Error(`the drill cannot resolve ${name} yet`);
  }
}

/**
 * `value` with every intrinsic function and dynamic reference resolved; `Ref: AWS::NoValue` leaves
 * its property or list item out.
 */
export function resolve(value: unknown, context: TokenContext): unknown {
  if (typeof value === 'string') {
    return value.replace(DYNAMIC_REFERENCE, (_whole, service: string, key: string) =>
      context.dynamicReference(service, key),
    );
  }
  if (Array.isArray(value)) {
    return value.map((item) => resolve(item, context)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [[key, argument]] = entries;
    if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')) return resolveFunction(key, argument, context);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolve(item, context);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

/** The logical ids `value` refers to with Ref, Fn::GetAtt and Fn::Sub, pseudo parameters excepted. */
export function references(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) references(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, argument] of Object.entries(value)) {
      if (key === 'Ref' && typeof argument === 'string' && !argument.startsWith('AWS::')) found.add(argument);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(argument) ? argument[0] : String(argument).split('.')[0];
        if (typeof target === 'string') found.add(target);
      } else if (key === 'Fn::Sub') {
        const template = Array.isArray(argument) ? argument[0] : argument;
        for (const match of String(template).matchAll(/\$\{([^!}][^}.]*)[^}]*\}/g)) {
          if (!match[1].startsWith('AWS::')) found.add(match[1]);
        }
        if (Array.isArray(argument)) references(argument[1], found);
      } else references(argument, found);
    }
  }
  return found;
}
