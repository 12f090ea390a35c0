package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"gopkg.in/yaml.v3"
	lexers "statusdocs.local/chromalexers"
	extension "statusdocs.local/goldmarkext"
)

// strictYAML decodes front matter, the YAML between the "---" lines, with
// unknown keys refused, so typos cannot pass silently.
func strictYAML(raw []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// markdown is the one goldmark instance of the program. Its Convert is
// stateless, so pages are parsed and rendered by many goroutines at once.
// Raw HTML in content is not passed through (goldmark's default), so a page
// cannot inject script.
var markdown = goldmark.New(
	goldmark.WithExtensions(
		extension.Table,
		extension.Strikethrough,
		extension.Linkify,
		extension.Typographer,
	),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	goldmark.WithRendererOptions(
		renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{}, 100)),
	),
)

// loadPage parses one content file completely: front matter, Markdown
// body, internal links. The body is rendered with links made relative to
// the page's URL, so the page can be written without the rest of the site.
func loadPage(name, display string, src []byte, lk *linker) (*Page, error) {
	p, err := loadMeta(name, display, src)
	if err != nil {
		return nil, err
	}
	if err := renderBody(p, src, lk, false); err != nil {
		return nil, err
	}
	return p, nil
}

// loadMeta reads what the rest of the site needs to know of a page: its
// kind, URL and front matter. The body is not parsed, so a build can
// render bodies later, one page at a time, instead of holding them all.
func loadMeta(name, display string, src []byte) (*Page, error) {
	p, err := classify(name, display)
	if err != nil {
		return nil, err
	}
	p.name = name
	if err := checkUTF8(src, display); err != nil {
		return nil, err
	}
	raw, bodyStart, line, err := splitFrontMatter(src)
	if err != nil {
		return nil, fileErrorf(display, line, "%v", err)
	}
	var fm frontMatter
	if err := frontMatterError(strictYAML(raw, &fm), display, 1); err != nil {
		return nil, err
	}
	if err := checkFrontMatter(p, &fm); err != nil {
		return nil, err
	}
	p.bodyStart = bodyStart
	return p, nil
}

// renderBody parses and renders a page's Markdown body, collecting its
// internal links, headings and plain text (with words, only the distinct
// words the search index keeps of it).
func renderBody(p *Page, src []byte, lk *linker, words bool) error {
	pc := parser.NewContext()
	// Parsing starts after the front matter; offsets, and so line
	// numbers in messages, stay those of the whole file.
	if p.bodyStart > len(src) {
		return fileErrorf(p.File, 0, "the file changed while it was being built")
	}
	reader := text.NewReader(src)
	reader.Advance(p.bodyStart)
	doc := markdown.Parser().Parse(reader, parser.WithContext(pc))
	p.links, p.Headings = walkBody(doc, src, p.URL, lk)
	var buf bytes.Buffer
	buf.Grow(len(src) * 2)
	if err := markdown.Renderer().Render(&buf, src, doc); err != nil {
		return fileErrorf(p.File, 0, "rendering: %v", err)
	}
	p.Body = buf.Bytes()
	if words {
		p.Text, p.textIsWords = bodyWords(doc, src), true
	} else {
		p.Text = plainText(doc, src)
	}
	return nil
}

// splitFrontMatter finds the front matter a page starts with: a line
// "---", YAML, and a closing line "---" (either may end in "\r"). It
// returns the YAML and the offset where the body starts, or an error and
// its line. A delimiter line with anything after its dashes ("--- ") is an
// error naming it: once, such a closing line ended the front matter here
// but not for goldmark's front matter extension, which then took the
// whole body for front matter, silently.
func splitFrontMatter(src []byte) (yaml []byte, bodyStart, line int, err error) {
	if !bytes.HasPrefix(src, []byte("---")) {
		return nil, 0, 1, errors.New(`missing front matter (a "---" line, YAML, and a closing "---" line)`)
	}
	badLine := func(text []byte) error {
		return fmt.Errorf(`front matter line %q: the lines around front matter must be exactly "---", with nothing after the dashes`, text)
	}
	yamlStart := 0
	for off, n := 0, 1; off < len(src); n++ {
		text, _, _ := bytes.Cut(src[off:], []byte("\n"))
		next := min(off+len(text)+1, len(src))
		isDelim := string(bytes.TrimRight(text, " \t\r")) == "---"
		exact := string(bytes.TrimSuffix(text, []byte("\r"))) == "---"
		switch {
		case n == 1 && !exact:
			return nil, 0, 1, badLine(text)
		case n == 1:
			yamlStart = next
		case isDelim && !exact:
			return nil, 0, n, badLine(text)
		case isDelim:
			return src[yamlStart:off], next, 0, nil
		}
		off = next
	}
	return nil, 0, 1, errors.New(`front matter is not closed by a "---" line`)
}

