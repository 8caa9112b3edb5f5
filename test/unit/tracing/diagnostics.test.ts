import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnosticsLogger } from '../../../src/tracing/diagnostics.ts';
import { recordingLogger } from '../../fakes/logger.ts';

describe('diagnosticsLogger', () => {
  it('warns about the first export problem and logs repeats at debug level', () => {
    const { logger, messages } = recordingLogger();
    let now = 0;
    const diag = diagnosticsLogger(logger, () => now);
    diag.error('{"message":"connect ECONNREFUSED 127.0.0.1:9"}');
    for (let i = 0; i < 100; i++) {
      now += 1_000;
      diag.error('{"message":"connect ECONNREFUSED 127.0.0.1:9"}');
      diag.warn('Dropped 12 spans because maxQueueSize reached');
    }
    assert.equal(messages.warn.length, 1);
    assert.match(messages.warn[0] ?? '', /cannot export spans/);
    assert.equal(messages.debug.length, 200);
    assert.deepEqual(messages.error, []);
  });

  it('warns again once the quiet period has passed', () => {
    const { logger, messages } = recordingLogger();
    let now = 0;
    const diag = diagnosticsLogger(logger, () => now);
    diag.error('export failed');
    now += 9 * 60_000;
    diag.error('export failed');
    now += 60_000;
    diag.error('export failed');
    assert.equal(messages.warn.length, 2);
    assert.equal(messages.debug.length, 1);
  });

  it('keeps the SDK informational messages at debug level and drops verbose ones', () => {
    const { logger, messages } = recordingLogger();
    const diag = diagnosticsLogger(logger);
    diag.info('registered');
    diag.debug('items to be sent', 3);
    diag.verbose('very chatty');
    assert.deepEqual(messages.debug, ['Tracing: registered', 'Tracing: items to be sent']);
    assert.deepEqual(messages.warn, []);
  });
});
