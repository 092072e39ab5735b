// startMotoProcess when its free port is taken before the server binds it: another free port, never a failed suite; a port the caller gave is never replaced.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startMotoProcess } from '../../scripts/drill/moto-process';

/**
 * A stand-in server: its first start fails as werkzeug does when the port is taken (the log line and
 * exit 1); every later one answers `/moto-api/` on the port it is given, as moto does.
 */
const SERVER = `#!/usr/bin/env node
const fs = require('node:fs');
const marker = process.env.TAKEN_ONCE;
if (!fs.existsSync(marker)) {
  fs.writeFileSync(marker, process.argv[process.argv.indexOf('-p') + 1]);
  console.error('OSError: [Errno 98] Address already in use');
  process.exit(1);
}
const port = Number(process.argv[process.argv.indexOf('-p') + 1]);
require('node:http').createServer((_request, response) => response.end('{}')).listen(port, '127.0.0.1');
`;

let dir: string;
let command: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'moto-process-'));
  command = join(dir, 'server.js');
  writeFileSync(command, SERVER);
  chmodSync(command, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a free port taken before the bind: started again on another free port', async () => {
  const marker = join(dir, 'taken');
  const server = await startMotoProcess({ command, name: 'stand-in', env: { ...process.env, TAKEN_ONCE: marker } });
  try {
    expect(existsSync(marker)).toBe(true);
    const response = await fetch(`${server.endpoint}/moto-api/`);
    expect(response.ok).toBe(true);
  } finally {
    await server.stop();
  }
});

test('a port the caller gave is not replaced: the start fails naming it', async () => {
  const marker = join(dir, 'taken');
  const port = await freePort();
  await expect(
    startMotoProcess({ command, name: 'stand-in', port, env: { ...process.env, TAKEN_ONCE: marker } }),
  ).rejects.toThrow(`port ${port} is in use: stop what listens there, or leave the port out to use a free one.`);
});