// walkBody rewrites the site-absolute links of a page's AST to relative ones
// and collects them for checking; it also lists the headings.
func walkBody(doc ast.Node, src []byte, from string, lk *linker) ([]internalLink, []Heading) {
	var links []internalLink
	var heads []Heading
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, _ := n.AttributeString("id")
			idb, _ := id.([]byte)
			heads = append(heads, Heading{Level: n.Level, ID: string(idb), Text: nodeText(n, src)})
		case *ast.Link:
			if dst := string(n.Destination); isSiteAbsolute(dst) {
				links = append(links, internalLink{target: dst, line: lineAt(src, nodeOffset(n, src))})
				n.Destination = []byte(lk.rel(from, dst))
			}
		case *ast.Image:
			if dst := string(n.Destination); isSiteAbsolute(dst) {
				links = append(links, internalLink{target: dst, line: lineAt(src, nodeOffset(n, src))})
				n.Destination = []byte(lk.rel(from, dst))
			}
		}
		return ast.WalkContinue, nil
	})
	return links, heads
}

func isSiteAbsolute(u string) bool {
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//")
}

// nodeOffset finds a byte offset for an inline node, from the first text
// segment beneath it or the enclosing block's first line.
func nodeOffset(n ast.Node, src []byte) int {
	for c := n; c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
	}
	for b := n; b != nil; b = b.Parent() {
		if b.Type() == ast.TypeBlock && b.Lines().Len() > 0 {
			return b.Lines().At(0).Start
		}
	}
	return 0
}

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

// bodyWords returns searchWords(plainText(doc, src)) without making the
// text first: a build that streams pages needs only the words.
func bodyWords(doc ast.Node, src []byte) string {
	ws := &wordSink{seen: seenPool.Get().(map[string]bool)}
	defer func() { clear(ws.seen); seenPool.Put(ws.seen) }()
	writeBodyText(ws, doc, src)
	ws.flush()
	return ws.out.String()
}

// wordSink splits text into words as searchWords does and keeps each
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

// nodeRenderer renders headings as self-links and fenced code with chroma.
type nodeRenderer struct{}

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.renderHeading)
	reg.Register(ast.KindFencedCodeBlock, r.renderFencedCode)
}

// renderHeading wraps the heading's text in a link to its own anchor, so
// every section can be linked; a heading that holds a link already is left
// as it is, since links cannot nest.
func (r *nodeRenderer) renderHeading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	id, _ := n.AttributeString("id")
	idb, _ := id.([]byte)
	wrap := len(idb) > 0 && !hasLink(n)
	if entering {
		fmt.Fprintf(w, "<h%d", n.Level)
		if len(idb) > 0 {
			w.WriteString(` id="`)
			w.Write(util.EscapeHTML(idb))
			w.WriteString(`"`)
		}
		w.WriteString(">")
		if wrap {
			w.WriteString(`<a class="anchor" href="#`)
			w.Write(util.EscapeHTML(idb))
			w.WriteString(`">`)
		}
		return ast.WalkContinue, nil
	}
	if wrap {
		w.WriteString("</a>")
	}
	fmt.Fprintf(w, "</h%d>\n", n.Level)
	return ast.WalkContinue, nil
}

func hasLink(n ast.Node) bool {
	found := false
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (c.Kind() == ast.KindLink || c.Kind() == ast.KindAutoLink) {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

// renderFencedCode highlights a fenced block with chroma, using CSS classes
// (the stylesheet comes from chromaCSS), and caches the result by language
// and code: many pages share blocks, and lexing is most of a build's time.
func (r *nodeRenderer) renderFencedCode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	lang := string(n.Language(src))
	var code bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		code.Write(seg.Value(src))
	}
	w.Write(highlight(lang, code.String()))
	return ast.WalkSkipChildren, nil
}

