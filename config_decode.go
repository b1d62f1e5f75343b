package veille

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	yamltoken "github.com/goccy/go-yaml/token"
)

// decoder turns a config file into a Config with goccy/go-yaml's strict
// decoding (unknown keys are errors; anchors, aliases and merge keys are
// the library's). The library stops at the first problem; to report every
// one at once, the decoder places that problem at its key through the
// position index (config_index.go), takes the value out of the syntax
// tree (an unknown key is dropped, a badly typed value becomes null, so
// the field keeps its default) and decodes again, until nothing is left.
type decoder struct {
	problems []Problem
	// fatal is set when the document cannot be decoded at all (syntax
	// error, too large); validation would then only add noise.
	fatal bool
	// at maps each written path (sources[3].url) to its key or list item.
	at map[string]*slot
	// bad holds the paths whose value could not be decoded, so validation
	// does not report them a second time as missing or wrong.
	bad map[string]bool
	idx *posIndex
}

func newDecoder() *decoder {
	return &decoder{at: map[string]*slot{}, bad: map[string]bool{}}
}

// decodeOptions: unknown keys are errors; a mapping's own key may repeat
// one it merges (<<: *base), which YAML says it overrides. Keys written
// twice are still refused, by the parser.
var decodeOptions = []yaml.DecodeOption{yaml.DisallowUnknownField(), yaml.AllowDuplicateMapKey()}

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
	doc := docs[0]
	if size(doc.Body, 0, map[string]int{}) > maxDecodeSteps {
		d.fatal = true
		d.problem(nodePos(doc.Body), "", "document too large or too deeply nested once aliases are expanded")
		return
	}
	d.idx = indexDocument(doc, d.at)
	d.refuseFractions()
	for round := 0; !d.fatal; round++ {
		var out Config
		err := decodeNode(doc.Body, &out)
		if err == nil {
			dropEmpty(reflect.ValueOf(&out).Elem())
			*cfg = out
			return
		}
		if round == 0 {
			// A valid file is decoded once; one with problems is decoded
			// piece by piece to find them all, then once more.
			d.findProblems(doc)
			continue
		}
		if !d.place(err) {
			d.fatal = true
		}
	}
}

var configType = reflect.TypeFor[Config]()

// refuseFractions reports a number with a fraction written where a whole
// number is wanted (concurrency: 1.5): the library would read it as 1.
func (d *decoder) refuseFractions() {
	for _, s := range d.at {
		f, ok := s.value.(*ast.FloatNode)
		if !ok || s.setNull == nil {
			continue
		}
		if t := typeAt(s.path); t != nil && expectation(t) == "a whole number" {
			d.problem(s.pos, s.path, "expected a whole number, got %s", describe(f))
			d.bad[s.path] = true
			s.setNull()
		}
	}
}

// findProblems decodes the document piece by piece, each top-level key and
// each item of a top-level list on its own, so that a problem costs a new
// decode of its piece, not of the whole file (2,000 sources with a bad
// key each took 27 s that way). The pieces share one library decoder, in
// document order, so an alias finds an anchor written before it.
func (d *decoder) findProblems(doc *ast.DocumentNode) {
	dec := yaml.NewDecoder(bytes.NewReader(nil), decodeOptions...)
	var entries []*ast.MappingValueNode
	alive := func(mv *ast.MappingValueNode) func() ast.Node {
		return func() ast.Node {
			if doc.Body == ast.Node(mv) {
				return mv
			}
			if m, ok := doc.Body.(*ast.MappingNode); ok && slices.Contains(m.Values, mv) {
				return mv
			}
			return nil // taken out as an unknown key
		}
	}
	switch m := doc.Body.(type) {
	case *ast.MappingNode:
		entries = slices.Clone(m.Values)
	case *ast.MappingValueNode:
		entries = []*ast.MappingValueNode{m}
	default:
		return // the whole decode says what is wrong with it
	}
	fields := yamlFields(configType)
	for _, mv := range entries {
		key, _ := keyText(mv.Key)
		i, known := fields[key]
		value := mv.Value
		for {
			if a, ok := value.(*ast.AnchorNode); ok {
				value = a.Value
			} else {
				break
			}
		}
		seq, isSeq := value.(*ast.SequenceNode)
		if known && isSeq && !mv.Key.IsMergeKey() && configType.Field(i).Type.Kind() == reflect.Slice {
			for j := range seq.Values {
				d.decodePiece(dec, func() ast.Node { return seq.Values[j] }, configType.Field(i).Type.Elem())
			}
			continue
		}
		d.decodePiece(dec, alive(mv), configType)
	}
}

// decodePiece decodes one piece into a new value of type t until it
// decodes, each problem found being placed and taken out.
func (d *decoder) decodePiece(dec *yaml.Decoder, piece func() ast.Node, t reflect.Type) {
	for !d.fatal {
		n := piece()
		if _, null := n.(*ast.NullNode); n == nil || null {
			return
		}
		err := decodeWith(dec, n, reflect.New(t).Interface())
		if err == nil {
			return
		}
		if !d.place(err) {
			d.fatal = true
		}
	}
}

// decodeWith runs the library, turning a panic on hostile input into an
// error like parseYAML does.
func decodeWith(dec *yaml.Decoder, n ast.Node, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML decoder failed on this input: %v", r)
		}
	}()
	return dec.DecodeFromNode(n, v)
}

