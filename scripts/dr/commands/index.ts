// Every subcommand of dr, in the order `dr --help` lists them. A new subcommand is a module of this folder and one line here.
import type { RegisterCommand } from '../command-kit';
import { registerFailover } from './failover';
import { registerFreeze } from './freeze';
import { registerProviders } from './providers';
import { registerRepo } from './repo';
import { registerRestart } from './restart';
import { registerRestore } from './restore';
import { registerSecrets } from './secrets';
import { registerStatus } from './status';
import { registerWarmCache } from './warm-cache';

export const COMMANDS: readonly RegisterCommand[] = [
  registerStatus,
  registerFailover,
  registerRestore,
  registerWarmCache,
  registerRestart,
  registerFreeze,
  registerRepo,
  registerSecrets,
  registerProviders,
];
