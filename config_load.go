package veille

import (
	"encoding"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	yamltoken "github.com/goccy/go-yaml/token"

	// The time zone database is embedded so that Config.Location loads on
	// hosts without zoneinfo (scratch containers, some Windows machines).
	_ "time/tzdata"
)

// Problem is one thing wrong in a config file.
type Problem struct {
	Line, Column int
	// Path names the offending value, such as sources[3].url.
	Path string
	Msg  string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", p.Line, p.Column)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// ConfigError lists every problem found in a config file, so that one run
// of `veille check` shows them all.
type ConfigError struct {
	File     string
	Problems []Problem
}

// Error returns one line per problem: "feeds.yaml:42:5: sources[3].url: msg".
func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = e.File + ":" + p.String()
	}
	return strings.Join(lines, "\n")
}

// maxConfigSize bounds what ParseConfig reads: a real feeds.yaml is tens of
// kilobytes, and anything far larger is a mistake, not a config.
const maxConfigSize = 8 << 20

// LoadConfig reads, validates and completes (defaults, Location) the config
// file at path. A config with problems gives a *ConfigError listing every
// one; a file that cannot be read gives an error wrapping the os error.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(data, path)
}

// ParseConfig parses, validates and completes a config; filename is only
// used in messages.
func ParseConfig(data []byte, filename string) (Config, error) {
	var cfg Config
	d := newDecoder()
	if len(data) > maxConfigSize {
		d.problem(yamltoken.Position{Line: 1, Column: 1}, "", "file is %d bytes, more than the %d a config may have", len(data), maxConfigSize)
		return Config{}, d.err(filename)
	}
	d.decodeFile(data, &cfg)
	if !d.fatal {
		validate(&cfg, d)
	}
	if len(d.problems) > 0 {
		return Config{}, d.err(filename)
	}
	applyDefaults(&cfg)
	return cfg, nil
}

// decoder fills the config structs from the YAML syntax tree. It walks the
// tree against the structs' yaml tags by reflection, so it reports every
// unknown key and every badly typed value in one pass, each at its line,
// where a plain yaml.Unmarshal stops at the first. A new config field needs
// no code here.
type decoder struct {
	problems []Problem
	// fatal is set when the document cannot be decoded at all (syntax
	// error); validation would then only add noise.
	fatal bool
	// pos maps each decoded path (sources[3].url) to where it is written.
	pos map[string]yamltoken.Position
	// bad holds the paths whose value could not be decoded, so validation
	// does not report them a second time as missing or wrong.
	bad     map[string]bool
	anchors map[string]ast.Node
	// steps counts decoded nodes: aliases can make a small document expand
	// exponentially ("billion laughs"), and this bounds the work.
	steps int
}

// Bounds on the work one config may cause. A real feeds.yaml has a few
// thousand nodes and a few problems.
const (
	maxDecodeSteps = 100_000
	maxDecodeDepth = 100
	maxProblems    = 200
)

func newDecoder() *decoder {
	return &decoder{pos: map[string]yamltoken.Position{}, bad: map[string]bool{}, anchors: map[string]ast.Node{}}
}

func (d *decoder) problem(p yamltoken.Position, path, format string, args ...any) {
	if len(d.problems) >= maxProblems {
		if !d.fatal {
			d.fatal = true
			d.problems = append(d.problems, Problem{Line: p.Line, Column: p.Column, Msg: "too many problems, stopping here"})
		}
		return
	}
	d.problems = append(d.problems, Problem{Line: p.Line, Column: p.Column, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// badValue reports a value that cannot be decoded, at its key (or list
// element) like every other problem, so that all positions mean the same.
func (d *decoder) badValue(n ast.Node, path, format string, args ...any) {
	d.bad[path] = true
	p, ok := d.pos[path]
	if !ok {
		p = nodePos(n)
	}
	d.problem(p, path, format, args...)
}

func (d *decoder) err(filename string) *ConfigError {
	ps := append([]Problem(nil), d.problems...)
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		if ps[i].Column != ps[j].Column {
			return ps[i].Column < ps[j].Column
		}
		return ps[i].Path < ps[j].Path
	})
	return &ConfigError{File: filename, Problems: ps}
}

func (d *decoder) decodeFile(data []byte, cfg *Config) {
	file, err := parseYAML(data)
	if err != nil {
		d.fatal = true
		var yerr yaml.Error
		if errors.As(err, &yerr) && yerr.GetToken() != nil && yerr.GetToken().Position != nil {
			d.problem(*yerr.GetToken().Position, "", "YAML syntax: %s", yerr.GetMessage())
		} else {
			d.problem(yamltoken.Position{Line: 1, Column: 1}, "", "YAML syntax: %v", err)
		}
		return
	}
	var docs []*ast.DocumentNode
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		return // an empty file is a config of defaults
	}
	if len(docs) > 1 {
		d.fatal = true
		d.problem(nodePos(docs[1].Body), "", "a config is one YAML document, found %d", len(docs))
		return
	}
	ast.Walk(anchorCollector(d.anchors), docs[0].Body)
	d.pos[""] = nodePos(docs[0].Body)
	d.decode(docs[0].Body, reflect.ValueOf(cfg).Elem(), "", 0)
}

