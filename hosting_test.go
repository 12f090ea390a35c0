package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"
)

// TestSitemapAndRobots checks sitemap.xml lists every page under the base
// URL, and robots.txt points at it.
func TestSitemapAndRobots(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	data, err := os.ReadFile(filepath.Join(cfg.Out, "sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range set.URLs {
		got = append(got, u.Loc)
	}
	want := []string{"https://example.org/docs/", "https://example.org/docs/2xx/", "https://example.org/docs/4xx/",
		"https://example.org/docs/200/", "https://example.org/docs/404/", "https://example.org/docs/418/", "https://example.org/docs/451/", "https://example.org/docs/about/"}
	if !slices.Equal(got, want) {
		t.Errorf("sitemap = %v, want %v", got, want)
	}
	robots, _ := os.ReadFile(filepath.Join(cfg.Out, "robots.txt"))
	if !strings.Contains(string(robots), "Sitemap: https://example.org/docs/sitemap.xml\n") {
		t.Errorf("robots.txt = %q", robots)
	}
	osd, err := os.ReadFile(filepath.Join(cfg.Out, "opensearch.xml"))
	if err != nil || !strings.Contains(string(osd), `template="https://example.org/docs/search/?q={searchTerms}"`) {
		t.Errorf("opensearch.xml = %q, %v", osd, err)
	}
	doc := parseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	if l := findAll(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "search" }); len(l) != 1 || attr(l[0], "href") != "https://example.org/docs/opensearch.xml" {
		t.Errorf("no OpenSearch link on pages: %v", l)
	}
	// Without a base URL there is no sitemap (it needs absolute URLs).
	plain := fixtureConfig(t)
	mustBuild(t, plain)
	if _, err := os.Stat(filepath.Join(plain.Out, "sitemap.xml")); err == nil {
		t.Error("sitemap.xml written without -base-url")
	}
}

// TestOpenGraph checks meta tags under a sub-path.
func TestOpenGraph(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	doc := parseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	meta := map[string]string{}
	for _, m := range findAll(doc, func(n *html.Node) bool { return n.Data == "meta" }) {
		meta[attr(m, "property")+attr(m, "name")] = attr(m, "content")
	}
	for k, v := range map[string]string{
		"og:url": "https://example.org/docs/404/", "og:description": "Nothing is here.",
		"description": "Nothing is here.", "og:type": "article",
	} {
		if meta[k] != v {
			t.Errorf("meta %s = %q, want %q", k, meta[k], v)
		}
	}
}

// TestAliases checks each alias is a redirect page with a canonical link.
func TestAliases(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	doc := parseHTML(t, filepath.Join(cfg.Out, "not-found", "index.html"))
	can := findAll(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
	if len(can) != 1 || attr(can[0], "href") != "https://example.org/docs/404/" {
		t.Errorf("alias canonical = %v", can)
	}
	ref := findAll(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "http-equiv") == "refresh" })
	if len(ref) != 1 || attr(ref[0], "content") != "0; url=../404/" {
		t.Errorf("alias refresh = %v", ref)
	}
}

// TestHashedAssets checks CSS is written under a content-hashed name, the
// pages refer to that name, and the name changes with the content.
func TestHashedAssets(t *testing.T) {
	t.Parallel()
	names := func(cfg *Config) (css string) {
		mustBuild(t, cfg)
		doc := parseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
		for _, l := range findAll(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "stylesheet" }) {
			href := attr(l, "href")
			if strings.Contains(href, "style.") {
				css = href
			}
			if !regexp.MustCompile(`^\.\./(style|chroma)\.[0-9a-f]{8}\.css$`).MatchString(href) {
				t.Errorf("stylesheet %q has no content hash", href)
			}
			if _, err := os.Stat(filepath.Join(cfg.Out, "404", filepath.FromSlash(href))); err != nil {
				t.Errorf("stylesheet %q: %v", href, err)
			}
		}
		return css
	}
	a := fixtureConfig(t)
	a.HashAssets = true
	b := fixtureConfig(t)
	b.HashAssets = true
	b.Static.FS.(fstest.MapFS)["style.css"] = &fstest.MapFile{Data: []byte("body { color: red }\n")}
	if ca, cb := names(a), names(b); ca == cb || ca == "" {
		t.Errorf("changed CSS kept its name %q", ca)
	}
}

