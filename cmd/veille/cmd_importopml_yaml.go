package main

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/nogentech/veille"
)

// The import edits the config's text at places goccy/go-yaml's syntax
// tree gives (where the sources list ends, how it is written) instead of
// printing the edited tree back: the library's printer rewrites what it
// prints (one space before every line comment, its own quoting), and a
// user's file must keep every line it had.

// appendSources inserts the new sources after the last entry of the
// top-level sources list, in the list's own style: block entries under a
// block list (before the comments that lead into the next key), flow
// entries inside a flow list; an empty or missing list becomes a block.
func appendSources(src []byte, add []veille.Source) ([]byte, error) {
	text := string(src)
	nl := "\n"
	if strings.Contains(text, "\r\n") {
		nl = "\r\n"
	}
	spot, err := findSources(src)
	if err != nil {
		return nil, err
	}
	block := strings.ReplaceAll(renderSources(add, spot.dash), "\n", nl)
	lines := strings.SplitAfter(text, "\n")
	switch {
	case spot.key == nil:
		if spot.flowRoot {
			return nil, errors.New("the config is one flow mapping ({...}); add a sources: key to it to import into it")
		}
		if text != "" && !strings.HasSuffix(text, "\n") {
			text += nl
		}
		return []byte(text + nl + "sources:" + nl + block), nil
	case spot.seq == nil: // sources: with no value
		return insertAfterLine(lines, spot.key.GetToken().Position.Line, "", block, nl), nil
	case !spot.seq.IsFlowStyle:
		return insertAfterLine(lines, lastLine(spot.seq.Values[len(spot.seq.Values)-1]), nl, block, nl), nil
	case len(spot.seq.Values) == 0 && spot.seq.Start.Position.Line == spot.seq.End.Position.Line:
		// sources: [] becomes a block list.
		line := spot.seq.Start.Position.Line
		l := lines[line-1]
		from, to := runeIndex(l, spot.seq.Start.Position.Column), runeIndex(l, spot.seq.End.Position.Column)+1
		lines[line-1] = strings.TrimRight(l[:from], " ") + l[to:]
		return insertAfterLine(lines, line, "", block, nl), nil
	default:
		return appendFlow(lines, spot.seq, add, nl)
	}
}

// sourcesSpot is what the syntax tree says of the sources list.
type sourcesSpot struct {
	key      ast.MapKeyNode    // nil: no sources key
	seq      *ast.SequenceNode // nil: sources has no value
	dash     string            // the indentation of a block list's "- "
	flowRoot bool
}

func findSources(src []byte) (sourcesSpot, error) {
	spot := sourcesSpot{dash: "  "}
	f, err := parser.ParseBytes(src, parser.ParseComments)
	if err != nil {
		return spot, fmt.Errorf("read the config's YAML: %w", err)
	}
	var entries []*ast.MappingValueNode
	for _, doc := range f.Docs {
		switch m := doc.Body.(type) {
		case *ast.MappingNode:
			entries, spot.flowRoot = m.Values, m.IsFlowStyle
		case *ast.MappingValueNode:
			entries = []*ast.MappingValueNode{m}
		}
	}
	for _, mv := range entries {
		if k, ok := mv.Key.(*ast.StringNode); !ok || k.Value != "sources" {
			continue
		}
		spot.key = mv.Key
		v := mv.Value
		for {
			if a, ok := v.(*ast.AnchorNode); ok {
				v = a.Value
			} else if t, ok := v.(*ast.TagNode); ok {
				v = t.Value
			} else {
				break
			}
		}
		switch s := v.(type) {
		case *ast.NullNode:
		case *ast.SequenceNode:
			spot.seq = s
			if !s.IsFlowStyle && s.Start != nil && s.Start.Position != nil {
				spot.dash = strings.Repeat(" ", s.Start.Position.Column-1)
			}
		default:
			return spot, fmt.Errorf("line %d: sources is %s, not a list; write it as a list to import into it", nodeLine(v), strings.ToLower(v.Type().String()))
		}
	}
	return spot, nil
}