// parseYAML parses data, turning a panic of the parser on hostile input
// into an error: a config must never crash the program that reads it.
func parseYAML(data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed on this input: %v", r)
		}
	}()
	return parser.ParseBytes(data, 0)
}

type anchorCollector map[string]ast.Node

func (a anchorCollector) Visit(n ast.Node) ast.Visitor {
	if an, ok := n.(*ast.AnchorNode); ok && an.Name != nil {
		a[an.Name.GetToken().Value] = an.Value
	}
	return a
}

// step counts one unit of decoding work and reports false, once with a
// problem, when the document exceeds the bounds.
func (d *decoder) step(n ast.Node, path string, depth int) bool {
	if d.fatal {
		return false
	}
	d.steps++
	if d.steps > maxDecodeSteps || depth > maxDecodeDepth {
		d.badValue(n, path, "document too large or too deeply nested once aliases are expanded")
		d.fatal = true
		return false
	}
	return true
}

// resolve looks through anchors, aliases and tags to the node that holds
// the value. An unknown alias gives nil and a problem.
func (d *decoder) resolve(n ast.Node, path string) ast.Node {
	for range maxDecodeDepth {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			name := ""
			if v.Value != nil {
				name = v.Value.GetToken().Value
			}
			target, ok := d.anchors[name]
			if !ok {
				d.badValue(v, path, "unknown alias *%s", name)
				return nil
			}
			n = target
		default:
			return n
		}
	}
	d.badValue(n, path, "aliases nested too deep")
	return nil
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// decode stores node into v, which is addressable.
func (d *decoder) decode(node ast.Node, v reflect.Value, path string, depth int) {
	if !d.step(node, path, depth) {
		return
	}
	n := d.resolve(node, path)
	if n == nil {
		return
	}
	if _, null := n.(*ast.NullNode); null {
		return // an empty value keeps the zero value, hence the default
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		text, ok := scalarText(n)
		if !ok {
			d.badValue(n, path, "expected a single value, got %s", describe(n))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(text)); err != nil {
			d.badValue(n, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path, depth+1)
	case reflect.Struct:
		d.decodeStruct(n, v, path, depth)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			d.badValue(n, path, "expected a list, got %s", describe(n))
			return
		}
		if len(seq.Values) == 0 {
			return // [] is the same as omitted: nil, as yaml.Marshal writes it back
		}
		s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
		for i, el := range seq.Values {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.pos[p] = nodePos(el)
			d.decode(el, s.Index(i), p, depth+1)
		}
		v.Set(s)
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			d.badValue(n, path, "internal: unsupported map key type %s", v.Type().Key())
			return
		}
		entries, ok := d.mappingEntries(n, path, depth)
		if !ok {
			return
		}
		if len(entries) == 0 {
			return // {} is the same as omitted
		}
		m := reflect.MakeMap(v.Type())
		for _, e := range entries {
			p := joinPath(path, e.key)
			d.pos[p] = e.pos
			elem := reflect.New(v.Type().Elem()).Elem()
			d.decode(e.value, elem, p, depth+1)
			m.SetMapIndex(reflect.ValueOf(e.key).Convert(v.Type().Key()), elem)
		}
		v.Set(m)
	case reflect.String:
		text, ok := scalarText(n)
		if !ok {
			d.badValue(n, path, "expected a string, got %s", describe(n))
			return
		}
		v.SetString(text)
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.badValue(n, path, "expected true or false, got %s", describe(n))
			return
		}
		v.SetBool(b.Value)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := n.(*ast.IntegerNode)
		if !ok {
			d.badValue(n, path, "expected a whole number, got %s", describe(n))
			return
		}
		x, err := strconv.ParseInt(fmt.Sprint(i.Value), 10, 64)
		if err != nil || v.OverflowInt(x) {
			d.badValue(n, path, "number %s out of range", i.GetToken().Value)
			return
		}
		v.SetInt(x)
	case reflect.Float32, reflect.Float64:
		// 5 or 0.5: a whole number is a number too.
		text, ok := scalarText(n)
		f, err := strconv.ParseFloat(text, 64)
		if _, str := n.(*ast.StringNode); !ok || str || err != nil {
			d.badValue(n, path, "expected a number, got %s", describe(n))
			return
		}
		v.SetFloat(f)
	default:
		d.badValue(n, path, "internal: unsupported config type %s", v.Type())
	}
}

