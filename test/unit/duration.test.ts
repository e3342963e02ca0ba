import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src-main/api/duration.js';

describe('durations', () => {
  it.each([
    ['500ms', 500], ['30s', 30_000], ['2m', 120_000], ['1h30m', 5_400_000], ['1.5s', 1500], ['90', 90_000], [2, 2000], ['1m 30s', 90_000],
  ] as const)('parses %j', (inp, ms) => expect(parseDuration(inp)).toBe(ms));
  it.each(['', 'soon', '10 parsecs', '-5s', '5x', 's5', '1e3'])('rejects %j with a plain message', (bad) => {
    expect(() => parseDuration(bad)).toThrow(/duration/);
  });
  it('formats for people', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(245_000)).toBe('4m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
  });
});
