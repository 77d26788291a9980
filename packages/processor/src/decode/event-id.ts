// Trace and span ids as the ledger stores them: bytes, a tag byte then the payload. A hex id (every OTLP id) is its
// bytes — 17 for a trace id, 9 for a span id, against 32 and 16 characters of text; the ids the processor derives
// keep their form: `rep-<span id>` (a re-pricing adjustment) is its span's bytes under its own tag, `adj-<generation
// id>` (a reconciliation adjustment) and any other text are UTF-8. The tags keep the mapping one-to-one, so an
// event's identity is the same as text or as bytes, and migration 12 turned every stored id into these bytes.
const HEX = /^(?:[0-9a-f]{2})+$/;
const TAG = { hex: 0, repriced: 1, adjustment: 2, text: 3 } as const;
const REPRICED = 'rep-';
const ADJUSTMENT = 'adj-';

const tagged = (tag: number, payload: Buffer) => Buffer.concat([Buffer.of(tag), payload]);

/** The stored form of a trace or span id. */
export function idBytes(id: string): Buffer {
  if (HEX.test(id)) return tagged(TAG.hex, Buffer.from(id, 'hex'));
  if (id.startsWith(REPRICED) && HEX.test(id.slice(REPRICED.length)))
    return tagged(TAG.repriced, Buffer.from(id.slice(REPRICED.length), 'hex'));
  if (id.startsWith(ADJUSTMENT))
    return tagged(TAG.adjustment, Buffer.from(id.slice(ADJUSTMENT.length), 'utf8'));
  return tagged(TAG.text, Buffer.from(id, 'utf8'));
}

/** The id a stored value stands for (the inverse of `idBytes`). */
export function idText(stored: Uint8Array): string {
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const payload = bytes.subarray(1);
  switch (bytes[0]) {
    case TAG.hex:
      return payload.toString('hex');
    case TAG.repriced:
      return `${REPRICED}${payload.toString('hex')}`;
    case TAG.adjustment:
      return `${ADJUSTMENT}${payload.toString('utf8')}`;
    case TAG.text:
      return payload.toString('utf8');
    default:
      throw new Error(`ledger: a stored id with an unknown tag ${bytes[0]}`);
  }
}

/**
 * SQL for the stored form of the re-pricing adjustment (`rep-<span id>`) of the call whose stored span id is the
 * column `span`: as `idBytes` makes it — the span's bytes under the re-pricing tag for a hex id, the text otherwise.
 */
export function repricedIdSql(dialect: 'sqlite' | 'postgres', span: string): string {
  return dialect === 'sqlite'
    ? `CASE WHEN substr(${span}, 1, 1) = X'00' THEN unhex('01' || hex(substr(${span}, 2)))
        ELSE unhex('03' || hex('rep-') || hex(substr(${span}, 2))) END`
    : `CASE WHEN get_byte(${span}, 0) = 0 THEN '\\x01'::bytea || substring(${span} from 2)
        ELSE '\\x03'::bytea || convert_to('rep-', 'UTF8') || substring(${span} from 2) END`;
}
