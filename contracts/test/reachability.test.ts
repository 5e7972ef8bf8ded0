import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isConnectionError, Reachability, type ReachabilityChange } from '../src/index.js';

function tracker(): { reachability: Reachability; changes: ReachabilityChange[] } {
  const changes: ReachabilityChange[] = [];
  return { reachability: new Reachability((change) => changes.push(change)), changes };
}

describe('reachability', () => {
  it('reports an outage once, however many failures it holds, and its end once', () => {
    const { reachability, changes } = tracker();
    for (let i = 0; i < 50; i++) reachability.unreachable('redis', 'connection 1', 'ECONNREFUSED');
    reachability.reachable('redis', 'connection 1');
    reachability.reachable('redis', 'connection 1');
    expect(changes).toEqual([
      {
        dependency: 'redis',
        reachable: false,
        reason: 'ECONNREFUSED',
        msg: 'redis unreachable, retrying',
      },
      { dependency: 'redis', reachable: true, msg: 'redis reachable again' },
    ]);
  });

  it('says nothing of a dependency that answers from the start', () => {
    const { reachability, changes } = tracker();
    reachability.reachable('redis', 'connection 1');
    expect(changes).toEqual([]);
    expect(reachability.unreachableNow()).toEqual([]);
  });

  it('holds a dependency unreachable until every failing member answers', () => {
    const { reachability, changes } = tracker();
    reachability.unreachable('redis', 'connection 1', 'reset');
    reachability.unreachable('redis', 'connection 2', 'reset');
    reachability.reachable('redis', 'connection 1');
    expect(reachability.unreachableNow()).toEqual(['redis']);
    reachability.reachable('redis', 'connection 2');
    expect(changes.map((c) => c.msg)).toEqual([
      'redis unreachable, retrying',
      'redis reachable again',
    ]);
  });

  it('keeps dependencies apart and lists the unreachable ones by name', () => {
    const { reachability } = tracker();
    reachability.unreachable('object-store', 'probe', 'timed out');
    reachability.unreachable('job-events', 'events', 'HTTP 503');
    expect(reachability.unreachableNow()).toEqual(['job-events', 'object-store']);
  });

  it('notes what a probe finds and passes on its result or error', async () => {
    const { reachability, changes } = tracker();
    await expect(
      reachability.observe('object-store', 'probe', () => Promise.reject(new Error('timed out'))),
    ).rejects.toThrow('timed out');
    expect(await reachability.observe('object-store', 'probe', () => Promise.resolve(7))).toBe(7);
    expect(changes.map((c) => [c.msg, c.reason])).toEqual([
      ['object-store unreachable, retrying', 'timed out'],
      ['object-store reachable again', undefined],
    ]);
  });
});

describe('connection errors', () => {
  it('tells a refused or lost connection from other faults', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    expect(isConnectionError(refused)).toBe(true);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionError(new Error('NOSCRIPT No matching script'))).toBe(false);
    expect(isConnectionError('ECONNREFUSED')).toBe(false);
  });
});

describe('a reconnecting client', () => {
  it('is unreachable on its errors and reachable again once ready', () => {
    const { reachability, changes } = tracker();
    const client = new EventEmitter();
    reachability.watch(client, 'redis', 'connection 1');
    client.emit('error', new Error('connect ECONNREFUSED'));
    client.emit('error', new Error('connect ECONNREFUSED'));
    client.emit('ready');
    expect(changes.map((c) => c.msg)).toEqual([
      'redis unreachable, retrying',
      'redis reachable again',
    ]);
  });
});
