package graphqlexec

import (
	"container/list"
	"hash/maphash"
	"sync"
)

// docCache is a bounded, sharded LRU of prepared documents keyed by query
// text. Sharding keeps lock hold times short under concurrency; each shard
// evicts its least recently used entry when full.
type docCache struct {
	seed   maphash.Seed
	shards [16]cacheShard
}

type cacheShard struct {
	mu    sync.Mutex
	cap   int
	items map[string]*list.Element
	order list.List // front: most recently used
	// Lookups that found a document, and that did not (counted under mu).
	hits, misses uint64
}

type cacheEntry struct {
	key string
	doc *cachedDocument
}

func newDocCache(size int) *docCache {
	c := &docCache{seed: maphash.MakeSeed()}
	per := max(1, size/len(c.shards))
	for i := range c.shards {
		c.shards[i].cap = per
		c.shards[i].items = make(map[string]*list.Element)
	}
	return c
}

func (c *docCache) shard(key string) *cacheShard {
	return &c.shards[maphash.String(c.seed, key)%uint64(len(c.shards))]
}

func (c *docCache) get(key string) *cachedDocument {
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.items[key]; ok {
		s.order.MoveToFront(el)
		s.hits++
		return el.Value.(*cacheEntry).doc
	}
	s.misses++
	return nil
}

// stats sums the shards' lookup counts.
func (c *docCache) stats() (hits, misses uint64) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		hits += s.hits
		misses += s.misses
		s.mu.Unlock()
	}
	return hits, misses
}

// add stores doc unless another goroutine stored one first; it returns the
// cached document.
func (c *docCache) add(key string, doc *cachedDocument) *cachedDocument {
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.items[key]; ok {
		s.order.MoveToFront(el)
		return el.Value.(*cacheEntry).doc
	}
	s.items[key] = s.order.PushFront(&cacheEntry{key: key, doc: doc})
	for s.order.Len() > s.cap {
		old := s.order.Back()
		s.order.Remove(old)
		delete(s.items, old.Value.(*cacheEntry).key)
	}
	return doc
}

func (c *docCache) len() int {
	n := 0
	for i := range c.shards {
		c.shards[i].mu.Lock()
		n += c.shards[i].order.Len()
		c.shards[i].mu.Unlock()
	}
	return n
}
