// Package render is the second stage of a build: it turns a page's
// Markdown into HTML with goldmark (headings that link to themselves,
// fenced code highlighted by chroma, site-absolute links made relative),
// collects what search needs of it, and executes the layouts.
package render

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Renderer renders the Markdown bodies of one build. Its goldmark instance
// is stateless once made, so pages are parsed and rendered by many
// goroutines at once. Raw HTML in content is not passed through
// (goldmark's default), so a page cannot inject script.
type Renderer struct {
	md  goldmark.Markdown
	cjk goldmark.Markdown // for translations into Chinese (see New)
	hl  *Highlighter
}

// New returns a renderer that highlights code blocks with hl.
//
// Pages in Chinese are rendered by a second instance whose line breaks
// between two Chinese characters are no space, so translators may wrap
// lines as the English pages do. It is kept off English pages: goldmark's
// option (v1.8.7) also drops the space of a line break before a link or
// code span that follows a Latin word (yuin/goldmark#582).
func New(hl *Highlighter) *Renderer {
	md := func(extra ...goldmark.Extender) goldmark.Markdown {
		return goldmark.New(
			goldmark.WithExtensions(append([]goldmark.Extender{
				extension.Table,
				extension.Strikethrough,
				extension.Linkify,
				extension.Typographer,
			}, extra...)...),
			goldmark.WithParserOptions(parser.WithAutoHeadingID(), parser.WithAttribute()),
			goldmark.WithRendererOptions(
				renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{hl: hl}, 100)),
			),
		)
	}
	return &Renderer{hl: hl, md: md(), cjk: md(extension.NewCJK(extension.WithEastAsianLineBreaks()))}
}

// markdown returns the goldmark instance for page p: the CJK one for a
// translation into Chinese (not for a page shown untranslated).
func (r *Renderer) markdown(p *content.Page) goldmark.Markdown {
	if p != nil && !p.Untranslated && strings.HasPrefix(p.Lang, "zh") {
		return r.cjk
	}
	return r.md
}

// Highlighter returns the renderer's highlighter.
func (r *Renderer) Highlighter() *Highlighter { return r.hl }

// Page parses one content file completely: front matter, Markdown body,
// internal links. The body is rendered with links made relative to the
// page's URL, so the page can be written without the rest of the site.
func (r *Renderer) Page(name, display string, src []byte, lk *Linker) (*content.Page, error) {
	p, err := content.Parse(name, display, src)
	if err != nil {
		return nil, err
	}
	if err := r.Body(p, src, lk, false); err != nil {
		return nil, err
	}
	return p, nil
}

// Body parses and renders a page's Markdown body from its file src,
// collecting its internal links, headings and plain text (with words, only
// the distinct words the search index keeps of it).
func (r *Renderer) Body(p *content.Page, src []byte, lk *Linker, words bool) (err error) {
	// Parsing starts after the front matter; offsets, and so line
	// numbers in messages, stay those of the whole file.
	if p.BodyStart > len(src) {
		return content.Errorf(p.File, 0, "the file changed while it was being built")
	}
	if err := checkHeadingAttributes(src, p.BodyStart, p.File); err != nil {
		return err
	}
	// A panic in goldmark on some input must not take the dev server
	// down: it becomes this page's error.
	defer func() {
		if v := recover(); v != nil {
			err = content.Errorf(p.File, 0, "rendering: the Markdown parser failed (%v); please report this page", v)
		}
	}()
	md := r.markdown(p)
	doc := r.parse(md, src, p.BodyStart)
	p.Links, p.Headings = walkBody(doc, src, p.URL, p.LangPrefix(), lk)
	p.Advice = visitorAdvice(doc, src)
	var buf bytes.Buffer
	buf.Grow(len(src) * 2)
	if err := md.Renderer().Render(&buf, src, doc); err != nil {
		return content.Errorf(p.File, 0, "rendering: %v", err)
	}
	p.Body = buf.Bytes()
	if words {
		p.Text, p.TextIsWords = bodyWords(doc, src), true
	} else {
		p.Text, p.TextIsWords = plainText(doc, src), false
	}
	return nil
}

// visitorAdvice returns the text of the first paragraph after a heading
// that starts "If you are a visitor" (How to fix's part for visitors), or "".
func visitorAdvice(doc ast.Node, src []byte) string {
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if !ok {
			continue
		}
		// By its anchor, which a translation keeps ({#if-you-are-a-visitor…}).
		id, _ := h.AttributeString("id")
		idb, _ := id.([]byte)
		if !strings.HasPrefix(string(idb), "if-you-are-a-visitor") && !strings.HasPrefix(nodeText(h, src), "If you are a visitor") {
			continue
		}
		for m := h.NextSibling(); m != nil; m = m.NextSibling() {
			if _, ok := m.(*ast.Heading); ok {
				return ""
			}
			if para, ok := m.(*ast.Paragraph); ok {
				// The typographer writes quotes and dashes as entities.
				return html.UnescapeString(strings.Join(strings.Fields(nodeText(para, src)), " "))
			}
		}
	}
	return ""
}

