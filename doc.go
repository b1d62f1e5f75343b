// Package veille holds the domain types of the regulatory watch: items,
// sources, the taxonomy and its tagger, and the configuration. It imports no
// other package of the project, so every other package can import it.
package veille
