package site

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/statusdocs/statusdocs/internal/render"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestLinkCheck checks the build fails, naming page and link, when a layout
// links nowhere or to a missing anchor, and keeps the old output.
func TestLinkCheck(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ link, want string }{
		{`<a href="{{.URL "/nowhere/"}}">x</a>`, `404/index.html: broken link "../nowhere/": no such file nowhere/index.html`},
		{`<a href="{{.URL "/4xx/#no-such-anchor"}}">x</a>`, `404/index.html: broken link "../4xx/#no-such-anchor": 4xx/index.html has no anchor #no-such-anchor`},
		{`<a href="#missing">x</a>`, `404/index.html: broken link "#missing": 404/index.html has no anchor #missing`},
	} {
		cfg := fixtureConfig(t)
		mustBuild(t, cfg)
		before := testenv.ReadTree(t, cfg.Out)
		lay := cfg.Layouts.FS.(fstest.MapFS)
		lay["code.html"].Data = []byte(strings.Replace(string(lay["code.html"].Data), "</article>", tt.link+"</article>", 1))
		_, err := Build(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Build error = %v, want %q", err, tt.want)
		}
		if after := testenv.ReadTree(t, cfg.Out); len(after) != len(before) {
			t.Error("failed link check changed the output")
		}
	}
	// The search index is written while the links are checked; a link
	// to it is found all the same.
	cfg := fixtureConfig(t)
	lay := cfg.Layouts.FS.(fstest.MapFS)
	lay["code.html"].Data = []byte(strings.Replace(string(lay["code.html"].Data), "</article>", `<script src="{{.URL "/search-index.js"}}"></script></article>`, 1))
	mustBuild(t, cfg)
}

// TestOfflineLinks checks an offline build links to files, and passes the
// link check (which the build runs).
func TestOfflineLinks(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	cfg.Offline = true
	mustBuild(t, cfg)
	doc := testenv.ParseHTML(t, filepath.Join(cfg.Out, "index.html"))
	n := 0
	for _, a := range testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "a" }) {
		href := testenv.Attr(a, "href")
		if strings.Contains(href, "://") || strings.HasPrefix(href, "#") {
			continue
		}
		n++
		path, _, _ := strings.Cut(href, "#")
		if strings.HasSuffix(path, "/") || path == "" {
			t.Errorf("offline link %q does not name a file", href)
		}
	}
	if n == 0 {
		t.Error("no internal links on the home page")
	}
	if err := checkLinks(cfg.Out, ""); err != nil {
		t.Error(err)
	}
}

// checkLinks runs the link check over a site already on disk under root.
func checkLinks(root, base string) error {
	fsys := os.DirFS(root)
	names, err := ListFiles(fsys)
	if err != nil {
		return err
	}
	x := newLinkIndex()
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		x.add(name, data)
	}
	return x.check(base)
}

