/**
 * Maps and sets that give their oldest entry in constant time. A `Map`
 * iterates in insertion order, but after many deletes at its front,
 * `keys().next()` walks over the deleted slots until the table is
 * rebuilt, which makes evicting the oldest entry of a full map slow.
 */

interface Node<K, V> {
  key: K;
  value: V;
  older?: Node<K, V>;
  newer?: Node<K, V>;
}

/** A map that keeps its entries in insertion order, in a linked list. */
export class InsertionOrderedMap<K, V> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private oldestNode?: Node<K, V>;
  private newestNode?: Node<K, V>;

  get size(): number {
    return this.nodes.size;
  }

  get(key: K): V | undefined {
    return this.nodes.get(key)?.value;
  }

  /** Adds an entry as the newest; a key already present keeps its place. */
  set(key: K, value: V): void {
    const existing = this.nodes.get(key);
    if (existing !== undefined) {
      existing.value = value;
      return;
    }
    const node: Node<K, V> = { key, value, older: this.newestNode };
    if (this.newestNode !== undefined) {
      this.newestNode.newer = node;
    } else {
      this.oldestNode = node;
    }
    this.newestNode = node;
    this.nodes.set(key, node);
  }

  delete(key: K): boolean {
    const node = this.nodes.get(key);
    if (node === undefined) {
      return false;
    }
    this.nodes.delete(key);
    if (node.older !== undefined) {
      node.older.newer = node.newer;
    } else {
      this.oldestNode = node.newer;
    }
    if (node.newer !== undefined) {
      node.newer.older = node.older;
    } else {
      this.newestNode = node.older;
    }
    return true;
  }

  /** The oldest entry, or undefined when the map is empty. */
  oldest(): [K, V] | undefined {
    const node = this.oldestNode;
    return node && [node.key, node.value];
  }
}

/**
 * The last `capacity` keys added, for membership tests: adding a key past
 * the capacity forgets the oldest.
 */
export class RecentKeys<K> {
  private readonly members = new Set<K>();
  private readonly ring: K[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.members.size;
  }

  has(key: K): boolean {
    return this.members.has(key);
  }

  add(key: K): void {
    if (this.members.has(key)) {
      return;
    }
    if (this.ring.length < this.capacity) {
      this.ring.push(key);
    } else {
      this.members.delete(this.ring[this.next]!);
      this.ring[this.next] = key;
      this.next = (this.next + 1) % this.capacity;
    }
    this.members.add(key);
  }
}
