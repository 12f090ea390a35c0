package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
)

// readIndex returns the docs of a built site's search index.
func readIndex(t testing.TB, out string) ([][]any, int) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(out, "search-index*.js"))
	if len(matches) != 1 {
		t.Fatalf("search index files: %v", matches)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	js := strings.TrimSuffix(strings.TrimPrefix(string(data), "window.statusdocsIndex="), ";\n")
	var docs [][]any
	if err := json.Unmarshal([]byte(js), &docs); err != nil {
		t.Fatalf("index is not the expected script: %v", err)
	}
	return docs, len(data)
}

// TestSearchIndex checks the index holds every page with its fields, and
// stays small.
func TestSearchIndex(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	mustBuild(t, cfg)
	site, _, err := loadSite(context.Background(), cfg, &linker{})
	if err != nil {
		t.Fatal(err)
	}
	docs, size := readIndex(t, cfg.Out)
	byPath := map[string][]any{}
	for _, d := range docs {
		if len(d) != 9 {
			t.Fatalf("doc has %d fields, want 9: %v", len(d), d)
		}
		byPath[d[0].(string)] = d
	}
	for _, p := range site.Codes {
		d := byPath[fmt.Sprintf("%d/", p.Code)]
		if d == nil {
			t.Errorf("code %d is not in the index", p.Code)
			continue
		}
		if int(d[1].(float64)) != p.Code || d[2] != p.Title || d[5] != p.Summary || d[8] != p.Status {
			t.Errorf("index entry %v does not match page %d %q", d[:3], p.Code, p.Title)
		}
		for _, f := range p.Former {
			if !strings.Contains(d[3].(string), f) {
				t.Errorf("%d: former name %q not indexed", p.Code, f)
			}
		}
		if len(p.Text) > 0 && d[7] == "" {
			t.Errorf("%d: body not indexed", p.Code)
		}
	}
	for _, c := range site.Classes {
		if byPath[c.ClassName()+"/"] == nil {
			t.Errorf("class %s not in the index", c.ClassName())
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	data, _ := os.ReadFile(filepath.Join(cfg.Out, "search-index.js"))
	zw.Write(data)
	zw.Close()
	t.Logf("search index: %d bytes, %d gzipped, %d docs", size, gz.Len(), len(docs))
	if size > 1<<20 || gz.Len() > 256<<10 {
		t.Errorf("search index is %d bytes (%d gzipped): too big", size, gz.Len())
	}
}

// TestSearchWithoutScript checks the header form leads to the search page,
// which lists every class and code without script.
func TestSearchWithoutScript(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	doc := parseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	forms := findAll(doc, func(n *html.Node) bool { return n.Data == "form" && hasClass(n, "search") })
	if len(forms) != 1 || attr(forms[0], "action") != "../search/" || attr(forms[0], "method") != "get" {
		t.Fatalf("search form = %v", forms)
	}
	if in := findAll(forms[0], func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "q" }); len(in) != 1 {
		t.Error("search form has no q input")
	}
	page := parseHTML(t, filepath.Join(cfg.Out, "search", "index.html"))
	var hrefs []string
	for _, a := range findAll(page, func(n *html.Node) bool { return n.Data == "a" }) {
		hrefs = append(hrefs, attr(a, "href"))
	}
	for _, want := range []string{"../2xx/", "../4xx/", "../404/", "../418/"} {
		if !slices.Contains(hrefs, want) {
			t.Errorf("search page lacks a link to %s", want)
		}
	}
}

// searchTest is a query and the codes its first results must be.
type searchTest struct {
	query string
	first []string // leading results' texts (code, or class name)
}

var searchTests = []searchTest{
	{"404", []string{"404"}},
	{"40", []string{"400", "401", "402", "403", "404", "405", "406", "407", "408", "409"}},
	{"4xx", []string{"4xx", "400", "401"}},
	{"client error", []string{"4xx", "400"}},
	{"teapot", []string{"418"}},
	{"unauthorised", []string{"401"}},
	{"unauth", []string{"401"}},
	{"teapott", []string{"418"}},
	{"gatway timeout", []string{"504"}},
	{"Request Entity Too Large", []string{"413"}},
	{"unprocessable entity", []string{"422"}},
	{"too many requests", []string{"429"}},
}

// typeQuery clears the header search box, types q, and returns the leading
// results' codes (or class names) once the results are for q.
func typeQuery(t *testing.T, ctx context.Context, q string) []string {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const b = document.getElementById("search-box"); b.value = ""; b.focus(); return true })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search-box"), q)); err != nil {
		t.Fatal(err)
	}
	js := fmt.Sprintf(`(() => {
		const l = document.getElementById("search-results");
		if (l.getAttribute("data-query") !== %q) return null;
		return [...l.querySelectorAll("li[role=option] .result-head")].map(h => (h.querySelector(".code") || h).textContent.trim().split(" ")[0]);
	})()`, q)
	got, err := chromedp.Run(ctx, chromedp.Poll[[]string](js, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("query %q: no results: %v", q, err)
	}
	return got
}

