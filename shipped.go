package veille

import _ "embed"

// ShippedConfig is the feeds.yaml shipped with veille: the taxonomy and its
// tagging rules, the real sources, example members, digests and alerts. The
// demo uses its taxonomy offline; `veille` users copy and edit it.
//
//go:embed feeds.yaml
var ShippedConfig []byte
