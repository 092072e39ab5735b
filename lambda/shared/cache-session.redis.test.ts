// The cache session against a real redis-server with TLS and AUTH: the sentinel's round trip, the key counts, and each way a read cannot run.
import { createServer, type Server, type Socket } from 'node:net';
import { REDIS_SENTINEL } from '../../lib/contract';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server';
import { freePort } from '../../scripts/drill/moto-process';
import { CacheUnreachableError, parseKeyspace, redisConnector } from './cache-session';
import { sentinelProblem, sentinelValue } from './sentinel';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
beforeEach(() => redis.send(['FLUSHALL']));

const connect = () => redisConnector({ ca: redis.ca, timeoutMs: 5000 });

test('a sentinel written over TLS with the AUTH token reads back equal, and counts split keys with and without TTL', async () => {
  const written = sentinelValue('staging', new Date('2026-11-29T02:00:00Z'));
  await redis.send(['SET', 'rate:a', '1', 'EX', '60'], ['SET', 'rate:b', '1', 'EX', '60'], ['SET', 'config', 'x']);
  const read = await connect()(redis.endpoint, redis.password, async (session) => {
    await session.set(REDIS_SENTINEL.key, JSON.stringify(written));
    return { value: await session.get(REDIS_SENTINEL.key), counts: await session.counts() };
  });
  expect(sentinelProblem('staging', written, read.value)).toBeUndefined();
  expect(read.counts).toEqual({ keys: 4, expires: 2, persistent: 2 });
  // The sentinel carries no TTL, so a restore of any age keeps it.
  expect(await redis.send(['TTL', REDIS_SENTINEL.key])).toEqual([-1]);
});

test('a missing sentinel reads as null and is named as missing', async () => {
  const value = await connect()(redis.endpoint, redis.password, (session) => session.get(REDIS_SENTINEL.key));
  expect(value).toBeNull();
  expect(sentinelProblem('staging', sentinelValue('staging', new Date()), value)).toBe(
    'sentinel missing from the restored copy',
  );
});

test('a wrong AUTH token is a cache that could not be read', async () => {
  await expect(connect()(redis.endpoint, 'wrong-token', (session) => session.counts())).rejects.toThrow(
    CacheUnreachableError,
  );
});

test('no AUTH token against a node that requires one fails on the first command, as unreachable', async () => {
  await expect(connect()(redis.endpoint, undefined, (session) => session.counts())).rejects.toMatchObject({
    name: 'CacheUnreachableError',
    message: expect.stringMatching(/NOAUTH/),
  });
});

test('connection refused is a cache that could not be read', async () => {
  const port = await freePort();
  await expect(
    connect()({ host: 'localhost', port }, redis.password, (session) => session.counts()),
  ).rejects.toMatchObject({
    name: 'CacheUnreachableError',
    message: expect.stringMatching(new RegExp(`localhost:${port}`)),
  });
});

test('a node that accepts the connection but never answers times out, as unreachable', async () => {
  const sockets: Socket[] = [];
  const silent: Server = createServer((socket) => void sockets.push(socket));
  const port = await freePort();
  await new Promise<void>((listening) => silent.listen(port, '127.0.0.1', listening));
  try {
    const started = Date.now();
    await expect(
      redisConnector({ ca: redis.ca, timeoutMs: 300 })({ host: 'localhost', port }, redis.password, (session) =>
        session.counts(),
      ),
    ).rejects.toThrow(CacheUnreachableError);
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((closed) => silent.close(closed));
  }
});

test('a certificate the client does not trust is refused: TLS is verified, never skipped', async () => {
  await expect(
    redisConnector({ timeoutMs: 5000 })(redis.endpoint, redis.password, (session) => session.counts()),
  ).rejects.toThrow(CacheUnreachableError);
});

test('INFO keyspace is summed over every database', () => {
  expect(parseKeyspace('# Keyspace\r\ndb0:keys=5,expires=3,avg_ttl=10\r\ndb2:keys=2,expires=0,avg_ttl=0\r\n')).toEqual({
    keys: 7,
    expires: 3,
    persistent: 4,
  });
  expect(parseKeyspace('# Keyspace\r\n')).toEqual({ keys: 0, expires: 0, persistent: 0 });
});
