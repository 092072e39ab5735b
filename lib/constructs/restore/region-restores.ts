// The two restore machines of a region, named and sized from the stage's config, as the Automation stack deploys them.
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { DrConfig, RegionConfig } from '../../config';
import { restoredGroupBase, restoredNamePrefix } from '../../contract';
import { cacheReplicationGroupId, clusterIdentifier, parameters, stateMachineName } from '../../naming';
import { CacheRestore } from './cache-restore';
import { DatabaseRestore } from './database-restore';

/** Props of {@link RegionRestores}. */
export interface RegionRestoresProps {
  readonly config: DrConfig;
  readonly regionConfig: RegionConfig;
  /** Key of the execution logs. */
  readonly encryptionKey: kms.IKey;
  /** The region's Aurora storage key. */
  readonly databaseKey: kms.IKey;
  /** The engine the Data stack deploys, with its version: a restore runs the same. */
  readonly engine: rds.IClusterEngine;
}

/** What every restored cluster of a region is called before its time stamp: `<cluster>-r`. */
export function restoredClusterPrefix(config: DrConfig, region: RegionConfig): string {
  return restoredNamePrefix(clusterIdentifier(config, region));
}

/** What every restored group of a region is called before its time stamp: `atf-<stage>-<code>-r` (40 characters at most). */
export function restoredGroupPrefix(config: DrConfig, region: RegionConfig): string {
  return restoredNamePrefix(restoredGroupBase(cacheReplicationGroupId(config, region)));
}

/** The database and cache restore machines of one region, and the application endpoint parameters they switch. */
export class RegionRestores extends Construct {
  public readonly database: DatabaseRestore;
  public readonly cache: CacheRestore;

  constructor(scope: Construct, id: string, props: RegionRestoresProps) {
    super(scope, id);
    const { config, regionConfig, engine } = props;
    const names = parameters(config);
    const version = engine.engineVersion?.fullVersion;
    if (!version) {
      throw new Error(
        `${this.node.path}: engine has no full version; pass the Data stack's engine with its version (AURORA_ENGINE_VERSION), or a restore would get the region's default`,
      );
    }
    this.database = new DatabaseRestore(this, 'Database', {
      stateMachineName: stateMachineName(config, regionConfig, 'database-restore'),
      arnParameterName: names.databaseRestoreStateMachineArn,
      endpointParameterName: names.databaseEndpoint,
      encryptionKey: props.encryptionKey,
      clusterIdentifier: clusterIdentifier(config, regionConfig),
      restoredClusterPrefix: restoredClusterPrefix(config, regionConfig),
      engine: engine.engineType,
      engineVersion: version,
      instanceClass: `db.${config.data.instanceType}`,
      databaseKey: props.databaseKey,
    });
    this.cache = new CacheRestore(this, 'Cache', {
      stateMachineName: stateMachineName(config, regionConfig, 'cache-restore'),
      arnParameterName: names.cacheRestoreStateMachineArn,
      endpointParameterName: names.cacheEndpoint,
      encryptionKey: props.encryptionKey,
      restoredGroupPrefix: restoredGroupPrefix(config, regionConfig),
    });
  }
}
