package veille

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	yamltoken "github.com/goccy/go-yaml/token"
)

// slot is one written key of a mapping, or one item of a list: where it
// is, for problems, and how to take its value out of the tree, for the
// decoder's next round.
type slot struct {
	path string // sources[3].url
	key  string // url; "" for a list item
	pos  yamltoken.Position
	// value is the node as written (anchors, tags, aliases included).
	value ast.Node
	// setNull replaces the value by null, so the field keeps its default.
	setNull func()
	// remove drops the key from its mapping; nil for list items.
	remove func()
	idx    *posIndex
}

// describe names what the slot holds, through anchors and aliases.
func (s *slot) describe() string {
	n := s.value
	for range maxDecodeDepth {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
			continue
		case *ast.TagNode:
			n = v.Value
			continue
		case *ast.AliasNode:
			if v.Value != nil {
				if target, ok := s.idx.anchors[v.Value.GetToken().Value]; ok {
					n = target
					continue
				}
			}
		}
		break
	}
	return describe(n)
}

// posIndex finds the slot of a token the decoder names in an error: by
// the key's position for an unknown key, by the value's for a bad value.
type posIndex struct {
	keys, values map[posKey]*slot
	anchors      map[string]ast.Node
	at           map[string]*slot
}

type posKey struct{ line, col int }

func tokenKey(tk *yamltoken.Token) (posKey, bool) {
	if tk == nil || tk.Position == nil {
		return posKey{}, false
	}
	return posKey{tk.Position.Line, tk.Position.Column}, true
}

func (x *posIndex) key(tk *yamltoken.Token) *slot {
	k, ok := tokenKey(tk)
	if !ok {
		return nil
	}
	return x.keys[k]
}

func (x *posIndex) value(tk *yamltoken.Token) *slot {
	k, ok := tokenKey(tk)
	if !ok {
		return nil
	}
	if s, ok := x.values[k]; ok {
		return s
	}
	return x.keys[k]
}

// indexDocument walks the tree once as written (aliases are not followed)
// and records each path in at. A value merged from an anchor (<<: *base)
// is not written at its path: its problems are placed at the mapping
// that merges it, like those of a missing key.
func indexDocument(doc *ast.DocumentNode, at map[string]*slot) *posIndex {
	x := &posIndex{keys: map[posKey]*slot{}, values: map[posKey]*slot{}, anchors: map[string]ast.Node{}, at: at}
	// A problem of the whole file, or of a key nobody wrote (smtp.host
	// when there is no smtp:), is placed at its start.
	root := &slot{path: "", pos: yamltoken.Position{Line: 1, Column: 1}, value: doc.Body, idx: x}
	at[""] = root
	x.visit(root, doc.Body, func(m ast.Node) { doc.Body = m })
	root.setNull = nil // a document of the wrong kind is not decoded again
	return x
}

func nullAt(n ast.Node) ast.Node {
	pos := nodePos(n)
	return ast.Null(yamltoken.New("null", "null", &pos))
}

// visit records n as the value of s; set puts another node in its place
// (nil for the document itself, which is never taken out).
func (x *posIndex) visit(s *slot, n ast.Node, set func(ast.Node)) {
	if k, ok := tokenKey(n.GetToken()); ok {
		if _, taken := x.values[k]; !taken {
			x.values[k] = s
		}
	}
	if set != nil {
		s.setNull = func() { set(nullAt(n)) } // the innermost node wins: an anchor stays
	}
	switch v := n.(type) {
	case *ast.AnchorNode:
		if v.Name != nil {
			x.anchors[v.Name.GetToken().Value] = v.Value
		}
		x.visit(s, v.Value, func(m ast.Node) { v.Value = m })
	case *ast.TagNode:
		if set != nil && strings.HasPrefix(v.Start.Value, "!!") && v.Value != nil {
			// A YAML core tag (!!map, !!str) says what the config's types
			// say already; the library would refuse !!map where a mapping
			// is wanted.
			set(v.Value)
			x.visit(s, v.Value, set)
			return
		}
		x.visit(s, v.Value, func(m ast.Node) { v.Value = m })
	case *ast.AliasNode:
		if v.Value != nil {
			if k, ok := tokenKey(v.Value.GetToken()); ok {
				x.values[k] = s
			}
		}
	case *ast.MappingValueNode:
		x.entry(s.path, v, func() { set(nullAt(v)) })
	case *ast.MappingNode:
		// Merged entries first, so the mapping's own keys override them
		// whatever the order they are written in, as YAML says.
		slices.SortStableFunc(v.Values, func(a, b *ast.MappingValueNode) int {
			return boolRank(b.Key != nil && b.Key.IsMergeKey()) - boolRank(a.Key != nil && a.Key.IsMergeKey())
		})
		for _, mv := range v.Values {
			x.entry(s.path, mv, func() { v.Values = slices.DeleteFunc(v.Values, func(o *ast.MappingValueNode) bool { return o == mv }) })
		}
	case *ast.SequenceNode:
		for i, el := range v.Values {
			item := &slot{path: fmt.Sprintf("%s[%d]", s.path, i), pos: nodePos(el), value: el, idx: x}
			x.add(item)
			x.visit(item, el, func(m ast.Node) { v.Values[i] = m })
		}
	}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// entry records one key: value of the mapping at path parent.
func (x *posIndex) entry(parent string, mv *ast.MappingValueNode, remove func()) {
	if mv.Key == nil || mv.Value == nil {
		return
	}
	if mv.Key.IsMergeKey() {
		// The merged mapping's keys belong to the parent.
		s := &slot{path: parent, pos: nodePos(mv.Key), value: mv.Value, remove: remove, idx: x}
		x.visit(s, mv.Value, func(m ast.Node) { mv.Value = m })
		return
	}
	key, ok := keyText(mv.Key)
	if !ok {
		key = mv.Key.String()
	}
	s := &slot{path: joinPath(parent, key), key: key, pos: nodePos(mv.Key), value: mv.Value, remove: remove, idx: x}
	if k, ok := tokenKey(mv.Key.GetToken()); ok {
		if _, taken := x.keys[k]; !taken {
			x.keys[k] = s
		}
	}
	x.add(s)
	x.visit(s, mv.Value, func(m ast.Node) { mv.Value = m })
}

func (x *posIndex) add(s *slot) {
	if _, dup := x.at[s.path]; !dup {
		x.at[s.path] = s
	}
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

func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
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
