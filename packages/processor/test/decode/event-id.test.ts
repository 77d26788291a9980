import { describe, expect, it } from 'vitest';
import { idBytes, idText } from '../../src/decode/event-id.js';

describe('event ids as the ledger stores them', () => {
  it('stores a hex id as a tag byte and its bytes', () => {
    expect(idBytes('0af7651916cd43dd8448eb211c80319c').toString('hex')).toBe(
      '000af7651916cd43dd8448eb211c80319c',
    );
    expect(idBytes('b7ad6b7169203331').toString('hex')).toBe('00b7ad6b7169203331');
  });

  it("stores the processor's derived ids under their own tags", () => {
    expect(idBytes('rep-b7ad6b7169203331').toString('hex')).toBe('01b7ad6b7169203331');
    expect(idBytes('adj-gen-123').toString('hex')).toBe(`02${Buffer.from('gen-123').toString('hex')}`);
  });

  it('stores any other text as UTF-8 under the text tag', () => {
    for (const text of ['s1', 'ABCDEF', 'abc', 'rep-xyz', 'rep-', '', 'é'])
      expect(idBytes(text).toString('hex'), text).toBe(`03${Buffer.from(text).toString('hex')}`);
  });

  it('reads every form back as the id it stands for, and no two ids share a stored form', () => {
    const ids = [
      '0af7651916cd43dd8448eb211c80319c',
      'b7ad6b7169203331',
      'rep-b7ad6b7169203331',
      'adj-gen-123',
      'adj-',
      's1',
      'ABCDEF',
      'abcdef',
      'rep-xyz',
      '',
      'é',
    ];
    for (const id of ids) expect(idText(idBytes(id))).toBe(id);
    expect(new Set(ids.map((id) => idBytes(id).toString('hex'))).size).toBe(ids.length);
  });

  it('refuses a stored value with an unknown tag', () => {
    expect(() => idText(Buffer.from('09ab', 'hex'))).toThrow('ledger: a stored id with an unknown tag 9');
  });
});