// sourcesIndent is the indentation new block entries take.
func sourcesIndent(src []byte) string {
	spot, _ := findSources(src)
	return spot.dash
}

// lastLine is the last line n is written on (comments after it aside).
func lastLine(n ast.Node) int {
	last := 0
	ast.Walk(lineVisitor{&last}, n)
	return last
}

type lineVisitor struct{ last *int }

func (v lineVisitor) Visit(n ast.Node) ast.Visitor {
	if _, comment := n.(*ast.CommentGroupNode); comment {
		return nil
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		// A multi-line scalar ends lines after it starts.
		end := tk.Position.Line + strings.Count(strings.TrimSpace(tk.Origin), "\n")
		*v.last = max(*v.last, end)
	}
	if m, ok := n.(*ast.MappingNode); ok && m.End != nil && m.End.Position != nil {
		*v.last = max(*v.last, m.End.Position.Line)
	}
	if s, ok := n.(*ast.SequenceNode); ok && s.End != nil && s.End.Position != nil {
		*v.last = max(*v.last, s.End.Position.Line)
	}
	return v
}

func nodeLine(n ast.Node) int {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// insertAfterLine puts block after line (1-based), sep first.
func insertAfterLine(lines []string, line int, sep, block, nl string) []byte {
	line = min(line, len(lines))
	var b strings.Builder
	for _, l := range lines[:line] {
		b.WriteString(l)
	}
	if line > 0 && !strings.HasSuffix(lines[line-1], "\n") {
		b.WriteString(nl)
	}
	b.WriteString(sep)
	b.WriteString(block)
	for _, l := range lines[line:] {
		b.WriteString(l)
	}
	return []byte(b.String())
}

// appendFlow adds the sources inside a flow list, after its last entry
// (and the comma and comment that follow it on its line), one entry a
// line, each after its "imported" comment.
func appendFlow(lines []string, seq *ast.SequenceNode, add []veille.Source, nl string) ([]byte, error) {
	tk := seq.End.Prev
	for tk != nil && tk.Type == token.CommentType {
		tk = tk.Prev
	}
	if tk == nil || tk.Position == nil || strings.Contains(strings.TrimSpace(tk.Origin), "\n") {
		return nil, errors.New("cannot find the end of the flow sources list; write it as a block list to import into it")
	}
	line := tk.Position.Line
	l := lines[line-1]
	after := runeIndex(l, tk.Position.Column) + len(strings.TrimSpace(tk.Origin))
	comma := ","
	if tk.Type == token.CollectEntryType {
		comma = ""
	}
	// The entries go at the end of that line, or before the ] that ends it.
	at := len(strings.TrimRight(l, "\r\n"))
	if seq.End.Position.Line == line {
		at = runeIndex(l, seq.End.Position.Column)
	}
	var b strings.Builder
	for i, s := range add {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%s  # imported from OPML on %s%s  %s", nl, time.Now().Format("2006-01-02"), nl, flowSource(s))
	}
	lines[line-1] = l[:after] + comma + l[after:at] + b.String() + l[at:]
	return []byte(strings.Join(lines, "")), nil
}

// flowSource writes one source as a flow mapping; its strings are
// double-quoted, since , [ ] { } end a plain scalar in a flow list.
func flowSource(s veille.Source) string {
	parts := []string{"id: " + s.ID, "name: " + jsonString(s.Name), "kind: " + s.Kind, "url: " + jsonString(s.URL)}
	if s.Every > 0 {
		parts = append(parts, "every: "+shortDuration(s.Every.D()))
	}
	if s.Lang != "" {
		parts = append(parts, "lang: "+s.Lang)
	}
	if s.Jurisdiction != "" {
		parts = append(parts, "jurisdiction: "+jsonString(s.Jurisdiction))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// runeIndex turns the 1-based column the YAML tokens give (in characters)
// into a byte index of line.
func runeIndex(line string, col int) int {
	i := 0
	for n := 1; n < col && i < len(line); n++ {
		_, size := utf8.DecodeRuneInString(line[i:])
		i += size
	}
	return i
}
