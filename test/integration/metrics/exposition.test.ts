// The exposition reader stands in for promtool where promtool is missing, so it must reject what Prometheus rejects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition } from './exposition.ts';

const histogram = (buckets: string, count: number): string =>
  `# TYPE h histogram\n${buckets}h_sum 1\nh_count ${count}\n`;

describe('parseExposition', () => {
  it('reads families, labels with escapes and special values', () => {
    const families = parseExposition(
      '# HELP g A gauge with \\\\ and \\n.\n# TYPE g gauge\ng{a="x\\"y\\\\z\\nw",b="2"} -Inf\ng{a="q"} Nan 1700000000000\n\n' +
        histogram('h_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\n', 2),
    );
    assert.deepEqual(families.get('g')?.samples[0], {
      name: 'g',
      labels: { a: 'x"y\\z\nw', b: '2' },
      value: -Infinity,
    });
    assert.ok(Number.isNaN(families.get('g')?.samples[1]?.value));
    assert.equal(families.get('h')?.samples.length, 4);
  });

  const bad: [string, string, RegExp][] = [
    ['no final newline', 'g 1', /newline/],
    ['a bad metric name', '1g 1\n', /bad metric name/],
    ['a bad label escape', 'g{a="\\t"} 1\n', /bad escape/],
    ['an unterminated label value', 'g{a="x} 1\n', /unterminated|want/],
    ['a repeated label', 'g{a="1",a="2"} 1\n', /twice/],
    ['a bad value', 'g 1.2.3\n', /bad value/],
    ['an unknown type', '# TYPE g meter\n', /unknown type/],
    ['TYPE after samples', 'g 1\n# TYPE g gauge\n', /after its samples/],
    ['interleaved families', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n', /not contiguous/],
    ['a duplicate series', '# TYPE g gauge\ng{a="1"} 1\ng{a="1"} 2\n', /duplicate series/],
    ['a histogram without +Inf', histogram('h_bucket{le="1"} 1\n', 1), /\+Inf/],
    ['non-cumulative buckets', histogram('h_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\n', 2), /cumulative/],
    ['+Inf differing from _count', histogram('h_bucket{le="+Inf"} 2\n', 3), /_count/],
  ];
  for (const [reason, text, message] of bad) {
    it(`rejects ${reason}`, () => {
      assert.throws(() => parseExposition(text), message);
    });
  }
});
