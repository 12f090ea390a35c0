package render

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// textSink receives the text of a body in reading order.
type textSink interface {
	Write(p []byte) (int, error)
	WriteByte(c byte) error
}

// nodeText returns the plain text beneath a node.
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	writeNodeText(&b, n, src)
	return b.String()
}

func writeNodeText(w textSink, n ast.Node, src []byte) {
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			w.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				w.WriteByte(' ')
			}
		case *ast.String:
			w.Write(c.Value)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if s, ok := t.(*ast.Text); ok {
					w.Write(s.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// writeBodyText writes the prose of a body, paragraphs and headings, without
// code blocks: what a reader would search for.
func writeBodyText(w textSink, doc ast.Node, src []byte) {
	first := true
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.Kind() {
		case ast.KindFencedCodeBlock, ast.KindCodeBlock, ast.KindHTMLBlock:
			continue
		}
		if !first {
			w.WriteByte(' ')
		}
		first = false
		writeNodeText(w, c, src)
	}
}

// plainText returns the prose of a body with white space collapsed.
func plainText(doc ast.Node, src []byte) string {
	var b strings.Builder
	writeBodyText(&b, doc, src)
	return strings.Join(strings.Fields(b.String()), " ")
}

// bodyWords returns SearchWords(plainText(doc, src)) without making the
// text first: a build that streams pages needs only the words.
func bodyWords(doc ast.Node, src []byte) string {
	ws := &wordSink{seen: seenPool.Get().(map[string]bool)}
	defer func() { clear(ws.seen); seenPool.Put(ws.seen) }()
	writeBodyText(ws, doc, src)
	ws.flush()
	return ws.out.String()
}

// wordSink splits text into words as SearchWords does and keeps each
// distinct lower-cased word once, in order of first use.
type wordSink struct {
	seen map[string]bool
	cur  []byte
	out  strings.Builder
}

func (ws *wordSink) Write(p []byte) (int, error) {
	for i := 0; i < len(p); {
		if c := p[i]; c < utf8.RuneSelf {
			if asciiWord[c] {
				ws.cur = append(ws.cur, c)
			} else {
				ws.flush()
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if isSeparator(r) {
			ws.flush()
		} else {
			ws.cur = append(ws.cur, p[i:i+n]...)
		}
		i += n
	}
	return len(p), nil
}

func (ws *wordSink) WriteByte(c byte) error {
	ws.Write([]byte{c})
	return nil
}

// asciiWord is !isSeparator for ASCII, looked up instead of decoded.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = !isSeparator(rune(c))
	}
	return t
}()

func (ws *wordSink) flush() {
	if len(ws.cur) == 0 {
		return
	}
	w := ws.cur
	for _, c := range ws.cur {
		if c >= 0x80 || ('A' <= c && c <= 'Z') {
			w = []byte(strings.ToLower(string(ws.cur)))
			break
		}
	}
	ws.cur = ws.cur[:0]
	if ws.seen[string(w)] {
		return
	}
	ws.seen[string(w)] = true
	if ws.out.Len() > 0 {
		ws.out.WriteByte(' ')
	}
	ws.out.Write(w)
}

// SearchWords returns the distinct words of text, lower-cased, in order of
// first use. The search index needs each word of a body once: MiniSearch
// splits on the same separators (white space and punctuation), and the
// phrase fields, not body repetitions, carry the ranking. It keeps the
// index of the shipped site small and that of a 10,000-page site loadable.
func SearchWords(text string) string {
	seen := seenPool.Get().(map[string]bool)
	defer func() { clear(seen); seenPool.Put(seen) }()
	var b strings.Builder
	b.Grow(len(text) / 2)
	for w := range strings.FieldsFuncSeq(text, isSeparator) {
		w = strings.ToLower(w)
		if seen[w] {
			continue
		}
		seen[w] = true
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

var seenPool = sync.Pool{New: func() any { return map[string]bool{} }}

// isSeparator reports whether r separates words for search: anything but
// letters, digits and marks.
func isSeparator(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
}
