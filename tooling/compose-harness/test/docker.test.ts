import { describe, expect, it } from 'vitest';
import { parseContainerStates, readiness } from '../src/docker.js';

describe('container readiness', () => {
  it('parses docker inspect lines, with and without a healthcheck', () => {
    expect(
      parseContainerStates('/p-db-1 running 0 healthy\n/p-init-1 exited 0 \n\n/p-s3-1 created 0'),
    ).toEqual([
      { name: 'p-db-1', status: 'running', exitCode: 0, health: 'healthy' },
      { name: 'p-init-1', status: 'exited', exitCode: 0, health: '' },
      { name: 'p-s3-1', status: 'created', exitCode: 0, health: '' },
    ]);
  });

  const state = (status: string, health = '', exitCode = 0) => ({
    name: 'c',
    status,
    exitCode,
    health,
  });

  it('is ready when every service is healthy, running without a check, or a one-off that exited 0', () => {
    expect(readiness([state('running', 'healthy'), state('running'), state('exited')])).toEqual({
      verdict: 'ready',
    });
  });

  it('waits for a starting healthcheck, a created container, or no container at all', () => {
    expect(readiness([state('running', 'starting')]).verdict).toBe('waiting');
    expect(readiness([state('created')]).verdict).toBe('waiting');
    expect(readiness([]).verdict).toBe('waiting');
  });

  it('fails on a one-off that exited non-zero or an unhealthy service', () => {
    expect(readiness([state('running', 'healthy'), state('exited', '', 2)])).toEqual({
      verdict: 'failed',
      reason: 'c exited with code 2',
    });
    expect(readiness([state('running', 'unhealthy')])).toEqual({
      verdict: 'failed',
      reason: 'c is unhealthy',
    });
  });
});
