package veille

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// minVersions are the releases below which our dependencies have known,
// published vulnerabilities (x/net: HTML tokenizer and HTTP/2; bluemonday:
// sanitiser bypasses; bleve and gofeed: the versions the project's security
// review set). The Go vulnerability database cannot be reached from the
// build machines, so this test holds the line; `govulncheck ./...` is the
// full check wherever it can reach its database.
var minVersions = map[string]string{
	"golang.org/x/net":                   "v0.55.0",
	"github.com/microcosm-cc/bluemonday": "v1.0.27",
	"github.com/blevesearch/bleve/v2":    "v2.6.3",
	"github.com/mmcdole/gofeed":          "v1.4.0",
}

// requiredVersions reads the require directives of a go.mod.
func requiredVersions(gomod string) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(gomod))
	block := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case line == "require (":
			block = true
			continue
		case block && line == ")":
			block = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimSpace(strings.TrimPrefix(line, "require "))
		case !block:
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("go.mod: cannot read require line %q", line)
		}
		out[f[0]] = f[1]
	}
	return out, sc.Err()
}

// semverLess compares vMAJOR.MINOR.PATCH versions (pre-release and build
// suffixes count as below the release).
func semverLess(a, b string) (bool, error) {
	pa, prea, err := semverParts(a)
	if err != nil {
		return false, err
	}
	pb, preb, err := semverParts(b)
	if err != nil {
		return false, err
	}
	for i := range 3 {
		if pa[i] != pb[i] {
			return pa[i] < pb[i], nil
		}
	}
	return prea && !preb, nil
}

func semverParts(v string) (parts [3]int, pre bool, err error) {
	s, ok := strings.CutPrefix(v, "v")
	if !ok {
		return parts, false, fmt.Errorf("version %q lacks its v", v)
	}
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s, pre = s[:i], true
	}
	fs := strings.Split(s, ".")
	if len(fs) != 3 {
		return parts, false, fmt.Errorf("version %q is not vX.Y.Z", v)
	}
	for i, f := range fs {
		if parts[i], err = strconv.Atoi(f); err != nil {
			return parts, false, fmt.Errorf("version %q: %w", v, err)
		}
	}
	return parts, pre, nil
}

// checkMinVersions lists the dependencies below their fixed version.
func checkMinVersions(gomod string) []string {
	req, err := requiredVersions(gomod)
	if err != nil {
		return []string{err.Error()}
	}
	var bad []string
	for mod, min := range minVersions {
		got, ok := req[mod]
		if !ok {
			bad = append(bad, mod+" is not in go.mod")
			continue
		}
		less, err := semverLess(got, min)
		if err != nil {
			bad = append(bad, err.Error())
		} else if less {
			bad = append(bad, fmt.Sprintf("%s %s is below %s, which fixes known vulnerabilities", mod, got, min))
		}
	}
	return bad
}

func TestDependenciesAboveKnownVulnerabilities(t *testing.T) {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkMinVersions(string(b)) {
		t.Error(p)
	}
}

// TestCheckMinVersions proves the check above fails when it should.
func TestCheckMinVersions(t *testing.T) {
	ok := "module m\n\ngo 1.26\n\nrequire (\n\tgithub.com/blevesearch/bleve/v2 v2.6.3\n\tgithub.com/mmcdole/gofeed v1.4.2\n\tgolang.org/x/net v0.62.0\n)\n\nrequire github.com/microcosm-cc/bluemonday v1.0.27 // indirect\n"
	tests := map[string]struct {
		gomod string
		bad   int
	}{
		"current":              {ok, 0},
		"old x/net":            {strings.Replace(ok, "v0.62.0", "v0.54.9", 1), 1},
		"old bluemonday":       {strings.Replace(ok, "v1.0.27", "v1.0.26", 1), 1},
		"old bleve":            {strings.Replace(ok, "v2.6.3", "v2.6.2", 1), 1},
		"old gofeed":           {strings.Replace(ok, "v1.4.2", "v1.3.9", 1), 1},
		"pre-release of x/net": {strings.Replace(ok, "v0.62.0", "v0.55.0-rc.1", 1), 1},
		"pseudo-version above": {strings.Replace(ok, "v0.62.0", "v0.63.1-0.20260101000000-abcdefabcdef", 1), 0},
		"newer major minor":    {strings.Replace(ok, "v2.6.3", "v2.10.0", 1), 0},
		"missing gofeed":       {strings.Replace(ok, "\tgithub.com/mmcdole/gofeed v1.4.2\n", "", 1), 1},
		"garbage version":      {strings.Replace(ok, "v1.4.2", "latest", 1), 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := checkMinVersions(tc.gomod); len(got) != tc.bad {
				t.Errorf("problems %q, want %d", got, tc.bad)
			}
		})
	}
}