func checkSearches(t *testing.T, ctx context.Context) {
	for _, tt := range searchTests {
		got := typeQuery(t, ctx, tt.query)
		if len(got) < len(tt.first) || !slices.Equal(got[:len(tt.first)], tt.first) {
			t.Errorf("search %q: first results %v, want %v", tt.query, got, tt.first)
		}
	}
}

// waitPath waits for the tab to leave the page at path, and returns the
// new path ("" after 10 s). Evaluations fail while a navigation swaps the
// document, so errors are retried.
func waitPath(ctx context.Context, from string) string {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
		if err == nil && p != "" && p != from {
			return p
		}
	}
	return ""
}

// serveDir serves a built site on loopback for a browser test.
func serveDir(t *testing.T, dir string) string {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestSearchBrowser types queries into the shipped site, hosted and from
// file://, and checks the results, keyboard use and ?q= on /search/.
func TestSearchBrowser(t *testing.T) {
	ctx := newTab(t)
	hosted := shippedConfig(t)
	hosted.HashAssets = true
	mustBuild(t, hosted)
	offline := shippedConfig(t)
	offline.Offline = true
	offline.HashAssets = true
	mustBuild(t, offline)
	base := serveDir(t, hosted.Out)

	t.Run("hosted", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/500/")); err != nil {
			t.Fatal(err)
		}
		checkSearches(t, ctx)
	})
	t.Run("file", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.Join(offline.Out, "index.html"))); err != nil {
			t.Fatal(err)
		}
		checkSearches(t, ctx)
		// Results link to files.
		typeQuery(t, ctx, "teapot")
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#search-results a").getAttribute("href")`))
		if err != nil || !strings.HasPrefix(href, "./418/index.html") {
			t.Errorf("offline result href = %q, %v", href, err)
		}
	})
	t.Run("keyboard", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
			t.Fatal(err)
		}
		// "/" focuses the box from anywhere.
		if err := chromedp.Do(ctx, chromedp.KeyEvent("/")); err != nil {
			t.Fatal(err)
		}
		focused, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		if focused != "search-box" {
			t.Errorf(`after "/", focus is on %q, want search-box`, focused)
		}
		got := typeQuery(t, ctx, "too many")
		if len(got) < 2 {
			t.Fatalf("too many: results %v", got)
		}
		// Down, down, up: the second result is selected; Enter opens it.
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp)); err != nil {
			t.Fatal(err)
		}
		sel, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("search-box").getAttribute("aria-activedescendant")`))
		if sel != "search-result-1" {
			t.Errorf("selected %q, want search-result-1", sel)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		path := waitPath(ctx, "/")
		if path != "/"+got[1]+"/" {
			t.Errorf("Enter opened %q, want /%s/", path, got[1])
		}
		marks, _ := chromedp.Run(ctx, chromedp.Poll[int](`document.querySelectorAll("main .prose mark").length || null`, chromedp.WithPollingTimeout(5*time.Second)))
		if marks == 0 {
			t.Error("opened page highlights no words")
		}
		// Escape closes the list.
		typeQuery(t, ctx, "gone")
		chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape))
		hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("search-results").hidden`))
		if !hidden {
			t.Error("Escape did not close the results")
		}
	})
	t.Run("search page", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/search/?q=teapot")); err != nil {
			t.Fatal(err)
		}
		first, err := chromedp.Run(ctx, chromedp.Poll[string](`(document.querySelector("#search-page-results .code") || {}).textContent || null`, chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil || first != "418" {
			t.Errorf("/search/?q=teapot: first result %q, %v", first, err)
		}
		val, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("search-page-box").value`))
		if val != "teapot" {
			t.Errorf("search page box = %q, want teapot", val)
		}
	})
}

// TestSearchXSS checks that a title holding markup shows as text.
func TestSearchXSS(t *testing.T) {
	ctx := newTab(t)
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	base := serveDir(t, cfg.Out)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.alerted = false; window.alert = () => { window.alerted = true }; true`)); err != nil {
		t.Fatal(err)
	}
	typeQuery(t, ctx, "legal")
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#search-results .phrase").textContent`))
	if err != nil || text != "Legal <img src=x onerror=alert(1)>" {
		t.Errorf("result title = %q, %v", text, err)
	}
	badge, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#search-results li .badge-unofficial") || {}).textContent || ""`))
	if badge != "unofficial" {
		t.Errorf("unofficial result badge = %q, want unofficial", badge)
	}
	imgs, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#search-results img, #search-results b").length`))
	if imgs != 0 {
		t.Errorf("markup from content became %d elements", imgs)
	}
	time.Sleep(200 * time.Millisecond)
	if alerted, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.alerted`)); alerted {
		t.Error("script from a page title ran")
	}
}

// BenchmarkSearchQuery measures, in Chromium, how long one query takes on
// the shipped site and on a 10,000-page synthetic site: the median over
// the search tests' queries typed one keystroke at a time (each prefix is a
// query, as when typing). It also reports how long the index takes to load
// and build.
func BenchmarkSearchQuery(b *testing.B) {
	for _, size := range []string{"shipped", "10000"} {
		b.Run(size, func(b *testing.B) {
			cfg := shippedConfig(b)
			if size != "shipped" {
				cfg.Content = Source{FS: syntheticContent(10000), Name: "content"}
			}
			if _, err := Build(context.Background(), cfg); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(http.FileServer(http.Dir(cfg.Out)))
			defer srv.Close()
			ctx := newTab(b)
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
				b.Fatal(err)
			}
			load, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(async () => {
				const t0 = performance.now(); await window.statusdocsSearch.load(); return performance.now() - t0 })()`,
				chromedp.EvalAwaitPromise))
			if err != nil {
				b.Fatal(err)
			}
			var queries []string
			for _, tt := range searchTests {
				for i := 1; i <= len(tt.query); i++ {
					queries = append(queries, tt.query[:i])
				}
			}
			qs, _ := json.Marshal(queries)
			var median, p95 float64
			var slowest string
			for b.Loop() {
				r, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`(() => {
					const qs = `+string(qs)+`, ts = [];
					for (const q of qs) { const t0 = performance.now(); window.statusdocsSearch.search(q); ts.push([performance.now() - t0, q]); }
					ts.sort((a, b) => a[0] - b[0]);
					return [ts[Math.floor(ts.length / 2)][0], ts[Math.floor(ts.length * 0.95)][0], ts.slice(-3).map(t => t[1] + ": " + t[0].toFixed(1) + " ms").join(", ")];
				})()`))
				if err != nil {
					b.Fatal(err)
				}
				median, p95, slowest = r[0].(float64), r[1].(float64), r[2].(string)
			}
			b.Logf("%s: slowest queries %s", size, slowest)
			b.ReportMetric(median, "ms/query")
			b.ReportMetric(p95, "p95-ms/query")
			b.ReportMetric(load, "ms-index-load")
		})
	}
}