// parse parses src from offset start as Markdown.
func (r *Renderer) parse(md goldmark.Markdown, src []byte, start int) ast.Node {
	reader := text.NewReader(src)
	reader.Advance(start)
	return md.Parser().Parse(reader, parser.WithContext(parser.NewContext(parser.WithIDs(newHeadingIDs()))))
}

// Convert renders Markdown src as a page's body is rendered, without a
// page: for tests of what goldmark writes.
func (r *Renderer) Convert(src []byte) ([]byte, error) {
	var buf bytes.Buffer
	err := r.md.Convert(src, &buf, parser.WithContext(parser.NewContext(parser.WithIDs(newHeadingIDs()))))
	return buf.Bytes(), err
}

// walkBody rewrites the site-absolute links of a page's AST to relative ones
// and collects them for checking; it also lists the headings.
//
// In another language's edition (prefix "/zh-cn"), links to pages go to
// that edition's pages: a translation keeps its page's link targets
// ("/410/"), and every page has an edition page, translated or not. A
// target is a page when its path ends in "/" or its last part has no
// extension; files (/favicon.svg) are shared by the editions.
func walkBody(doc ast.Node, src []byte, from, prefix string, lk *Linker) ([]content.InternalLink, []content.Heading) {
	var links []content.InternalLink
	var heads []content.Heading
	var lines lineIndex // made at the first link
	lineOf := func(n ast.Node) int {
		if lines == nil {
			lines = newLineIndex(src)
		}
		return lines.line(nodeOffset(n, src))
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, _ := n.AttributeString("id")
			idb, _ := id.([]byte)
			heads = append(heads, content.Heading{Level: n.Level, ID: string(idb), Text: nodeText(n, src)})
		case *ast.Link:
			if dst := string(n.Destination); isSiteAbsolute(dst) {
				written := ""
				if prefix != "" && isPageTarget(dst) {
					written, dst = dst, prefix+dst
				}
				links = append(links, content.InternalLink{Target: dst, Line: lineOf(n), Written: written})
				n.Destination = []byte(lk.Rel(from, dst))
			}
		case *ast.Image:
			if dst := string(n.Destination); isSiteAbsolute(dst) {
				links = append(links, content.InternalLink{Target: dst, Line: lineOf(n)})
				n.Destination = []byte(lk.Rel(from, dst))
			}
		}
		return ast.WalkContinue, nil
	})
	return links, heads
}

// headingAttr finds a heading line ending in attributes ("## Title {…}").
var (
	headingAttr = regexp.MustCompile(`^ {0,3}#{1,6}[ \t].*\{([^{}]*)\}[ \t]*$`)
	idAttr      = regexp.MustCompile(`^#[A-Za-z0-9_-]+$`)
)

// checkHeadingAttributes allows a heading only the attribute {#id}, the
// anchor translations keep: goldmark (v1.8.7) panics on {id=5}, and other
// attributes would be dropped without a word.
func checkHeadingAttributes(src []byte, start int, file string) error {
	line := 1 + bytes.Count(src[:start], []byte("\n"))
	fence := ""
	for _, l := range strings.Split(string(src[start:]), "\n") {
		t := strings.TrimLeft(l, " ")
		switch {
		case fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")):
			fence = t[:3]
		case fence != "" && strings.HasPrefix(t, fence):
			fence = ""
		case fence == "":
			if m := headingAttr.FindStringSubmatch(l); m != nil && !idAttr.MatchString(strings.TrimSpace(m[1])) {
				return content.Errorf(file, line, "heading attributes {%s}: only an anchor, {#some-id}, is allowed", m[1])
			}
		}
		line++
	}
	return nil
}

// isPageTarget reports whether a site-absolute link names a page rather
// than a file.
func isPageTarget(dst string) bool {
	p, _, _ := strings.Cut(dst, "#")
	p, _, _ = strings.Cut(p, "?")
	last := p[strings.LastIndexByte(p, '/')+1:]
	return !strings.Contains(last, ".")
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

// nodeRenderer renders headings as self-links and fenced code with chroma.
type nodeRenderer struct {
	hl *Highlighter
}

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

// renderFencedCode highlights a fenced block (see Highlighter).
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
	w.Write(r.hl.Highlight(lang, code.String()))
	return ast.WalkSkipChildren, nil
}
