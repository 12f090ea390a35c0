package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/net/html"

	"github.com/statusdocs/statusdocs/internal/site"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestNoNetworkLoads checks no page, stylesheet or script of the offline
// build loads anything from the network: no web fonts, no CDNs.
func TestNoNetworkLoads(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	cfg.Offline, cfg.HashAssets = true, true
	mustBuild(t, cfg)
	for name, data := range testenv.ReadTree(t, cfg.Out) {
		switch filepath.Ext(name) {
		case ".html":
			doc, err := html.Parse(strings.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range testenv.FindAll(doc, func(n *html.Node) bool {
				return n.Data == "script" || n.Data == "img" || n.Data == "iframe" || (n.Data == "link" && testenv.Attr(n, "rel") != "canonical")
			}) {
				for _, key := range []string{"src", "href"} {
					if v := testenv.Attr(n, key); strings.Contains(v, "//") {
						t.Errorf("%s: <%s %s=%q> loads from the network", name, n.Data, key, v)
					}
				}
			}
		case ".css":
			if m := regexp.MustCompile(`(?i)(@import|url\()\s*['"]?(https?:)?//`).FindString(data); m != "" {
				t.Errorf("%s loads from the network: %s", name, m)
			}
		}
	}
}

// TestOfflineBrowser opens the offline build from file:// in Chromium,
// follows links from home to a class page to a code page and back home,
// checks the styles applied, and runs a search there.
func TestOfflineBrowser(t *testing.T) {
	ctx := testenv.NewTab(t)
	cfg := shippedConfig(t)
	cfg.Offline, cfg.HashAssets = true, true
	mustBuild(t, cfg)
	home := "file://" + filepath.Join(cfg.Out, "index.html")
	if err := chromedp.Do(ctx, chromedp.Navigate(home)); err != nil {
		t.Fatal(err)
	}
	click := func(sel, wantSuffix string) {
		t.Helper()
		from, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
		if err := chromedp.Do(ctx, chromedp.Click(sel, chromedp.NodeVisible)); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
		if got := waitPath(ctx, from); !strings.HasSuffix(got, wantSuffix) {
			t.Fatalf("after clicking %s at %s: at %q, want …%s", sel, from, got, wantSuffix)
		}
	}
	click(`.class-nav a[href="4xx/index.html"]`, "/4xx/index.html")
	click(`table.codes a[href="../404/index.html"]`, "/404/index.html")
	// The page is styled: the stylesheet loaded from disk.
	border, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".site-header")).borderBottomStyle`))
	if err != nil || border != "solid" {
		t.Errorf("header border is %q (%v): style.css did not load from disk", border, err)
	}
	click(`.breadcrumbs a[href="../index.html"]`, filepath.Join(cfg.Out, "index.html"))
	if got := typeQuery(t, ctx, "teapot"); len(got) == 0 || got[0] != "418" {
		t.Errorf("offline search for teapot: %v", got)
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
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
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
	ctx := testenv.NewTab(t)
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
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#search-results li[data-href]").getAttribute("data-href")`))
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
	ctx := testenv.NewTab(t)
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
	if badge != "Unofficial" { // the catalogue's label
		t.Errorf("unofficial result badge = %q, want Unofficial", badge)
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
				cfg.Content = site.Source{FS: testenv.SyntheticContent(10000), Name: "content"}
			}
			if _, err := site.Build(context.Background(), cfg); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(http.FileServer(http.Dir(cfg.Out)))
			defer srv.Close()
			ctx := testenv.NewTab(b)
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
