import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/http/instant-parser.js';

describe('parseInstant: the one reading of a date-time input', () => {
  it('reads RFC 3339 exactly: offsets, lower-case t/z, fractions cut to milliseconds', () => {
    const cases: Record<string, string> = {
      '2016-12-31T23:59:59Z': '2016-12-31T23:59:59.000Z',
      '2016-12-31t23:59:59z': '2016-12-31T23:59:59.000Z',
      '2017-01-01T07:59:59+08:00': '2016-12-31T23:59:59.000Z',
      '2016-12-31T22:59:59-01:00': '2016-12-31T23:59:59.000Z',
      '2016-12-31T23:59:59.5Z': '2016-12-31T23:59:59.500Z',
      '2016-12-31T23:59:59.123456789Z': '2016-12-31T23:59:59.123Z',
      '2016-02-29T00:00:00Z': '2016-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00Z': '2000-02-29T00:00:00.000Z',
      '0001-01-01T00:00:00Z': '0001-01-01T00:00:00.000Z',
      '0050-06-01T00:00:00Z': '0050-06-01T00:00:00.000Z',
    };
    for (const [text, iso] of Object.entries(cases))
      expect(parseInstant(text)?.toISOString(), text).toBe(iso);
  });

  it('refuses what it cannot represent or that does not exist, instead of an Invalid Date', () => {
    for (const text of [
      '2016-12-31T23:59:60Z',
      '2016-12-31T23:59:60.5Z',
      '2016-12-31T22:59:60-01:00',
      '2016-12-31t23:59:60z',
      '2015-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2016-04-31T00:00:00Z',
      '2016-00-10T00:00:00Z',
      '2016-12-00T00:00:00Z',
      '2016-12-31T24:00:00Z',
      '2016-12-31T23:60:00Z',
      '2016-12-31T23:59:59+24:00',
      '2016-12-31T23:59:59+08:60',
      '2016-12-31T23:59:59',
      '2016-12-31 23:59:59Z',
      '2016-12-31T23:59:59.Z',
      '+275760-09-13T00:00:00Z',
      '2016-12-31',
      ' 2016-12-31T23:59:59Z',
      '2016-12-31T23:59:59Z\n',
      '２０１６-12-31T23:59:59Z',
      '',
    ]) {
      expect(parseInstant(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});
