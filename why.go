package veille

import "strings"

// Reasons is a tag's Why read back: the terms found in the item's text,
// the sources that give the tag to everything they publish, and the
// categories that imply it. The tagger records all three in one list
// ("déchets", "source:jorf-te", "via:surgical-instruments"); whoever shows
// them must not call a source a term found.
type Reasons struct {
	Terms   []string
	Sources []string
	Via     []string
}

// SplitWhy sorts a tag's Why into its Reasons. A term found inside a
// longer one ("déchets" beside "déchets dangereux", "ICPE" twice in two
// spellings) is said once, by the longer; the order of the list is kept.
func SplitWhy(why []string) Reasons {
	var r Reasons
	var terms []string
	for _, w := range why {
		switch {
		case strings.HasPrefix(w, "source:"):
			r.Sources = appendNew(r.Sources, strings.TrimPrefix(w, "source:"))
		case strings.HasPrefix(w, "via:"):
			r.Via = appendNew(r.Via, strings.TrimPrefix(w, "via:"))
		case strings.TrimSpace(w) != "":
			terms = append(terms, w)
		}
	}
	for i, a := range terms {
		fa := strings.TrimSuffix(Fold(a), "*")
		covered := false
		for j, b := range terms {
			if i == j {
				continue
			}
			fb := Fold(b)
			// Inside a longer term, or the same term already kept.
			if (len(fb) > len(fa) && containsWords(fb, fa)) || (fb == Fold(a) && j < i) {
				covered = true
				break
			}
		}
		if !covered {
			r.Terms = append(r.Terms, a)
		}
	}
	return r
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// containsWords reports whether the folded term sub appears in s starting
// at a word boundary (a wildcard stem "anodi" is inside "anodisation dure";
// "or" is not inside "forge").
func containsWords(s, sub string) bool {
	if sub == "" {
		return false
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub && (i == 0 || !isWordByte(s[i-1])) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}