// chromaFormatter writes token spans only; highlight adds the <pre> so
// every block, highlighted or not, has the same wrapper.
var chromaFormatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.TabWidth(4), chromahtml.PreventSurroundingPre(true))

func highlightUncached(lang, code string) (html []byte, slow bool) {
	var buf bytes.Buffer
	buf.WriteString(`<pre class="chroma"`)
	if lang != "" {
		buf.WriteString(` data-lang="`)
		buf.Write(util.EscapeHTML([]byte(lang)))
		buf.WriteString(`"`)
	}
	buf.WriteString(`><code>`)
	var lexer chroma.Lexer
	if lang != "" {
		lexer = lexerFor(lang)
	}
	if lexer == nil {
		buf.Write(util.EscapeHTML([]byte(code)))
	} else {
		chunks := []string{code}
		if lexer.Config().Name == "HTTP" {
			chunks = splitHTTPMessages(code)
		}
		for _, chunk := range chunks {
			mark := buf.Len()
			tokens, viaChroma, err := tokenise(lexer, chunk)
			slow = slow || viaChroma
			if err == nil {
				err = formatTokens(&buf, tokens)
			}
			if err != nil {
				buf.Truncate(mark)
				buf.Write(util.EscapeHTML([]byte(chunk)))
			}
		}
	}
	buf.WriteString("</code></pre>\n")
	return buf.Bytes(), slow
}

// lexerFor returns lexers.Get(lang), taking Go and HTTP straight from their
// variables: Get fills the registry of all lexers (third_party/chromalexers
// does that on first lookup), which a site whose examples are all Go and
// HTTP without bodies then never needs. TestLexerFor checks both ways give
// the same lexer.
func lexerFor(lang string) chroma.Lexer {
	switch strings.ToLower(lang) {
	case "go", "golang":
		return lexers.Go
	case "http":
		return lexers.HTTP
	}
	return lexers.Get(lang)
}

// useFastLexers is turned off only by tests that compare the optimised
// path with plain chroma.
var useFastLexers atomic.Bool

func init() { useFastLexers.Store(true) }

// tokenise runs lexer over code, through lexGo where lexer is chroma's Go
// lexer and lexGo can decide every token, and HTTP messages through
// tokeniseHTTP. slow reports that chroma's regular expressions did some of
// the work, which is what makes a block worth caching.
func tokenise(lexer chroma.Lexer, code string) (tokens []chroma.Token, slow bool, err error) {
	switch lexer.Config().Name {
	case "Go":
		if useFastLexers.Load() {
			if tokens, ok := lexGo(code); ok {
				return tokens, false, nil
			}
		}
	case "HTTP":
		return tokeniseHTTP(lexer, code, useFastLexers.Load())
	}
	tokens, err = chromaTokens(lexer, code)
	return tokens, true, err
}

// chromaTokens is chroma's own tokenising, coalesced.
func chromaTokens(lexer chroma.Lexer, code string) ([]chroma.Token, error) {
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return nil, err
	}
	return it.Tokens(), nil
}

// coalesceTokens merges runs of tokens of one type as chroma.Coalesce
// does: empty tokens are dropped, and a token stops growing once it holds
// 8 KiB. Each merged token is built once, so a long run (a line of 2,000
// braces, say) costs linear time, not quadratic as with repeated +=.
func coalesceTokens(in []chroma.Token) []chroma.Token {
	out := in[:0]
	for i := 0; i < len(in); {
		t := in[i]
		i++
		if t.Value == "" {
			continue
		}
		n, j := len(t.Value), i
		for ; j < len(in) && n < 8192; j++ {
			if in[j].Value == "" {
				continue
			}
			if in[j].Type != t.Type {
				break
			}
			n += len(in[j].Value)
		}
		if j > i {
			var b strings.Builder
			b.Grow(n)
			b.WriteString(t.Value)
			for _, u := range in[i:j] {
				b.WriteString(u.Value)
			}
			t.Value = b.String()
		}
		out = append(out, t)
		i = j
	}
	return out
}

