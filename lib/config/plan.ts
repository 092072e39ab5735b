// The DR plan's own numbers as data: the RTO/RPO table and the backup and validation schedules (UTC).
import { Duration } from 'aws-cdk-lib';
import type { RecoveryObjective, ScheduleConfig } from './types';

/** The plan's "Recovery Time Objectives (RTO) & Recovery Point Objectives (RPO)" table. */
export const PLAN_OBJECTIVES: readonly RecoveryObjective[] = [
  {
    component: 'core-api',
    name: 'Core API Service',
    rto: Duration.minutes(15),
    rpo: Duration.minutes(5),
    priority: 'critical',
  },
  {
    component: 'rate-limiting',
    name: 'Rate Limiting',
    rto: Duration.minutes(10),
    rpo: Duration.minutes(1),
    priority: 'critical',
  },
  {
    component: 'monitoring',
    name: 'Monitoring/Metrics',
    rto: Duration.minutes(30),
    rpo: Duration.minutes(15),
    priority: 'high',
  },
  {
    component: 'docs-site',
    name: 'Documentation Site',
    rto: Duration.hours(2),
    rpo: Duration.hours(1),
    priority: 'medium',
  },
];

/**
 * The plan's "Backup Strategy" and "Backup Validation" schedules, as EventBridge crons in UTC.
 * The two data-backup crons are the plan's own (`0 2 * * *` and `0 1 * * 0`); the plan names only the
 * cadence of the others, so their times are chosen to run after the backups they check.
 */
export const PLAN_SCHEDULES: readonly ScheduleConfig[] = [
  {
    id: 'daily-backup',
    cron: 'cron(0 2 * * ? *)',
    purpose: 'Daily data backup: Redis export to S3; Aurora through the AWS Backup daily rule',
    planReference: 'Backup Strategy > Data Backups: 0 2 * * * daily-backup.sh',
  },
  {
    id: 'weekly-full-backup',
    cron: 'cron(0 1 ? * SUN *)',
    purpose: 'Weekly full backup: on-demand Aurora backup plus Redis export, and the "latest" alias',
    planReference: 'Backup Strategy > Data Backups: 0 1 * * 0 weekly-backup.sh',
  },
  {
    id: 'aurora-sentinel',
    cron: 'cron(50 0,1 * * ? *)',
    purpose:
      'Aurora sentinel row and row counts, ten minutes before the Sunday 01:00 full backup and the daily 02:00 backup',
    planReference: 'Backup Validation > Weekly: full restore test (what the restore must give back)',
  },
  {
    id: 'iac-backup',
    cron: 'cron(30 2 * * ? *)',
    purpose: 'Daily export of deployed CloudFormation templates and DR parameters to versioned S3',
    planReference: 'Backup Strategy > Code and Configuration: Infrastructure as Code daily backups to S3',
  },
  {
    id: 'daily-integrity-check',
    cron: 'cron(0 4 * * ? *)',
    purpose: 'Daily backup integrity check: newest recovery points exist, are complete, encrypted and fresh',
    planReference: 'Backup Validation > Daily: automated backup integrity checks',
  },
  {
    id: 'weekly-restore-test',
    cron: 'cron(0 6 ? * SUN *)',
    purpose: 'Weekly full restore test in staging, after the Sunday 01:00 full backup',
    planReference: 'Backup Validation > Weekly: full restore test in staging environment',
  },
  {
    id: 'monthly-cross-region-verification',
    cron: 'cron(0 5 1 * ? *)',
    purpose: 'Monthly cross-region backup verification: copies exist and are restorable in the secondary region',
    planReference: 'Backup Validation > Monthly: cross-region backup verification',
  },
];
