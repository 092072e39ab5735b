// The mermaid diagram of the readiness report: both regions, the replication paths and the failover path.
import type { DrConfig, RegionConfig, RegionRole } from '../config';
import { formatSeconds, type RecoveryEvidence } from '../recovery';

function region(config: DrConfig, role: RegionRole): RegionConfig {
  return config.regions.find((candidate) => candidate.role === role)!;
}

/** Text inside a mermaid label: quotes would end it. */
function label(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

/**
 * A left-to-right flowchart. Solid arrows serve traffic, thick arrows replicate data, dotted arrows
 * are the failover path. Every figure on an edge comes from the evidence, so the diagram changes
 * when the stacks do.
 */
export function readinessDiagram(config: DrConfig, evidence: RecoveryEvidence): string {
  const primary = region(config, 'primary');
  const secondary = region(config, 'secondary');
  const { primary: primaryFloor, secondary: secondaryFloor } = config.traffic.warmCapacity;
  const check = evidence.healthCheck?.value;
  const trigger = evidence.failoverTrigger?.value;
  const probe = evidence.peerProbe.secondary?.value;
  const { aurora, cache, docs } = evidence;

  const lines = [
    'flowchart LR',
    `  clients([Clients]) --> dns{{${label(`Route 53 failover record<br/>health checks ${check ? `${check.interval} s x ${check.failureThreshold}` : 'none'}`)}}}`,
    `  readers([Readers]) --> cdn[${label('CloudFront docs distribution')}]`,
    `  subgraph primary[${label(`${primary.region} primary`)}]`,
    `    api1[${label(`ALB + EKS<br/>${primaryFloor.minReplicas} warm replicas`)}]`,
    `    db1[(${label('Aurora writer')})]`,
    `    cache1[(${label('Valkey primary')})]`,
    `    docs1[(${label('docs bucket')})]`,
    `    backups1[(${label('cache backup bucket')})]`,
    `    api1 --> db1`,
    `    api1 --> cache1`,
    `    cache1 -->|${label('daily export')}| backups1`,
    '  end',
    `  subgraph secondary[${label(`${secondary.region} secondary`)}]`,
    `    api2[${label(`ALB + EKS<br/>${secondaryFloor.minReplicas} warm replicas`)}]`,
    `    db2[(${label(`Aurora ${aurora.globalMember.value ? 'global secondary' : 'restore target'}<br/>${aurora.secondaryInstances.value} instance(s)`)})]`,
    `    cache2[(${label(cache.globalDatastore.value ? 'Valkey secondary' : 'Valkey (restored from export)')})]`,
    `    docs2[(${label('docs replica bucket')})]`,
    `    backups2[(${label('cache backup replica')})]`,
    `    canary2[${label(`canary probes ${primary.region}${probe ? `<br/>${probe.period} s x ${probe.datapoints}` : ''}`)}]`,
    trigger
      ? `    failover2[${label('region failover state machine')}]`
      : `    failover2[${label('on-call runs the failover runbook')}]`,
    `    api2 --> db2`,
    `    api2 --> cache2`,
    '  end',
    `  dns -->|${label('PRIMARY')}| api1`,
    `  dns -.->|${label('SECONDARY when the primary check fails')}| api2`,
    `  cdn --> docs1`,
    `  cdn -.->|${label(`origin failover${docs.originFailover ? ` after ${formatSeconds(docs.originFailover.value)}` : ''}`)}| docs2`,
    aurora.globalMember.value
      ? `  db1 ==>|${label(`global replication, lag alarm ${aurora.lagAlarm ? formatSeconds(aurora.lagAlarm.value) : 'none'}`)}| db2`
      : `  db1 ==>|${label('AWS Backup copy')}| db2`,
    cache.globalDatastore.value
      ? `  cache1 ==>|${label(`Global Datastore, lag alarm ${cache.lagAlarm ? formatSeconds(cache.lagAlarm.value) : 'none'}`)}| cache2`
      : `  backups2 -.->|${label('restore from the newest .rdb')}| cache2`,
    `  docs1 ==>|${label(docs.replicationTimeControl.value ? 'CRR with RTC 15 min' : 'CRR without RTC')}| docs2`,
    `  backups1 ==>|${label(cache.backupReplicationTimeControl.value ? 'CRR with RTC 15 min' : 'CRR without RTC')}| backups2`,
    `  canary2 -.->|${label(trigger ? 'ALARM starts' : 'ALARM pages on-call')}| failover2`,
    `  failover2 -.->|${label('promote')}| db2`,
    ...(cache.globalDatastore.value ? [`  failover2 -.->|${label('promote')}| cache2`] : []),
  ];
  return lines.join('\n');
}
