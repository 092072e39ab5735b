// The scheduled DR jobs, each a construct, and the plumbing they share.
export * from './aurora-restore-test-job';
export * from './cross-region-verification-job';
export * from './deployed-logical-id';
export * from './iac-backup-job';
export * from './integrity-check-job';
export * from './job-context';
export * from './job-scheduler';
export * from './permissions';
export * from './redis-backup-job';
export * from './redis-restore-test-job';
export * from './weekly-aurora-backup-job';
