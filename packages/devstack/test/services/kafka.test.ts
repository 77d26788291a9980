import { describe, expect, it } from 'vitest';
import { kafkaClusterId } from '../../src/services/kafka.js';

describe('kafkaClusterId', () => {
  it('is 16 random bytes in base64url that the storage tool cannot take for an option', () => {
    // Each draw of 16 random bytes starts with '-' 1 time in 64: 10,000 draws without one cannot be luck.
    const ids = Array.from({ length: 10_000 }, () => kafkaClusterId());
    expect(ids.filter((id) => !/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(10_000);
  });
});
