// Each function's environment, as synthesized, holds every key its handler requires at cold start: the handler is loaded with it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES } from '../../lib/config';
import { FUNCTIONS, SHARED_ENVIRONMENT, type FunctionContract } from '../../lib/contract';
import { testAssemblyDir } from '../helpers/synth';

const root = join(__dirname, '..', '..');

interface DeployedFunction {
  readonly stage: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly environment: Record<string, string>;
}

/** Every Lambda function of the stage's templates with its environment; tokens become placeholder strings. */
function deployedFunctions(stage: (typeof STAGES)[number]): DeployedFunction[] {
  const dir = testAssemblyDir(stage);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.template.json'))
    .flatMap((file) => {
      const { Resources } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties?: { Environment?: { Variables?: object } } }>;
      };
      return Object.entries(Resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
        .map(([logicalId, r]) => ({
          stage,
          stack: file.replace('.template.json', ''),
          logicalId,
          environment: Object.fromEntries(
            Object.entries(r.Properties?.Environment?.Variables ?? {}).map(([key, value]) => [
              key,
              typeof value === 'string' ? value : `token-${key}`,
            ]),
          ),
        }));
    });
}

const deployed = STAGES.flatMap(deployedFunctions);
const contracts = Object.entries(FUNCTIONS) as [string, FunctionContract][];

function ofContract(contract: FunctionContract): DeployedFunction[] {
  return deployed.filter((fn) => fn.environment.POWERTOOLS_SERVICE_NAME === contract.service);
}

/** Loads the handler module fresh with `environment` as process.env; returns what its cold start threw. */
function coldStart(contract: FunctionContract, environment: Record<string, string>): unknown {
  const saved = process.env;
  process.env = { ...environment, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };
  try {
    let thrown: unknown;
    jest.isolateModules(() => {
      try {
        // jest.isolateModules loads synchronously; a fresh module registry per call is the cold start.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(join(root, contract.entry));
      } catch (error) {
        thrown = error;
      }
    });
    return thrown;
  } finally {
    process.env = saved;
  }
}

test.each(contracts)('%s is deployed by at least one stage, under its service name', (_name, contract) => {
  expect(ofContract(contract).map((fn) => `${fn.stage} ${fn.stack}`)).not.toEqual([]);
});

test('every deployed DR function has a contract', () => {
  const services = new Set(contracts.map(([, contract]) => contract.service));
  const dr = deployed.filter((fn) => fn.environment.STAGE !== undefined);
  expect(dr.filter((fn) => !services.has(fn.environment.POWERTOOLS_SERVICE_NAME ?? ''))).toEqual([]);
});

describe.each(contracts)('%s', (_name, contract) => {
  test('its synthesized environment holds every key of its contract', () => {
    for (const fn of ofContract(contract)) {
      const missing = [...contract.environment, 'STAGE'].filter((key) => !(key in fn.environment));
      expect({ function: `${fn.stack}/${fn.logicalId}`, missing }).toEqual({
        function: `${fn.stack}/${fn.logicalId}`,
        missing: [],
      });
    }
  });

  test('its handler starts cold with that environment (Lambda adds AWS_REGION)', () => {
    for (const fn of ofContract(contract)) {
      const region = fn.stack.includes('-usw2-') ? 'us-west-2' : 'us-east-1';
      expect(coldStart(contract, { ...fn.environment, AWS_REGION: region })).toBeUndefined();
    }
  });

  test('fails at cold start without the keys of its contract, naming each', () => {
    // One cold start with every contract key removed: the handler reports all it misses at once,
    // so each key is shown to be one it requires (a key it ignored would not be named).
    const [fn] = ofContract(contract);
    const required = new Set<string>([...SHARED_ENVIRONMENT, ...contract.environment]);
    const full: Record<string, string> = { ...fn!.environment, AWS_REGION: 'us-east-1' };
    const without = Object.fromEntries(Object.entries(full).filter(([name]) => !required.has(name)));
    const error = coldStart(contract, without) as { readonly variables?: readonly string[] } | undefined;
    expect([...(error?.variables ?? [])].sort()).toEqual([...required].sort());
  });
});