// TestBodyWords checks the streaming word extraction gives exactly what
// searchWords gives for the page's plain text, on tricky Markdown and on
// every shipped page.
func TestBodyWords(t *testing.T) {
	t.Parallel()
	srcs := map[string][]byte{
		"tricky": []byte("---\ntitle: T\nsummary: S.\n---\nFoo*bar* ÄÖ Straße `Code` HTTP/1.1 don't\nsoft break\n\n# Head\n\n```go\nskipped()\n```\n- a **B** c\n"),
	}
	names, _ := listContent(os.DirFS("content"))
	for _, n := range names {
		srcs[n], _ = os.ReadFile(filepath.Join("content", n))
	}
	for name, src := range srcs {
		pc := parser.NewContext()
		doc := markdown.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
		if got, want := bodyWords(doc, src), searchWords(plainText(doc, src)); got != want {
			t.Errorf("%s: bodyWords = %q,\nwant %q", name, got, want)
		}
	}
}

// BenchmarkBodyWords measures taking a synthetic page's distinct words
// from its syntax tree.
func BenchmarkBodyWords(b *testing.B) {
	src := syntheticPage(7, 100)
	doc := markdown.Parser().Parse(text.NewReader(src))
	for b.Loop() {
		bodyWords(doc, src)
	}
}