// TestAPI decodes the JSON API and compares it with the content.
func TestAPI(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	cfg.BaseURL = "https://example.org/docs/"
	mustBuild(t, cfg)
	lk := &linker{}
	site, _, err := loadSite(context.Background(), cfg, lk)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(cfg.Out, "api", "codes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Codes []APICode }
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Codes) != len(site.Codes) {
		t.Fatalf("codes.json has %d codes, content %d", len(list.Codes), len(site.Codes))
	}
	for i, c := range list.Codes {
		p := site.Codes[i]
		if c.Code != p.Code || c.Reason != p.Title || c.Summary != p.Summary || c.Status != p.Status || c.Class != p.ClassName() {
			t.Errorf("codes.json[%d] = %+v, content %d %q", i, c, p.Code, p.Title)
		}
		if c.URL != fmt.Sprintf("https://example.org/docs/%d/", p.Code) || c.Path != fmt.Sprintf("%d/", p.Code) {
			t.Errorf("code %d: url %q path %q", p.Code, c.URL, c.Path)
		}
		var one APICode
		b, err := os.ReadFile(filepath.Join(cfg.Out, "api", fmt.Sprintf("%d.json", p.Code)))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &one); err != nil {
			t.Fatal(err)
		}
		if one.Code != p.Code || !slices.Equal(one.Former, p.Former) || len(one.Spec) != len(p.Spec) || len(one.Constants) != len(p.Constants) || len(one.Related) != len(p.Related) {
			t.Errorf("api/%d.json = %+v, does not match the content", p.Code, one)
		}
	}
}

// TestErrorPages checks the standalone error pages: one per 4xx and 5xx
// code, under 10 KB, no outside requests, linking to the reference page.
func TestErrorPages(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"", "https://example.org/docs/"} {
		cfg := shippedConfig(t)
		cfg.BaseURL = base
		mustBuild(t, cfg)
		site, _, err := loadSite(context.Background(), cfg, &linker{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range site.Codes {
			name := filepath.Join(cfg.Out, "errors", fmt.Sprintf("%d.html", p.Code))
			fi, err := os.Stat(name)
			if p.Class < 4 {
				if err == nil {
					t.Errorf("error page for %d written", p.Code)
				}
				continue
			}
			n++
			if err != nil {
				t.Errorf("no error page for %d", p.Code)
				continue
			}
			if fi.Size() > 10<<10 {
				t.Errorf("%s is %d bytes, want under 10 KB", name, fi.Size())
			}
			doc := parseHTML(t, name)
			for _, el := range findAll(doc, func(n *html.Node) bool { return attr(n, "src") != "" || n.Data == "link" }) {
				t.Errorf("%s: %s makes another request", name, el.Data)
			}
			want := fmt.Sprintf("../%d/", p.Code)
			if base != "" {
				want = fmt.Sprintf("%s%d/", base, p.Code)
			}
			links := findAll(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == want })
			if len(links) != 1 {
				t.Errorf("%s: no link to %s", name, want)
			}
			if !strings.Contains(textOf(doc), p.Title) {
				t.Errorf("%s does not name the code", name)
			}
		}
		if n == 0 {
			t.Error("no 4xx or 5xx codes in the shipped site")
		}
	}
}

