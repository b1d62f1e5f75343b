package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/opml"
	"github.com/nogentech/veille/internal/text"
)

// runImportOPML appends the feeds of an OPML file to the sources of the
// config. It inserts text where the YAML syntax tree says the sources list
// ends (cmd_importopml_yaml.go) rather than re-marshalling the config, so
// the comments, the order and the layout people gave it stay as they
// were; the result is validated before it replaces the file.
func runImportOPML(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "import-opml")
	every := fs.String("every", "6h", "crawl interval written for each new source")
	lang := fs.String("lang", "", "language (fr or en) for feeds whose OPML entry does not say")
	jurisdiction := fs.String("jurisdiction", "", "jurisdiction (FR, EU, US...) written for each new source")
	dryRun := fs.Bool("dry-run", false, "print what would be appended; change nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"want exactly one OPML file: veille import-opml [flags] FILE.opml"}
	}
	if *lang != "" && *lang != "fr" && *lang != "en" {
		return usageError{fmt.Sprintf("--lang must be fr or en, got %q", *lang)}
	}
	if _, err := time.ParseDuration(*every); err != nil {
		return usageError{fmt.Sprintf("--every: %v", err)}
	}
	opmlFile := fs.Arg(0)
	f, err := os.Open(opmlFile)
	if err != nil {
		return fmt.Errorf("read OPML: %w", err)
	}
	feeds, links, err := parseOPML(io.LimitReader(f, 16<<20))
	f.Close()
	// Links are said before any error: "nothing to import" from a file of
	// links must show what was left out.
	for _, sk := range links {
		fmt.Fprintf(g.stderr, "skip %s: %s\n", sk.url, sk.why)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", opmlFile, err)
	}

	src, err := os.ReadFile(g.config)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	cfg, err := veille.ParseConfig(src, g.config)
	if err != nil {
		return usageError{fmt.Sprintf("the config has problems; fix them before importing:\n%v", err)}
	}
	plan := planImport(cfg, feeds, importDefaults{every: *every, lang: *lang, jurisdiction: *jurisdiction})
	for _, sk := range plan.skipped {
		fmt.Fprintf(g.stderr, "skip %s: %s\n", sk.url, sk.why)
	}
	if len(plan.add) == 0 {
		fmt.Fprintf(g.stdout, "nothing to add: %d feed(s) in %s, none new\n", len(feeds), opmlFile)
		return nil
	}
	out, err := appendSources(src, plan.add)
	if err != nil {
		return fmt.Errorf("edit %s: %w", g.config, err)
	}
	after, err := veille.ParseConfig(out, g.config)
	if err != nil {
		return fmt.Errorf("the edited config would not be valid, %s is unchanged:\n%w", g.config, err)
	}
	if got, want := len(after.Sources), len(cfg.Sources)+len(plan.add); got != want {
		return fmt.Errorf("the edited config has %d sources, want %d; %s is unchanged", got, want, g.config)
	}
	if *dryRun {
		fmt.Fprintf(g.stdout, "would append %d source(s) to %s:\n\n%s", len(plan.add), g.config, renderSources(plan.add, sourcesIndent(src)))
		return nil
	}
	if err := writeFileAtomic(g.config, out); err != nil {
		return err
	}
	for _, s := range plan.add {
		fmt.Fprintf(g.stdout, "added %s: %s\n", s.ID, s.URL)
	}
	fmt.Fprintf(g.stdout, "%d source(s) appended to %s (%d skipped); run `veille check` to review\n", len(plan.add), g.config, len(plan.skipped)+len(links))
	return nil
}

// opmlFeed is one subscription of an OPML file.
type opmlFeed struct {
	Title, XMLURL, HTMLURL, Language string
}

// linkSkipped is why a type="link" outline is not imported: it points to
// a web page, not a feed, and an html source needs CSS selectors that only
// a person can write.
const linkSkipped = `a link (type="link"), not a feed; to watch that page, add it as a kind: html source with its select: rules`