// formatTokens writes coalesced tokens (none empty) as chromaFormatter
// does. With CSS classes, no line spans and no line numbers, that
// formatter writes each line of each token as <span class="...">escaped
// text</span> (or the bare text where the type has no class), but it gets
// there through fmt calls, a class lookup per token and a split into
// lines: 7% of a build. This writes the same bytes directly;
// TestFormatTokensMatchesChroma compares the two, and the straightforward
// path (useFastLexers off) still uses chroma's.
func formatTokens(buf *bytes.Buffer, tokens []chroma.Token) error {
	if !useFastLexers.Load() {
		return chromaFormatter.Format(buf, classStyle, chroma.Literator(tokens...))
	}
	for _, t := range tokens {
		class := tokenClass(t.Type)
		for v := t.Value; v != ""; {
			part := v
			if i := strings.IndexByte(v, '\n'); i >= 0 {
				part = v[:i+1]
			}
			v = v[len(part):]
			if class != "" {
				buf.WriteString(`<span class="`)
				buf.WriteString(class)
				buf.WriteString(`">`)
			}
			htmlEscaper.WriteString(buf, part)
			if class != "" {
				buf.WriteString(`</span>`)
			}
		}
	}
	return nil
}

// htmlEscaper escapes as html.EscapeString, which chroma's formatter uses.
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// tokenClasses caches tokenClass.
var tokenClasses sync.Map // chroma.TokenType → string

// tokenClass returns the CSS class chroma's formatter gives a token type:
// that of the type or, failing that, of its nearest parent.
func tokenClass(t chroma.TokenType) string {
	if c, ok := tokenClasses.Load(t); ok {
		return c.(string)
	}
	c := ""
	for u := t; ; u = u.Parent() {
		if cls, ok := chroma.StandardTypes[u]; ok || u == 0 {
			c = cls
			break
		}
	}
	tokenClasses.Store(t, c)
	return c
}

// splitHTTPMessages splits an example exchange into its messages, so the
// http lexer, which understands one message, highlights the response after
// a request too. A message starts at a status line after a blank line, or
// right after a line of a request's body: examples often show a request
// with a body and then the response, as the bytes arrive, with no blank
// line between, and the response then came out as the request's body,
// marked as errors (red blocks on 11 shipped pages).
func splitHTTPMessages(code string) []string {
	var chunks []string
	start := 0
	inBody := false // past the blank line that ends the current message's head
	for i := 0; i < len(code); {
		end := strings.IndexByte(code[i:], '\n')
		if end < 0 {
			break
		}
		next := i + end + 1
		blank := strings.TrimRight(code[i:next], "\r\n") == ""
		if i > start && isStatusLine(code[next:]) && (blank || inBody && !isStatusLine(code[start:])) {
			chunks = append(chunks, code[start:next])
			start, inBody = next, false
		} else if blank {
			inBody = true
		}
		i = next
	}
	return append(chunks, code[start:])
}

// isStatusLine reports whether s starts with a status line such as
// "HTTP/1.1 404" or "HTTP/2 200", and not with a body that happens to
// begin with "HTTP/".
func isStatusLine(s string) bool {
	rest, ok := strings.CutPrefix(s, "HTTP/")
	if !ok || len(rest) < 5 || rest[0] < '0' || rest[0] > '9' {
		return false
	}
	rest = rest[1:]
	if len(rest) >= 2 && rest[0] == '.' && rest[1] >= '0' && rest[1] <= '9' {
		rest = rest[2:]
	}
	if len(rest) < 4 || rest[0] != ' ' {
		return false
	}
	for _, c := range []byte(rest[1:4]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(rest) == 4 || rest[4] == ' ' || rest[4] == '\n' || rest[4] == '\r'
}

// chromaCSS returns the highlighting stylesheet: chroma's github style,
// and github-dark for readers whose system prefers dark. It is generated
// from chroma's styles by "go test -run TestChromaCSS -update" into
// chromacss.go, so the program does not link chroma's styles package,
// whose start-up registers every style (several milliseconds a run); the
// test fails when chroma's styles and the file drift apart.
func chromaCSS() ([]byte, error) {
	return []byte(chromaStylesheet), nil
}

// classStyle is the style passed to the formatter, which writes CSS classes
// and so reads no colours from it.
var classStyle = chroma.MustNewStyle("classes", chroma.StyleEntries{})
