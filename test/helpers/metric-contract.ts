// Pure matcher of the alarm contract: what alarms watch (templates) against what the functions and state machines emit.
import { resolve, type TokenContext } from '../../scripts/drill/tokens';

/** A CloudWatch metric's identity: two datapoints are one metric only if all three agree. */
export interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  /** The full dimension set, name to value; CloudWatch matches it exactly, not as a subset. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A datapoint something emitted, and who emitted it. */
export interface EmittedMetric extends MetricIdentity {
  /** The value, or the expression a state machine computes it with. */
  readonly value: unknown;
  /** Who emitted it, for messages: `prod us-east-1 integrity-check (failure)`. */
  readonly source: string;
}

/** A metric an alarm watches (one per metric of a metric-math alarm). */
export interface WatchedMetric extends MetricIdentity {
  /** `<stack>/<logical id>`. */
  readonly alarm: string;
}

/** An alarm metric that no emitted datapoint matches, with the emitted ones closest to it. */
export interface ContractMismatch {
  readonly alarm: string;
  readonly watches: string;
  /** Datapoints of the same namespace and name, and how their dimensions differ from the alarm's. */
  readonly nearest: readonly string[];
}

/** The stack a template belongs to: what its pseudo parameters stand for. */
export interface StackContext {
  readonly stackName: string;
  readonly region: string;
  readonly account: string;
}

/** `namespace metric {a=1, b=2}`, dimensions sorted: one line per metric in messages and sets. */
export function describeMetric(metric: MetricIdentity): string {
  const dimensions = Object.keys(metric.dimensions)
    .sort()
    .map((name) => `${name}=${metric.dimensions[name]}`)
    .join(', ');
  return `${metric.namespace} ${metric.metricName} {${dimensions}}`;
}

/** Whether `a` and `b` are the same CloudWatch metric: namespace, name and the full dimension set. */
export function sameMetric(a: MetricIdentity, b: MetricIdentity): boolean {
  return describeMetric(a) === describeMetric(b);
}

type EmfDocument = Record<string, unknown> & {
  _aws?: { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
};

/**
 * The datapoints of the embedded metric format (EMF) lines in `output` (Powertools' stdout): one per
 * metric and dimension set of each directive. Lines that are not EMF (log lines) are skipped.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function emittedByEmf(output: string, source: string): EmittedMetric[] {
  const found: EmittedMetric[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"CloudWatchMetrics"')) continue;
    const document = JSON.parse(line) as EmfDocument;
    for (const directive of document._aws?.CloudWatchMetrics ?? []) {
      for (const set of directive.Dimensions) {
        const dimensions = Object.fromEntries(set.map((name) => [name, String(document[name])]));
        for (const { Name } of directive.Metrics) {
          found.push({ namespace: directive.Namespace, metricName: Name, dimensions, value: document[Name], source });
        }
      }
    }
  }
  return found;
}

interface Template {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
}

/**
 * A token context for one stack: pseudo parameters are the stack's; a reference to a resource becomes
 * `<Ref Id>` / `<Id.Attr>`, which equals no emitted value, so an alarm that filters on one fails.
 */
function tokenContext(stack: StackContext): TokenContext {
  const opaque = (what: string) => `<${what}>`;
  return {
    partition: 'aws',
    region: stack.region,
    account: stack.account,
    stackName: stack.stackName,
    ref: (id) => opaque(`Ref ${id}`),
    getAtt: (id, attribute) => opaque(`${id}.${attribute}`),
    stackOutput: (name, _region, output) => opaque(`${name}.${output}`),
    importValue: (name) => opaque(`ImportValue ${name}`),
    condition: () => true,
    mapping: (map, key, attribute) => opaque(`${map}.${key}.${attribute}`),
    dynamicReference: (service, key) => opaque(`${service}:${key}`),
  };
}

/** `value` with the tokens of `stack`'s template resolved (resource references become opaque strings). */
export function resolveInStack(value: unknown, stack: StackContext): unknown {
  return resolve(value, tokenContext(stack));
}

interface CfnDimension {
  readonly Name: string;
  readonly Value: unknown;
}

function identity(namespace: unknown, metricName: unknown, dimensions: unknown): MetricIdentity {
  return {
    namespace: String(namespace),
    metricName: String(metricName),
    dimensions: Object.fromEntries(
      ((dimensions ?? []) as CfnDimension[]).map(({ Name, Value }) => [Name, String(Value)]),
    ),
  };
}

/**
 * Every metric of every `AWS::CloudWatch::Alarm` of `template` in `namespace`, tokens resolved with
 * the stack's region and account: a single-metric alarm's metric, and each `MetricStat` of a
 * metric-math alarm.
 */
export function watchedMetrics(template: Template, stack: StackContext, namespace: string): WatchedMetric[] {
  const context = tokenContext(stack);
  const watched: WatchedMetric[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
    const properties = resolve(resource.Properties ?? {}, context) as Record<string, unknown>;
    const stats = ((properties.Metrics ?? []) as { MetricStat?: { Metric: Record<string, unknown> } }[])
      .filter((query) => query.MetricStat !== undefined)
      .map((query) => query.MetricStat!.Metric);
    const metrics = properties.MetricName !== undefined ? [properties] : stats;
    for (const metric of metrics) {
      const watchedMetric = identity(metric.Namespace, metric.MetricName, metric.Dimensions);
      if (watchedMetric.namespace === namespace)
        watched.push({ ...watchedMetric, alarm: `${stack.stackName}/${logicalId}` });
    }
  }
  return watched;
}

type State = Record<string, unknown> & {
  readonly States?: Record<string, State>;
  readonly Branches?: readonly State[];
  readonly ItemProcessor?: State;
  readonly Iterator?: State;
};

function* allStates(machine: State): Generator<[string, State]> {
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* allStates(branch);
    for (const inner of [state.ItemProcessor, state.Iterator]) if (inner) yield* allStates(inner);
  }
}

