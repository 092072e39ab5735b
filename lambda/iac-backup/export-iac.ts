// Daily IaC backup: the deployed template of every stack of the stage, and the DR SSM parameters, to versioned S3.
import {
  GetTemplateCommand,
  paginateListStacks,
  type CloudFormationClient,
  StackStatus,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { paginateGetParametersByPath, type Parameter, type SSMClient } from '@aws-sdk/client-ssm';
import { publishRecord } from '../shared/run-record';

export interface IacBackupDeps {
  readonly cloudformation: CloudFormationClient;
  readonly ssm: SSMClient;
  readonly s3: S3Client;
  readonly now: () => Date;
}

export interface IacBackupSettings {
  /** Stacks whose names start with this belong to the stage, for example `AsyncToolformer-prod-`. */
  readonly stackPrefix: string;
  /** Every parameter under this path is exported, for example `/async-toolformer/prod/`. */
  readonly parameterPath: string;
  /** Versioned, encrypted bucket of the backups. */
  readonly bucket: string;
  /** Region of this run; part of every key, because both regions export. */
  readonly region: string;
  /** SSM parameter whose versions log every run. */
  readonly resultParameter: string;
}

export interface IacBackupResult {
  readonly stacks: readonly string[];
  readonly parameters: number;
  readonly objects: readonly string[];
  readonly resultVersion: number;
}

/** Thrown when there is nothing to back up: an export of nothing is a failed backup, not an empty success. */
export class NothingToBackUpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingToBackUpError';
  }
}

/** Stacks that exist now; deleted ones have no template worth keeping. */
const LIVE = Object.values(StackStatus).filter((status) => status !== StackStatus.DELETE_COMPLETE);

async function stageStacks(cloudformation: CloudFormationClient, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListStacks({ client: cloudformation }, { StackStatusFilter: LIVE })) {
    for (const summary of page.StackSummaries ?? []) {
      if (summary.StackName?.startsWith(prefix)) names.push(summary.StackName);
    }
  }
  return names.sort();
}

async function parameters(ssm: SSMClient, path: string): Promise<Parameter[]> {
  const all: Parameter[] = [];
  // SecureString values stay encrypted: this backup is for configuration, not secrets.
  for await (const page of paginateGetParametersByPath(
    { client: ssm },
    { Path: path, Recursive: true, WithDecryption: false },
  )) {
    all.push(...(page.Parameters ?? []));
  }
  return all;
}

export async function run(deps: IacBackupDeps, settings: IacBackupSettings): Promise<IacBackupResult> {
  const now = deps.now();
  const folder = `iac/${now.toISOString().slice(0, 10)}/${settings.region}`;
  const stacks = await stageStacks(deps.cloudformation, settings.stackPrefix);
  if (stacks.length === 0)
    throw new NothingToBackUpError(`no stack named ${settings.stackPrefix}* in ${settings.region}`);

  const put = async (key: string, body: string) => {
    await deps.s3.send(
      new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
    return key;
  };
  const objects: string[] = [];
  for (const stack of stacks) {
    // The template as deployed, before transforms: what `cdk deploy` would need to recreate it.
    const { TemplateBody } = await deps.cloudformation.send(
      new GetTemplateCommand({ StackName: stack, TemplateStage: 'Original' }),
    );
    if (!TemplateBody) throw new NothingToBackUpError(`stack ${stack} returned no template`);
    objects.push(await put(`${folder}/stacks/${stack}.json`, TemplateBody));
  }
  const found = await parameters(deps.ssm, settings.parameterPath);
  const exported = found.map(({ Name, Type, Value, Version, LastModifiedDate }) => ({
    Name,
    Type,
    Value,
    Version,
    LastModifiedDate: LastModifiedDate?.toISOString(),
  }));
  objects.push(await put(`${folder}/ssm-parameters.json`, JSON.stringify(exported, null, 2)));

  const record = { region: settings.region, stacks, parameters: found.length, objects, exportedAt: now.toISOString() };
  const version = await publishRecord(deps.ssm, settings.resultParameter, record);
  return { stacks, parameters: found.length, objects, resultVersion: version };
}