// decodeStruct decodes a mapping into a struct by its yaml tags, reporting
// each key that names no field.
func (d *decoder) decodeStruct(n ast.Node, v reflect.Value, path string, depth int) {
	entries, ok := d.mappingEntries(n, path, depth)
	if !ok {
		return
	}
	fields := yamlFields(v.Type())
	for _, e := range entries {
		p := joinPath(path, e.key)
		idx, known := fields[e.key]
		if !known {
			d.problem(e.pos, p, "unknown key %q%s", e.key, suggest(e.key, fields))
			continue
		}
		d.pos[p] = e.pos
		d.decode(e.value, v.Field(idx), p, depth+1)
	}
}

type entry struct {
	key   string
	pos   yamltoken.Position
	value ast.Node
}

// mappingEntries lists a mapping's entries with YAML merge keys (<<: *x)
// expanded: merged entries come first so that the mapping's own keys
// override them.
func (d *decoder) mappingEntries(n ast.Node, path string, depth int) ([]entry, bool) {
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		d.badValue(n, path, "expected a mapping (key: value), got %s", describe(n))
		return nil, false
	}
	var merged, own []entry
	for _, mv := range values {
		if !d.step(mv, path, depth) {
			return nil, false
		}
		if mv.Key != nil && mv.Key.IsMergeKey() {
			src := d.resolve(mv.Value, path)
			var sources []ast.Node
			if seq, ok := src.(*ast.SequenceNode); ok {
				for _, s := range seq.Values {
					sources = append(sources, d.resolve(s, path))
				}
			} else {
				sources = []ast.Node{src}
			}
			for _, s := range sources {
				if s == nil {
					continue
				}
				es, ok := d.mappingEntries(s, path, depth+1)
				if ok {
					merged = append(merged, es...)
				}
			}
			continue
		}
		key, ok := keyText(mv.Key)
		if !ok {
			d.badValue(mv.Key, path, "a key must be a plain string, got %s", describe(mv.Key))
			continue
		}
		own = append(own, entry{key: key, pos: nodePos(mv.Key), value: mv.Value})
	}
	return append(merged, own...), true
}

// yamlFields maps yaml key names to struct field indexes.
func yamlFields(t reflect.Type) map[string]int {
	fields := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = i
	}
	return fields
}

// suggest names the closest known key, or lists them when none is close.
func suggest(key string, fields map[string]int) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	best, bestDist := "", 3
	for _, name := range names {
		if dist := editDistance(strings.ToLower(key), name); dist < bestDist {
			best, bestDist = name, dist
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return " (known keys: " + strings.Join(names, ", ") + ")"
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func joinPath(path, key string) string {
	if !plainKey(key) {
		key = strconv.Quote(key) // keep paths one readable line whatever the key holds
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func plainKey(key string) bool {
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return key != ""
}

// scalarText returns the text of a scalar as written (so a string field
// given 2024 gets "2024", not a reformatted number).
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

func keyText(k ast.MapKeyNode) (string, bool) {
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	if t, ok := n.(*ast.TagNode); ok {
		n = t.Value
	}
	return scalarText(n)
}

// describe names what a node holds, for "expected X, got Y" messages.
func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + n.GetToken().Value
	case *ast.BoolNode:
		return n.GetToken().Value
	case *ast.StringNode, *ast.LiteralNode:
		s, _ := scalarText(n)
		if r := []rune(s); len(r) > 60 {
			s = string(r[:60]) + "…"
		}
		return strconv.Quote(s)
	case *ast.NullNode:
		return "nothing"
	}
	return "a " + strings.ToLower(n.Type().String())
}

func nodePos(n ast.Node) yamltoken.Position {
	if n == nil {
		return yamltoken.Position{}
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return *tk.Position
	}
	return yamltoken.Position{}
}
