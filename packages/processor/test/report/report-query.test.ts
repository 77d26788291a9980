import { describe, expect, it } from 'vitest';
import { parseInstant, parseReportQuery } from '../../src/http/report-query.js';

const parse = (query: string) =>
  parseReportQuery(new URLSearchParams(query), Date.parse('2026-11-30T12:00:00Z'));
const from = (value: string) => new Date(parseInstant('from', value)).toISOString();

describe('parseReportQuery', () => {
  describe('when times are RFC 3339 with an offset, or plain dates', () => {
    it.each([
      ['2026-03-01', '2026-03-01T00:00:00.000Z'], // a plain date is UTC midnight
      ['2026-03-01T00:00:00Z', '2026-03-01T00:00:00.000Z'],
      ['2026-03-01t00:00:00z', '2026-03-01T00:00:00.000Z'],
      ['2026-03-01T09:30:00+01:00', '2026-03-01T08:30:00.000Z'],
      ['2026-03-01T00:00:00-05:00', '2026-03-01T05:00:00.000Z'],
      ['2026-03-01T00:00:00+05:45', '2026-02-28T18:15:00.000Z'],
      ['2026-03-01T00:00:00.5Z', '2026-03-01T00:00:00.500Z'],
      ['2026-03-01T00:00:00.123456789Z', '2026-03-01T00:00:00.123Z'],
      ['2028-02-29T12:00:00Z', '2028-02-29T12:00:00.000Z'], // a leap day
    ])('reads %s as %s, whatever the server’s time zone', (raw, iso) => {
      expect(from(raw)).toBe(iso);
    });
  });

  describe('when a time is ambiguous, loose or impossible', () => {
    it.each([
      ['2026-03-01T00:00:00', 'must be an RFC 3339 time with an offset'], // local time of the server: refused
      ['March 1, 2026', 'must be an RFC 3339 time with an offset'],
      ['2026-3-1', 'must be an RFC 3339 time with an offset'],
      ['1772323200000', 'must be an RFC 3339 time with an offset'],
      ['2026-02-30', 'is not a real date'],
      ['2026-13-01', 'is not a real date'],
      ['2027-02-29T00:00:00Z', 'is not a real time'],
      ['2026-03-01T24:00:00Z', 'is not a real time'],
      ['2026-03-01T12:60:00Z', 'is not a real time'],
      ['2026-03-01T12:00:00+24:00', 'is not a real time'],
    ])('refuses %s with a 400 naming the parameter', (raw, message) => {
      let error: unknown;
      try {
        parse(`from=${encodeURIComponent(raw)}`);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ status: 400, details: { field: 'from' } });
      expect((error as Error).message).toContain(`from: ${message}`);
    });

    it('applies to the query’s from and to', () => {
      expect(parse('from=2026-11-01&to=2026-11-02T00:00:00%2B01:00')).toMatchObject({
        fromMs: Date.parse('2026-11-01T00:00:00Z'),
        toMs: Date.parse('2026-11-01T23:00:00Z'),
      });
      expect(() => parse('to=2026-11-02T00:00:00')).toThrow('to: must be an RFC 3339 time with an offset');
    });

    it('checks the day filter the same way', () => {
      expect(() => parse('day=2026-02-30')).toThrow('day: is not a real date: "2026-02-30"');
      expect(() => parse('day=March%201')).toThrow('day: must be a date (YYYY-MM-DD)');
    });
  });

  describe('when a report takes a time zone', () => {
    it('narrows a day filter to that local day', () => {
      expect(parse('from=2026-03-01&to=2026-03-05&day=2026-03-02&timezone=America/New_York')).toMatchObject({
        fromMs: Date.parse('2026-03-02T05:00:00Z'),
        toMs: Date.parse('2026-03-03T05:00:00Z'),
        timezone: 'America/New_York',
        filters: {},
      });
      // A day where DST skips midnight starts at its first local instant.
      expect(parse('from=2026-09-01&to=2026-09-10&day=2026-09-06&timezone=America/Santiago')).toMatchObject({
        fromMs: Date.parse('2026-09-06T04:00:00Z'),
        toMs: Date.parse('2026-09-07T03:00:00Z'),
      });
      // A day outside the range leaves an empty one.
      const empty = parse('from=2026-03-01&to=2026-03-05&day=2026-04-01');
      expect(empty.toMs - empty.fromMs).toBe(0);
    });

    it('refuses an unknown zone, and week or month as filters, naming the parameter', () => {
      expect(() => parse('timezone=Mars/Olympus')).toThrow(
        'timezone: must be an IANA time zone such as Europe/Berlin, got "Mars/Olympus"',
      );
      expect(() => parse('week=2026-03-02')).toThrow('week: is a grouping, not a filter');
      expect(() => parse('month=2026-03')).toThrow('month: is a grouping, not a filter');
    });
  });
});
