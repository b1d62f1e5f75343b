package server

import (
	"testing"

	"github.com/nogentech/veille"
)

// An index this process has not written to yet is at version 0: the
// cache must still start (it once wrote to a nil map, under its lock).
func TestResultCacheFromVersionZero(t *testing.T) {
	var c resultCache
	if _, ok := c.get(0, "k"); ok {
		t.Fatal("hit in an empty cache")
	}
	r := &veille.SearchResult{Total: 3}
	c.put(0, "k", r)
	if got, ok := c.get(0, "k"); !ok || got != r {
		t.Fatal("miss after put")
	}
	if _, ok := c.get(1, "k"); ok {
		t.Fatal("a result survived an index write")
	}
}