// parseOPML returns the outlines that have an xmlUrl, at any depth
// (readers nest them in folders), in document order, and the link
// outlines it leaves out.
func parseOPML(r io.Reader) ([]opmlFeed, []skippedFeed, error) {
	var doc opml.Doc
	dec := xml.NewDecoder(r)
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("empty file, not OPML")
		}
		return nil, nil, fmt.Errorf("not a valid OPML file: %w", err)
	}
	var out []opmlFeed
	var links []skippedFeed
	var walk func([]opml.Outline, int) error
	walk = func(os []opml.Outline, depth int) error {
		if depth > 50 {
			return errors.New("outlines nested more than 50 deep")
		}
		for _, o := range os {
			if u := strings.TrimSpace(o.XMLURL); u != "" {
				out = append(out, opmlFeed{Title: text.FirstNonEmpty(strings.TrimSpace(o.Title), strings.TrimSpace(o.Text)), XMLURL: u,
					HTMLURL: strings.TrimSpace(o.HTMLURL), Language: strings.TrimSpace(o.Language)})
			} else if strings.EqualFold(strings.TrimSpace(o.Type), "link") {
				links = append(links, skippedFeed{text.FirstNonEmpty(strings.TrimSpace(o.URL), strings.TrimSpace(o.Text), "(no url)"), linkSkipped})
			}
			if err := walk(o.Children, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(doc.Body, 0); err != nil {
		return nil, nil, err
	}
	if len(out) == 0 {
		return nil, links, errors.New("no outline with an xmlUrl: nothing to import")
	}
	return out, links, nil
}

type importDefaults struct{ every, lang, jurisdiction string }

type skippedFeed struct{ url, why string }

type importPlan struct {
	add     []veille.Source
	skipped []skippedFeed
}

// planImport decides which feeds are new and gives each a unique id.
func planImport(cfg veille.Config, feeds []opmlFeed, d importDefaults) importPlan {
	var p importPlan
	ids := map[string]bool{}
	urls := map[string]string{}
	for _, s := range cfg.Sources {
		ids[s.ID] = true
		urls[sameFeedKey(s.URL)] = s.ID
	}
	for _, f := range feeds {
		u, err := url.Parse(f.XMLURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.skipped = append(p.skipped, skippedFeed{f.XMLURL, "not an absolute http(s) URL"})
			continue
		}
		key := sameFeedKey(f.XMLURL)
		if id, dup := urls[key]; dup {
			p.skipped = append(p.skipped, skippedFeed{f.XMLURL, "already in the config as " + id})
			continue
		}
		name := f.Title
		if name == "" {
			name = u.Host
		}
		id := uniqueID(slug(name), u, ids)
		ids[id] = true
		urls[key] = id
		src := veille.Source{ID: id, Name: name, Kind: veille.KindFeed, URL: f.XMLURL, Lang: d.lang, Jurisdiction: d.jurisdiction}
		if l := strings.ToLower(f.Language); len(l) >= 2 && (l[:2] == "fr" || l[:2] == "en") && (len(l) == 2 || l[2] == '-' || l[2] == '_') {
			src.Lang = l[:2]
		}
		if dd, err := time.ParseDuration(d.every); err == nil {
			src.Every = veille.Duration(dd)
		}
		p.add = append(p.add, src)
	}
	return p
}

// sameFeedKey compares feed URLs the way a person would: scheme and host
// case do not matter, nor a trailing slash.
func sameFeedKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Fragment = ""
	return strings.TrimSuffix(u.String(), "/")
}

const maxIDLen = 40

// slug makes a source id from a name: ASCII letters and digits joined by
// dashes ("ANSM – Dispositifs médicaux" → "ansm-dispositifs-medicaux").
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // the accent of a decomposed letter
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == 'œ':
			b.WriteString("oe")
		case r == 'æ':
			b.WriteString("ae")
		default:
			dash = true
		}
		if b.Len() >= maxIDLen {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

func uniqueID(base string, u *url.URL, taken map[string]bool) string {
	if base == "" {
		base = slug(u.Hostname())
	}
	if base == "" {
		base = "feed"
	}
	if len(base) > maxIDLen {
		base = strings.Trim(base[:maxIDLen], "-")
	}
	id := base
	for n := 2; taken[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	return id
}

// renderSources writes sources in the layout of the example config.
func renderSources(add []veille.Source, dash string) string {
	var b strings.Builder
	key := dash + "  "
	for i, s := range add {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s# imported from OPML on %s\n", dash, time.Now().Format("2006-01-02"))
		fmt.Fprintf(&b, "%s- id: %s\n", dash, s.ID)
		fmt.Fprintf(&b, "%sname: %s\n", key, yamlString(s.Name))
		fmt.Fprintf(&b, "%skind: %s\n", key, s.Kind)
		fmt.Fprintf(&b, "%surl: %s\n", key, yamlString(s.URL))
		if s.Every > 0 {
			fmt.Fprintf(&b, "%severy: %s\n", key, shortDuration(s.Every.D()))
		}
		if s.Lang != "" {
			fmt.Fprintf(&b, "%slang: %s\n", key, s.Lang)
		}
		if s.Jurisdiction != "" {
			fmt.Fprintf(&b, "%sjurisdiction: %s\n", key, yamlString(s.Jurisdiction))
		}
	}
	return b.String()
}

// yamlString writes a value plain when YAML reads it back as the same
// string (URLs and most names), else double-quoted: a JSON string is a
// valid YAML double-quoted scalar.
func yamlString(s string) string {
	plain := s != "" && strings.TrimSpace(s) == s &&
		!strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") && !strings.HasSuffix(s, ":") &&
		!strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == '\\' || r == '"' })
	switch strings.ToLower(s) {
	case "yes", "no", "true", "false", "on", "off", "null", "~", "y", "n":
		plain = false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		plain = false
	}
	if plain {
		return s
	}
	return jsonString(s)
}

// jsonString writes s double-quoted: a JSON string is a valid YAML
// double-quoted scalar.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}

func shortDuration(d time.Duration) string {
	s := d.String() // 6h0m0s
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// writeFileAtomic replaces path with data through a temporary file in the
// same directory, keeping the file's mode; a crash leaves the old file.
func writeFileAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}
