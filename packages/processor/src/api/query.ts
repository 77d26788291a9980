// Query parameter declarations shared by routes: every parameter an optional string, parsed by the route.
import { z } from 'zod';
import { DIMENSION_NAMES, type Dimension } from '../decode/cost-event.js';

const text = (description: string) => z.string().optional().meta({ description });

export const RangeQuery = {
  from: text('inclusive, RFC 3339 with an offset or a date (UTC); default to − 30 days'),
  to: text('exclusive; default now'),
};

const filters = Object.fromEntries(
  DIMENSION_NAMES.map((d) => [
    d,
    text(
      d === 'day'
        ? 'only this local day (YYYY-MM-DD) in timezone'
        : d === 'week' || d === 'month'
          ? 'a grouping, not a filter (refused)'
          : `only ${d} = value`,
    ),
  ]),
) as Record<Dimension, ReturnType<typeof text>>;

export const ReportQuery = z
  .object({
    ...RangeQuery,
    groupBy: text(`comma-separated dimensions: ${DIMENSION_NAMES.join(', ')}`),
    timezone: text(
      'IANA zone of the day, week (labelled by its Monday) and month groups, and of the day filter',
    ),
    format: text('json (default) or csv'),
    ...filters,
  })
  .strict();

export const RangeOnlyQuery = z.object(RangeQuery).strict();

export const TeamParam = z.object({ team: z.string().min(1).meta({ description: 'the team' }) });

export const KeyParam = z.object({
  key: z.string().min(1).meta({
    description: 'a budget scope’s key, URL-encoded: team=search&model=openai/gpt-4o, customer=*, org',
  }),
});

/** `limit` as a query string: a positive integer up to `max`. */
export const limitParam = (max: number) =>
  z
    .string()
    .regex(/^[1-9]\d*$/, 'must be a positive integer')
    .refine((v) => Number(v) <= max, `must be at most ${max}`)
    .optional()
    .meta({ description: `at most this many (1–${max})` });
