package render

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestBody checks what a rendered body holds: headings that link to
// themselves, site-absolute links made relative and collected with their
// lines, highlighted code, no raw HTML, and the text search indexes.
func TestBody(t *testing.T) {
	t.Parallel()
	src := []byte("---\ntitle: T\nsummary: S.\nstatus: standard\n---\n# What it means\n\nSee [410](/410/#gone) and\n[docs](https://example.org/).\n\n<script>alert(1)</script>\n\n```http\nHTTP/1.1 410 Gone\n```\n\n## [Linked](/404/)\n")
	p, err := content.Parse("4xx/404.md", "content/4xx/404.md", src)
	if err != nil {
		t.Fatal(err)
	}
	r := New(NewHighlighter(HighlightOptions{}))
	if err := r.Body(p, src, NewLinker(false, ""), false); err != nil {
		t.Fatal(err)
	}
	body := string(p.Body)
	for _, want := range []string{
		`<h1 id="what-it-means"><a class="anchor" href="#what-it-means">What it means</a></h1>`,
		`<a href="../410/#gone">410</a>`,
		`<a href="https://example.org/">docs</a>`,
		`<pre class="chroma" tabindex="0" data-lang="http"><code><span class="kr">HTTP</span>`,
		`<h2 id="linked404"><a href="../404/">Linked</a></h2>`, // links do not nest
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("raw HTML reached the body")
	}
	if len(p.Links) != 2 || p.Links[0] != (content.InternalLink{Target: "/410/#gone", Line: 8}) || p.Links[1].Target != "/404/" || p.Links[1].Line != 17 {
		t.Errorf("links = %+v, want /410/#gone at line 8 and /404/ at 17", p.Links)
	}
	if len(p.Headings) != 2 || p.Headings[0].ID != "what-it-means" || p.Headings[1].Text != "Linked" {
		t.Errorf("headings = %+v", p.Headings)
	}
	if p.Text != "What it means See 410 and docs. Linked" || p.TextIsWords {
		t.Errorf("text = %q (words %v)", p.Text, p.TextIsWords)
	}
}

// TestBodyAfterFrontMatter checks the body is parsed from the line after
// the front matter, whatever the line ends, and holds none of it.
func TestBodyAfterFrontMatter(t *testing.T) {
	t.Parallel()
	r := New(NewHighlighter(HighlightOptions{}))
	for _, src := range []string{
		"---\ntitle: OK\nsummary: Fine.\n---\nBODY\n",
		"---\r\ntitle: OK\r\nsummary: Fine.\r\n---\r\nBODY\r\n",
		"---\ntitle: x\nsummary: y\n---\n---\nBODY\n",
	} {
		p, err := r.Page("about.md", "content/about.md", []byte(src), NewLinker(false, ""))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if body := string(p.Body); !strings.Contains(body, "BODY") || strings.Contains(body, "title") || strings.Contains(body, "summary") {
			t.Errorf("%q: the body renders as %q", src, body)
		}
	}
}

// FuzzPage loads and renders one content file: any bytes give a page or
// an error, never a panic or a hang.
func FuzzPage(f *testing.F) {
	fixture := testenv.Repo(f, "testdata/site/content")
	for _, name := range []string{"4xx/404.md", "2xx/200.md", "about.md", "_index.md", "4xx/418.md", "4xx/451.md"} {
		b, err := os.ReadFile(filepath.Join(fixture, filepath.FromSlash(name)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, b)
	}
	lay, err := ParseLayouts(os.DirFS(testenv.Repo(f, "layouts")), "layouts")
	if err != nil {
		f.Fatal(err)
	}
	r := New(NewHighlighter(HighlightOptions{}))
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		if !fs.ValidPath(name) || !strings.HasSuffix(name, ".md") {
			return
		}
		lk := NewLinker(false, "")
		p, err := r.Page(name, "content/"+name, src, lk)
		if err != nil {
			return
		}
		p.Links, p.RelatedCodes, p.Aliases = nil, nil, nil
		pages := []*content.Page{p}
		if p.Kind != content.KindHome {
			pages = append(pages, &content.Page{Kind: content.KindHome, URL: "/", Title: "Home", Summary: "Home.", File: "content/_index.md"})
		}
		if p.Kind == content.KindCode {
			pages = append(pages, &content.Page{Kind: content.KindClass, Class: p.Class, URL: "/" + p.ClassName() + "/", Title: "Class", Summary: "Class.", File: "class"})
		}
		s, err := content.Link(pages, nil)
		if err != nil {
			return
		}
		if err := lay.Execute(io.Discard, p.Kind.String(), NewView(s, p, lk, "")); err != nil {
			t.Fatalf("executing layout: %v", err)
		}
	})
}

// TestLineBreaks: in English a line break is a space, before a link or
// code span too; in a Chinese translation a break between two Chinese
// characters is none (and one next to a Latin word still is).
func TestLineBreaks(t *testing.T) {
	r := New(NewHighlighter(HighlightOptions{}))
	lk := NewLinker(false, "")
	src := []byte("---\ntitle: T\nsummary: S.\n---\nfor the URI and\n[431](/431/) or\n`Connection` here.\n\n中文的\n句子 and\nEnglish\n")
	tests := []struct {
		lang, want, not string
	}{
		{"en", "and\n<a href=\"../431/\">431</a> or\n<code>Connection</code>", "and<a"},
		{"zh-cn", "中文的句子 and\nEnglish", "中文的\n句子"},
	}
	for _, tt := range tests {
		p := &content.Page{File: "x.md", URL: "/x/", Lang: tt.lang, BodyStart: strings.Index(string(src), "for the")}
		if err := r.Body(p, src, lk, false); err != nil {
			t.Fatal(err)
		}
		body := string(p.Body)
		if tt.lang == "zh-cn" {
			body = strings.ReplaceAll(body, "/zh-cn", "")
		}
		if !strings.Contains(body, tt.want) || strings.Contains(body, tt.not) {
			t.Errorf("%s: body %q: want %q, not %q", tt.lang, body, tt.want, tt.not)
		}
	}
}

// TestHeadingAttributes: a heading may carry only an anchor, {#id};
// goldmark panics on {id=5}, which must be the page's error, with its line.
func TestHeadingAttributes(t *testing.T) {
	r := New(NewHighlighter(HighlightOptions{}))
	lk := NewLinker(false, "")
	for _, tt := range []struct{ body, want string }{
		{"## 含义 {#what-it-means}\n\nText.\n", ""},
		{"Text.\n\n## Extra {id=5}\n", "x.md:7: heading attributes {id=5}: only an anchor"},
		{"## Extra {.wide}\n", "x.md:5: heading attributes {.wide}"},
		{"```\n## not a heading {id=5}\n```\n", ""},
	} {
		src := []byte("---\ntitle: T\nsummary: S.\n---\n" + tt.body)
		p := &content.Page{File: "x.md", URL: "/x/", BodyStart: len("---\ntitle: T\nsummary: S.\n---\n")}
		err := r.Body(p, src, lk, false)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%q: %v, want %q", tt.body, err, tt.want)
		}
	}
}
