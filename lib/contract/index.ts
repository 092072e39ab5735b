// The contract between lib/ (what the stacks deploy), lambda/ (what the functions read and emit) and scripts/: no CDK imports.
export * from './failover-decision';
export * from './failover-input';
export * from './functions';
export * from './game-days';
export * from './metrics';
export * from './names';
export * from './paging';
export * from './rate-limiter';
export * from './recovery-jobs';
export * from './restore-settings';
export * from './tags';
export * from './sentinel';
export * from './redis-backup';
export * from './restore-input';