// TestZip checks -zip packs the output under a top folder.
func TestZip(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	cfg.Zip = filepath.Join(t.TempDir(), "docs.zip")
	mustBuild(t, cfg)
	zr, err := zip.OpenReader(cfg.Zip)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	for _, want := range []string{"docs/index.html", "docs/404/index.html", "docs/api/codes.json"} {
		if !slices.Contains(names, want) {
			t.Errorf("zip lacks %s (has %v)", want, names)
		}
	}
}

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
		before := readTree(t, cfg.Out)
		lay := cfg.Layouts.FS.(fstest.MapFS)
		lay["code.html"].Data = []byte(strings.Replace(string(lay["code.html"].Data), "</article>", tt.link+"</article>", 1))
		_, err := Build(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Build error = %v, want %q", err, tt.want)
		}
		if after := readTree(t, cfg.Out); len(after) != len(before) {
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
	doc := parseHTML(t, filepath.Join(cfg.Out, "index.html"))
	n := 0
	for _, a := range findAll(doc, func(n *html.Node) bool { return n.Data == "a" }) {
		href := attr(a, "href")
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

// TestNginxErrorPages starts nginx with the README's snippet and checks that
// a missing file and a forbidden folder get our error pages.
func TestNginxErrorPages(t *testing.T) {
	nginx := needTool(t, "nginx", "/usr/sbin/nginx")
	t.Parallel()
	cfg := shippedConfig(t)
	mustBuild(t, cfg)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```nginx\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```nginx block")
	}
	snippet := strings.ReplaceAll(string(m[1]), "/srv/statusdocs", cfg.Out)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // workers must read the test's private temp folder
	}
	conf := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events {}
http {
  access_log off;
  client_body_temp_path %[2]s/body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  server {
    listen %[3]s;
%[4]s
  }
}
`, user, dir, addr, snippet)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, nginx, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	// TERM makes nginx stop its workers too; a killed master would leave
	// them holding the output pipe.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	client := &http.Client{Timeout: 5 * time.Second}
	get := func(path string) (int, string) {
		var err error
		for range 50 {
			var resp *http.Response
			resp, err = client.Get("http://" + addr + path)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(b)
			}
			time.Sleep(100 * time.Millisecond)
		}
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		t.Fatalf("GET %s: %v\nnginx: %s\n%s", path, err, out, log)
		return 0, ""
	}
	for _, tt := range []struct {
		path string
		code int
	}{
		{"/no/such/page/", 404},
		{"/missing.css", 404},
		{"/api/", 403}, // a folder without index.html
	} {
		code, body := get(tt.path)
		want, err := os.ReadFile(filepath.Join(cfg.Out, "errors", fmt.Sprintf("%d.html", tt.code)))
		if err != nil {
			t.Fatal(err)
		}
		if code != tt.code || body != string(want) {
			t.Errorf("GET %s = %d with %d bytes, want %d with errors/%d.html", tt.path, code, len(body), tt.code, tt.code)
		}
	}
	if code, _ := get("/errors/404.html"); code != 404 {
		t.Errorf("GET /errors/404.html = %d, want 404 (internal)", code)
	}
	if code, body := get("/404/"); code != 200 || !strings.Contains(body, "Not Found") {
		t.Errorf("GET /404/ = %d", code)
	}
}

// TestOfflineBrowser opens the offline build from file:// in Chromium,
// follows links from home to a class page to a code page and back home,
// checks the styles applied, and runs a search there.
func TestOfflineBrowser(t *testing.T) {
	ctx := newTab(t)
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

// TestNoNetworkLoads checks no page, stylesheet or script of the offline
// build loads anything from the network: no web fonts, no CDNs.
func TestNoNetworkLoads(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	cfg.Offline, cfg.HashAssets = true, true
	mustBuild(t, cfg)
	for name, data := range readTree(t, cfg.Out) {
		switch filepath.Ext(name) {
		case ".html":
			doc, err := html.Parse(strings.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range findAll(doc, func(n *html.Node) bool {
				return n.Data == "script" || n.Data == "img" || n.Data == "iframe" || (n.Data == "link" && attr(n, "rel") != "canonical")
			}) {
				for _, key := range []string{"src", "href"} {
					if v := attr(n, key); strings.Contains(v, "//") {
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

// checkLinks runs the link check over a site already on disk under root.
func checkLinks(root, base string) error {
	fsys := os.DirFS(root)
	names, err := listFiles(fsys)
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
			cfg.Content = Source{FS: syntheticContent(30), Name: "content"}
		}
		cfg.HashAssets = true
		mustBuild(t, cfg)
		site, _, err := loadSite(context.Background(), cfg, &linker{})
		if err != nil {
			t.Fatal(err)
		}
		out := readTree(t, cfg.Out)
		pages := 0
		for _, p := range site.Pages() {
			page := []byte(out[outPath(p.URL)])
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
	f.Fuzz(func(t *testing.T, md string) {
		var b bytes.Buffer
		if err := markdown.Convert([]byte(md), &b); err != nil {
			return
		}
		body := b.Bytes()
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
	cfg.Content = Source{FS: syntheticContent(3), Name: "content"}
	site, _, err := loadSite(context.Background(), cfg, &linker{})
	if err != nil {
		b.Fatal(err)
	}
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
