// The restore state machines of a region: the database and the cache, which `dr restore` starts and follows.
export { CacheRestore, type CacheRestoreProps } from './cache-restore';
export { DatabaseRestore, type DatabaseRestoreProps } from './database-restore';
export { type RestoreMachineProps } from './machine';
export {
  RegionRestores,
  restoredClusterPrefix,
  restoredGroupPrefix,
  type RegionRestoresProps,
} from './region-restores';