const PUT_METRIC_DATA = /:states:::aws-sdk:cloudwatch:putMetricData$/;

/**
 * The datapoints the state machines of `template` publish with the `cloudwatch:putMetricData` SDK
 * integration (JSONata `Arguments` or JSONPath `Parameters`), each with its dimensions as written;
 * a value computed at run time is kept as its expression.
 */
export function emittedByStateMachines(template: Template, stack: StackContext): EmittedMetric[] {
  const context = tokenContext(stack);
  const found: EmittedMetric[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const definition = resolve(resource.Properties?.DefinitionString, context);
    if (typeof definition !== 'string') continue;
    for (const [name, state] of allStates(JSON.parse(definition) as State)) {
      if (typeof state.Resource !== 'string' || !PUT_METRIC_DATA.test(state.Resource)) continue;
      const input = (state.Arguments ?? state.Parameters) as {
        Namespace: string;
        MetricData: Record<string, unknown>[];
      };
      for (const datum of input.MetricData) {
        found.push({
          ...identity(input.Namespace, datum.MetricName, datum.Dimensions),
          value: datum.Value,
          source: `${stack.stackName}/${logicalId} state ${name}`,
        });
      }
    }
  }
  return found;
}

function dimensionDifference(alarm: MetricIdentity, emitted: MetricIdentity): string {
  const names = [...new Set([...Object.keys(alarm.dimensions), ...Object.keys(emitted.dimensions)])].sort();
  return names
    .filter((name) => alarm.dimensions[name] !== emitted.dimensions[name])
    .map(
      (name) => `${name}: alarm ${alarm.dimensions[name] ?? '(none)'}, emitted ${emitted.dimensions[name] ?? '(none)'}`,
    )
    .join('; ');
}

/**
 * The alarm metrics no emitted datapoint matches exactly. For each, the emitted datapoints of the
 * same namespace and name are listed with how their dimensions differ, so a `service=IntegrityCheck`
 * against `service=integrity-check` reads as exactly that.
 */
export function unmatchedAlarms(
  watched: readonly WatchedMetric[],
  emitted: readonly EmittedMetric[],
): ContractMismatch[] {
  const emittedKeys = new Set(emitted.map(describeMetric));
  return watched
    .filter((metric) => !emittedKeys.has(describeMetric(metric)))
    .map((metric) => {
      const sameName = emitted.filter(
        (datapoint) => datapoint.namespace === metric.namespace && datapoint.metricName === metric.metricName,
      );
      const distinct = new Map(sameName.map((datapoint) => [describeMetric(datapoint), datapoint]));
      return {
        alarm: metric.alarm,
        watches: describeMetric(metric),
        nearest: [...distinct.values()]
          .map((datapoint) => `${datapoint.source}: ${dimensionDifference(metric, datapoint)}`)
          .slice(0, 5),
      };
    });
}

/** The metric names listed in the plan's "Key Metrics to Monitor" block (a YAML list in a code fence). */
export function planKeyMetrics(plan: string): string[] {
  const section = plan.split(/^### Key Metrics to Monitor\s*$/m)[1];
  if (section === undefined) throw new Error('the plan has no "### Key Metrics to Monitor" section');
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('the plan\'s "Key Metrics to Monitor" section has no code block');
  return [...block[1]!.matchAll(/^\s*-\s*([a-z0-9_]+)\s*$/gm)].map((match) => match[1]!);
}

/** A plan metric with no alarm yet, named with the issue that builds what emits it or watches it. */
export interface PendingMetric {
  readonly metricName: string;
  readonly issue: string;
  readonly why: string;
}

/**
 * Plan metrics that no alarm watches and that are not `pending`, and pending ones that an alarm
 * does watch by now (the exception is stale and must go).
 */
export function planCoverage(
  planMetrics: readonly string[],
  watched: readonly MetricIdentity[],
  pending: readonly PendingMetric[],
): { readonly unwatched: string[]; readonly stalePending: string[] } {
  const watchedNames = new Set(watched.map((metric) => metric.metricName));
  const pendingNames = new Set(pending.map((metric) => metric.metricName));
  return {
    unwatched: planMetrics.filter((name) => !watchedNames.has(name) && !pendingNames.has(name)),
    stalePending: [...pendingNames].filter((name) => watchedNames.has(name)),
  };
}

/**
 * Emitted metrics of `names` that no alarm watches: a job that reports a plan metric under a
 * dimension set nobody alarms on reports into the void.
 */
export function unwatchedEmitters(
  emitted: readonly EmittedMetric[],
  watched: readonly MetricIdentity[],
  names: readonly string[],
): string[] {
  const watchedKeys = new Set(watched.map(describeMetric));
  const missing = new Map<string, string>();
  for (const datapoint of emitted) {
    const key = describeMetric(datapoint);
    if (names.includes(datapoint.metricName) && !watchedKeys.has(key))
      missing.set(key, `${key} from ${datapoint.source}`);
  }
  return [...missing.values()].sort();
}
