import { describe, expect, it } from 'vitest';

import { InsertionOrderedMap, RecentKeys } from '../../src/internal/ordered.js';

describe('InsertionOrderedMap', () => {
  it('gives the oldest entry after deletes anywhere', () => {
    const map = new InsertionOrderedMap<string, number>();
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);

    map.delete('b');
    expect(map.oldest()).toEqual(['a', 1]);
    map.delete('a');
    expect(map.oldest()).toEqual(['c', 3]);
    map.delete('c');
    expect(map.oldest()).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('keeps the place of a key set again', () => {
    const map = new InsertionOrderedMap<string, number>();
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);

    expect(map.oldest()).toEqual(['a', 3]);
    expect(map.get('a')).toBe(3);
  });

  it('links new entries after the list was emptied', () => {
    const map = new InsertionOrderedMap<string, number>();
    map.set('a', 1);
    map.delete('a');
    map.set('b', 2);
    map.set('c', 3);
    map.delete('c');

    expect(map.oldest()).toEqual(['b', 2]);
    expect(map.delete('missing')).toBe(false);
  });
});

describe('RecentKeys', () => {
  it('forgets the oldest key past its capacity', () => {
    const keys = new RecentKeys<string>(2);
    keys.add('a');
    keys.add('b');
    keys.add('a');
    keys.add('c');

    expect(keys.has('a')).toBe(false);
    expect(keys.has('b')).toBe(true);
    expect(keys.has('c')).toBe(true);
    expect(keys.size).toBe(2);

    keys.add('d');
    expect(keys.has('b')).toBe(false);
    expect([keys.has('c'), keys.has('d')]).toEqual([true, true]);
  });
});
