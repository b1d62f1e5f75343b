package refs_test

import (
	"testing"

	"github.com/nogentech/veille/refs"
)

// BenchmarkExtract is the cost of extraction per item, over the 30 real JORF
// items of testdata (1–20 KB of act text each).
func BenchmarkExtract(b *testing.B) {
	items := devItems(b)
	var texts [][2]string
	bytes := 0
	for _, it := range items {
		texts = append(texts, [2]string{it.Title, it.Content})
		bytes += len(it.Title) + len(it.Content)
	}
	b.SetBytes(int64(bytes / len(texts)))
	b.ResetTimer()
	i := 0
	for b.Loop() {
		t := texts[i%len(texts)]
		refs.Extract(t[0], t[1])
		i++
	}
}