// TestScanGenerated checks the link check's shortcut for page bodies: on
// every page of the shipped and a synthetic site, scanPage finds exactly
// what scanHTML finds in the whole page, in the same order, and
// scanGenerated reads every body itself; and on hand-made bodies, either
// it agrees with the tokenizer or it declines.
func TestScanGenerated(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"shipped", "synthetic"} {
		cfg := shippedConfig(t)
		if name == "synthetic" {
			cfg.Content = Source{FS: testenv.SyntheticContent(30), Name: "content"}
		}
		cfg.HashAssets = true
		mustBuild(t, cfg)
		site := loadAll(t, cfg)
		out := testenv.ReadTree(t, cfg.Out)
		pages := 0
		for _, p := range site.Pages() {
			page := []byte(out[OutPath(p.URL)])
			if len(p.Body) == 0 || !bytes.Contains(page, p.Body) {
				t.Fatalf("%s: body not found in the built page", p.File)
			}
			pages++
			ids, links := scanHTML(page)
			gids, glinks := scanPage(page, p.Body)
			if !maps.Equal(ids, gids) || !slices.Equal(links, glinks) {
				t.Errorf("%s: scanPage differs from scanHTML:\nids %v\n vs %v\nlinks %v\n vs %v", p.File, gids, ids, glinks, links)
			}
			if _, ok := scanGenerated(p.Body, map[string]bool{}, nil); !ok {
				t.Errorf("%s: scanGenerated declined the body", p.File)
			}
		}
		if pages < 30 {
			t.Errorf("%s: compared only %d pages", name, pages)
		}
	}
	for _, body := range []string{
		`<h2 id="a-b"><a class="anchor" href="#a-b">A &amp; B</a></h2>` + "\n<p>x &lt; y</p>\n",
		`<p><a href="/a?b=1&amp;c=2" title="&quot;t&quot;">q</a> <img src="x.png" alt="i"></p>`,
		`<ul><li><input checked="" disabled="" type="checkbox"> done</li></ul>`,
		`<!-- raw HTML omitted --><p>after</p>`,
		`<pre class="chroma" data-lang="go"><code><span class="kd">func</span></code></pre>`,
		`<p><a href="&copy;">entity goldmark does not write</a></p>`,
		`<p><a href='single'>quotes</a></p>`,
		`<script>let a = "<a href=x>";</script>`,
		`<p>unclosed <a href="x"`,
		`<!-- unclosed comment`,
		`<p><a name="n" id="i" href="#i">both</a></p>`,
		`<A HREF="UPPER">x</A>`,
		"<p\nclass=\"nl\">x</p>",
	} {
		ids, links := scanHTML([]byte(body))
		gids := map[string]bool{}
		glinks, ok := scanGenerated([]byte(body), gids, nil)
		if ok && (!maps.Equal(ids, gids) || !slices.Equal(links, glinks)) {
			t.Errorf("scanGenerated(%q) = %v %v, scanHTML %v %v", body, gids, glinks, ids, links)
		}
	}
}

// FuzzScanGenerated renders Markdown as pages' bodies are rendered and
// checks scanGenerated against the tokenizer, and scanPage within a page.
func FuzzScanGenerated(f *testing.F) {
	for _, s := range []string{"# T\n\n[a](/404/#x) ![i](/p.png) <b>raw</b> https://example.org\n",
		"- [x] t\n\n| a |\n|---|\n| [b](c?d=1&e=2) |\n", "```go\nfunc f() {}\n```\n", "<!-- c -->\n\n[x]: /y \"t\"\n\n[x]\n"} {
		f.Add(s)
	}
	r := render.New(render.NewHighlighter(render.HighlightOptions{}))
	f.Fuzz(func(t *testing.T, md string) {
		body, err := r.Convert([]byte(md))
		if err != nil {
			return
		}
		ids, links := scanHTML(body)
		gids := map[string]bool{}
		if glinks, ok := scanGenerated(body, gids, nil); ok && (!maps.Equal(ids, gids) || !slices.Equal(links, glinks)) {
			t.Errorf("%q renders %q:\nscanGenerated %v %v\nscanHTML %v %v", md, body, gids, glinks, ids, links)
		}
		page := []byte("<!DOCTYPE html><html><body><a href=\"#top\" id=\"top\">t</a><div class=\"prose\">" + string(body) + "</div><a href=\"/x\">x</a></body></html>")
		ids, links = scanHTML(page)
		pids, plinks := scanPage(page, body)
		if !maps.Equal(ids, pids) || !slices.Equal(links, plinks) {
			t.Errorf("%q: scanPage %v %v, scanHTML %v %v", md, pids, plinks, ids, links)
		}
	})
}

// BenchmarkLinkScan scans a synthetic page for the link check with the
// tokenizer alone and as builds do, the body by scanGenerated.
func BenchmarkLinkScan(b *testing.B) {
	cfg := shippedConfig(b)
	cfg.Content = Source{FS: testenv.SyntheticContent(3), Name: "content"}
	site := loadAll(b, cfg)
	mustBuild(b, cfg)
	p := site.ByURL("/p/page-00001/")
	page, err := os.ReadFile(filepath.Join(cfg.Out, "p", "page-00001", "index.html"))
	if err != nil || p == nil {
		b.Fatal(err)
	}
	b.Run("tokenizer", func(b *testing.B) {
		for b.Loop() {
			scanHTML(page)
		}
	})
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			scanPage(page, p.Body)
		}
	})
}
