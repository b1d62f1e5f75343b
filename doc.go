// Package veille holds the domain types of the regulatory watch: items,
// sources, the taxonomy and its tagger, and the configuration. It imports no
// other package of the project (but internal helpers), so every other
// package can import it. Two rules about items live here and nowhere else:
// their canonical form (Item.Normalize, which the store applies once) and
// why an item has a tag (Tagger.Tag for one source's view, MergeTags when
// several sources saw it).
package veille