// decodeNode decodes the whole tree with a new library decoder.
func decodeNode(n ast.Node, v *Config) error {
	if _, null := n.(*ast.NullNode); null {
		return nil // every key was taken out: a config of defaults
	}
	return decodeWith(yaml.NewDecoder(bytes.NewReader(nil), decodeOptions...), n, v)
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

// place reports the library's error at the key or list item it concerns
// and takes the value out of the tree. It returns false when the error
// cannot be placed or taken out, which ends decoding.
func (d *decoder) place(err error) bool {
	var (
		unknown  *yaml.UnknownFieldError
		typ      *yaml.TypeError
		node     *yaml.UnexpectedNodeTypeError
		overflow *yaml.OverflowError
		syntax   *yaml.SyntaxError
		value    *valueError
		yerr     yaml.Error
	)
	if errors.As(err, &unknown) {
		if s := d.idx.key(unknown.Token); s != nil && s.remove != nil {
			d.problem(s.pos, s.path, "unknown key %q%s", s.key, suggest(s.key, knownKeys(parentPath(s.path))))
			s.remove()
			return true
		}
	}
	var s *slot
	msg := func() string { return err.Error() }
	switch {
	case errors.As(err, &value):
		s, msg = d.idx.value(value.node.GetToken()), func() string { return value.msg }
	case errors.As(err, &typ):
		s = d.idx.value(typ.Token)
		msg = func() string { return fmt.Sprintf("expected %s, got %s", expectation(typ.DstType), s.describe()) }
	case errors.As(err, &overflow):
		s = d.idx.value(overflow.Token)
		msg = func() string { return fmt.Sprintf("expected %s, got %s", expectation(overflow.DstType), s.describe()) }
	case errors.As(err, &node):
		want := "a mapping (key: value)"
		if node.Expected == ast.SequenceType {
			want = "a list"
		}
		s = d.idx.value(node.Token)
		msg = func() string { return fmt.Sprintf("expected %s, got %s", want, s.describe()) }
	case errors.As(err, &syntax) && strings.HasPrefix(syntax.Message, "could not find alias"):
		s, msg = d.idx.value(syntax.Token), func() string { return "unknown alias *" + syntax.Token.Value }
	case errors.As(err, &yerr):
		s, msg = d.idx.value(yerr.GetToken()), yerr.GetMessage
	}
	if s == nil {
		// Not placed: said where the library says, and decoding ends.
		pos := yamltoken.Position{Line: 1, Column: 1}
		if errors.As(err, &yerr) && yerr.GetToken() != nil && yerr.GetToken().Position != nil {
			pos, msg = *yerr.GetToken().Position, yerr.GetMessage
		}
		d.problem(pos, "", "%s", msg())
		return false
	}
	d.problem(s.pos, s.path, "%s", msg())
	d.bad[s.path] = true
	if s.setNull == nil {
		return false // the document itself: nothing is left to decode
	}
	s.setNull()
	return true
}

// valueError is a bad scalar (a duration, a size) with the node it was
// read from, so that it is placed like the library's own errors.
type valueError struct {
	node ast.Node
	msg  string
}

func (e *valueError) Error() string { return e.msg }

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// unmarshalScalar reads a single-valued config type from its node: the
// library would drop the position of an UnmarshalText error.
func unmarshalScalar(n ast.Node, u encoding.TextUnmarshaler) error {
	for {
		t, ok := n.(*ast.TagNode)
		if !ok {
			break
		}
		n = t.Value
	}
	text, ok := scalarText(n)
	if !ok {
		return &valueError{n, "expected a single value, got " + describe(n)}
	}
	if err := u.UnmarshalText([]byte(text)); err != nil {
		return &valueError{n, err.Error()}
	}
	return nil
}

// UnmarshalYAML reads a duration from the config's syntax tree.
func (d *Duration) UnmarshalYAML(n ast.Node) error { return unmarshalScalar(n, d) }

// UnmarshalYAML reads a size from the config's syntax tree.
func (z *Size) UnmarshalYAML(n ast.Node) error { return unmarshalScalar(n, z) }

// expectation names what a Go type is written as, for "expected X" messages.
func expectation(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "a single value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a mapping (key: value)"
	}
	return "a " + t.String()
}

// dropEmpty makes [] and {} the same as omitted (nil), as yaml.Marshal
// writes a nil list or map back, so a marshalled Config loads equal.
func dropEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			dropEmpty(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				dropEmpty(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.SetZero()
		}
		for i := range v.Len() {
			dropEmpty(v.Index(i))
		}
	case reflect.Map:
		if v.Len() == 0 {
			v.SetZero()
		}
	}
}

// size counts the nodes of n with aliases expanded, up to a bound:
// aliases can make a small document expand exponentially ("billion
// laughs"), and the decoder expands them. anchors holds the size of each
// anchor defined so far, in document order as aliases see them.
func size(n ast.Node, depth int, anchors map[string]int) int {
	if depth > maxDecodeDepth {
		return maxDecodeSteps + 1
	}
	sum := func(ns ...ast.Node) int {
		total := 1
		for _, c := range ns {
			total = min(total+size(c, depth+1, anchors), maxDecodeSteps+1)
		}
		return total
	}
	switch v := n.(type) {
	case nil:
		return 0
	case *ast.AnchorNode:
		k := sum(v.Value)
		if v.Name != nil {
			anchors[v.Name.GetToken().Value] = k
		}
		return k
	case *ast.AliasNode:
		if v.Value == nil {
			return 1
		}
		return 1 + anchors[v.Value.GetToken().Value]
	case *ast.TagNode:
		return sum(v.Value)
	case *ast.MappingValueNode:
		return sum(v.Key, v.Value)
	case *ast.MappingNode:
		ns := make([]ast.Node, len(v.Values))
		for i, mv := range v.Values {
			ns[i] = mv
		}
		return sum(ns...)
	case *ast.SequenceNode:
		return sum(v.Values...)
	case *ast.MappingKeyNode:
		return sum(v.Value)
	}
	return 1
}
