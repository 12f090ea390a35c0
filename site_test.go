package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/devserver"
	"github.com/statusdocs/statusdocs/internal/site"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

var update = flag.Bool("update", false, "update golden files")

func TestMain(m *testing.M) { testenv.Main(m) }

// fixtureConfig returns a config building the fixture content (with the
// shipped layouts and static files) into a new temporary folder.
func fixtureConfig(t testing.TB) *site.Config {
	t.Helper()
	return &site.Config{
		Content: site.Source{FS: testenv.MapFS(t, "testdata/site/content"), Name: "content"},
		Layouts: site.Source{FS: testenv.MapFS(t, "layouts"), Name: "layouts"},
		Static:  site.Source{FS: testenv.MapFS(t, "static"), Name: "static"},
		Out:     filepath.Join(t.TempDir(), "out"),
	}
}

// shippedConfig returns a config building the repository's own site.
func shippedConfig(t testing.TB) *site.Config {
	t.Helper()
	return &site.Config{
		Content: site.Source{FS: os.DirFS("content"), Name: "content", Dir: "content"},
		Layouts: site.Source{FS: os.DirFS("layouts"), Name: "layouts", Dir: "layouts"},
		Static:  site.Source{FS: os.DirFS("static"), Name: "static", Dir: "static"},
		Out:     filepath.Join(t.TempDir(), "out"),
	}
}

func mustBuild(t testing.TB, cfg *site.Config) *site.Result {
	t.Helper()
	res, err := site.Build(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

// TestGolden builds the fixture site and compares every output file with
// testdata/golden. Run with -update to rewrite the golden files.
func TestGolden(t *testing.T) {
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	got := testenv.ReadTree(t, cfg.Out)
	for name := range cfg.Static.FS.(fstest.MapFS) {
		delete(got, name) // copied as they are, not rendered
	}
	golden := filepath.Join("testdata", "golden")
	if *update {
		os.RemoveAll(golden)
		for name, data := range got {
			p := filepath.Join(golden, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := testenv.ReadTree(t, golden)
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("missing output file %s", name)
		}
	}
	for name, data := range got {
		w, ok := want[name]
		if !ok {
			t.Errorf("unexpected output file %s (run go test -update?)", name)
			continue
		}
		if data != w {
			t.Errorf("%s differs from golden file (run go test -run TestGolden -update and review git diff):\n%s", name, testenv.FirstDiff(w, data))
		}
	}
}

// TestShippedSite builds the repository's site and checks that every
// content file has its page, each class page lists exactly its own codes,
// and every page has one h1, a lang, a title and a description.
func TestShippedSite(t *testing.T) {
	t.Parallel()
	cfg := shippedConfig(t)
	mustBuild(t, cfg)
	names, err := content.List(cfg.Content.FS, cfg.Content.Name)
	if err != nil {
		t.Fatal(err)
	}
	codesByClass := map[int][]int{}
	alternates := map[string]map[string]string{} // page URL → hreflang → URL
	for _, name := range names {
		en, lang, wantLang := name, "", "en"
		if rest, ok := strings.CutPrefix(name, "zh-cn/"); ok {
			en, lang, wantLang = rest, "zh-cn", "zh-CN"
		}
		p, err := content.Classify(en, name)
		if err != nil {
			t.Fatal(err)
		}
		if lang != "" {
			p.URL = "/" + lang + p.URL
		}
		out := filepath.Join(cfg.Out, filepath.FromSlash(site.OutPath(p.URL)))
		if _, err := os.Stat(out); err != nil {
			t.Errorf("%s: no page: %v", name, err)
			continue
		}
		if p.Kind == content.KindCode && lang == "" {
			codesByClass[p.Class] = append(codesByClass[p.Class], p.Code)
		}
		doc := testenv.ParseHTML(t, out)
		alts := map[string]string{}
		for _, l := range testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "link" && testenv.Attr(n, "rel") == "alternate" }) {
			u, err := url.Parse("http://h" + p.URL)
			if err != nil {
				t.Fatal(err)
			}
			ref, _ := url.Parse(testenv.Attr(l, "href"))
			alts[testenv.Attr(l, "hreflang")] = u.ResolveReference(ref).Path
		}
		alternates[p.URL] = alts
		if en, zh := alts["en"], alts["zh-CN"]; en == "" || zh == "" || alts["x-default"] != en || (p.URL != en && p.URL != zh) {
			t.Errorf("%s: alternates %v: want en, zh-CN (one of them itself) and x-default = en", out, alts)
		}
		if h1 := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "h1" }); len(h1) != 1 {
			t.Errorf("%s: %d h1 elements, want 1", out, len(h1))
		}
		if htmlEl := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "html" }); testenv.Attr(htmlEl[0], "lang") != wantLang {
			t.Errorf("%s: lang %q, want %s", out, testenv.Attr(htmlEl[0], "lang"), wantLang)
		}
		if d := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "meta" && testenv.Attr(n, "name") == "description" }); len(d) != 1 || testenv.Attr(d[0], "content") == "" {
			t.Errorf("%s: no description", out)
		}
		if m := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "main" }); len(m) != 1 {
			t.Errorf("%s: %d main landmarks", out, len(m))
		}
		ids := map[string]bool{}
		for _, n := range testenv.FindAll(doc, func(n *html.Node) bool { return testenv.Attr(n, "id") != "" }) {
			if ids[testenv.Attr(n, "id")] {
				t.Errorf("%s: duplicate id %q", out, testenv.Attr(n, "id"))
			}
			ids[testenv.Attr(n, "id")] = true
		}
	}
	// hreflang pairs are reciprocal: each alternate names this page back.
	for page, alts := range alternates {
		for tag, other := range alts {
			if back := alternates[other]; back == nil {
				t.Errorf("%s: alternate %s %s is not a page", page, tag, other)
			} else if tag != "x-default" && !slices.Contains(slices.Collect(maps.Values(back)), page) {
				t.Errorf("%s lists %s (%s), which does not list it back: %v", page, other, tag, back)
			}
		}
	}
	if len(alternates) != 204 {
		t.Errorf("%d pages checked, want 204 (102 in each language)", len(alternates))
	}
	for class := 1; class <= 5; class++ {
		want := codesByClass[class]
		if len(want) == 0 {
			continue
		}
		slices.Sort(want)
		doc := testenv.ParseHTML(t, filepath.Join(cfg.Out, fmt.Sprintf("%dxx", class), "index.html"))
		var got []int
		for _, td := range testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "td" && testenv.HasClass(n, "code") }) {
			n, err := strconv.Atoi(testenv.TextOf(td))
			if err != nil {
				t.Errorf("%dxx: code cell %q", class, testenv.TextOf(td))
			}
			got = append(got, n)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%dxx lists %v, want %v", class, got, want)
		}
	}
}

// TestCodePage checks what a code page shows, on the fixture.
func TestCodePage(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	doc := testenv.ParseHTML(t, filepath.Join(cfg.Out, "404", "index.html"))
	crumbs := testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "nav" && testenv.HasClass(n, "breadcrumbs") })
	if len(crumbs) != 1 || testenv.TextOf(crumbs[0]) != "Home 4xx 404 Not Found" {
		t.Errorf("breadcrumbs = %q", testenv.TextOf(crumbs[0]))
	}
	links := map[string]string{}
	for _, a := range testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "a" }) {
		links[testenv.TextOf(a)] = testenv.Attr(a, "href")
	}
	for text, href := range map[string]string{
		"← 200 OK": "../200/", "418 I'm a teapot →": "../418/", "4xx": "../4xx/", "Home": "../",
		"What it means": "#what-it-means",
	} {
		if links[text] != href {
			t.Errorf("link %q = %q, want %q", text, links[text], href)
		}
	}
	for _, a := range testenv.FindAll(doc, func(n *html.Node) bool { return n.Data == "a" || n.Data == "link" }) {
		if h := testenv.Attr(a, "href"); strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "//") {
			t.Errorf("site-absolute link %q in output", h)
		}
	}
	teapot := testenv.ParseHTML(t, filepath.Join(cfg.Out, "418", "index.html"))
	if b := testenv.FindAll(teapot, func(n *html.Node) bool { return testenv.HasClass(n, "badge-reserved") }); len(b) != 1 {
		t.Errorf("418 has %d reserved badges, want 1", len(b))
	}
	alias, _ := os.ReadFile(filepath.Join(cfg.Out, "not-found", "index.html"))
	if !bytes.Contains(alias, []byte(`url=../404/`)) {
		t.Errorf("alias page does not redirect to ../404/:\n%s", alias)
	}
}

// TestCLI runs the program's commands as a user would.
func TestCLI(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "site")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"build", "-content", "testdata/site/content", "-out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	if !regexp.MustCompile(`^built 22 pages in 2 languages and \d+ static files in .* into .*site\n$`).MatchString(stdout.String()) {
		t.Errorf("summary line = %q", stdout.String())
	}
	stderr.Reset()
	if err := run(context.Background(), []string{"build", "-h"}, io.Discard, &stderr); err == nil || !strings.Contains(stderr.String(), "-base-url") {
		t.Errorf("build -h: %v, %q", err, stderr.String())
	}
	stderr.Reset()
	if err := run(context.Background(), []string{"build", "-content", "no/such/dir", "-out", out}, io.Discard, &stderr); err == nil || !strings.Contains(err.Error(), "no/such/dir") {
		t.Errorf("missing -content dir: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, &stderr); err != errUsage {
		t.Errorf("unknown command: %v", err)
	}
}

// TestEmbedded builds from the copy built into the program, as a lone
// binary does away from the repository.
func TestEmbedded(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "site")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"build", "-embedded", "-out", out}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	disk := shippedConfig(t)
	disk.HashAssets = true
	mustBuild(t, disk)
	a, b := testenv.ReadTree(t, out), testenv.ReadTree(t, disk.Out)
	if len(a) != len(b) {
		t.Errorf("embedded build wrote %d files, disk build %d", len(a), len(b))
	}
	for name := range b {
		if a[name] != b[name] {
			t.Errorf("%s differs between embedded and disk builds", name)
		}
	}
}

// TestServeCommand runs statusdocs serve as a user would: it prints the
// URL, serves the site from the folders, rebuilds on a save, and stops
// cleanly on cancel, leaving nothing running and writing no build/.
func TestServeCommand(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "-h"}, io.Discard, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("serve -h: %v", err)
	}
	for _, f := range []string{"-addr", "-allow-remote", "-poll", "-follow", "-content", "-layouts", "-static", "-embedded", "path:line: message"} {
		if !strings.Contains(stderr.String(), f) {
			t.Errorf("serve -h does not explain %s", f)
		}
	}
	if err := run(context.Background(), []string{"serve", "-addr", "0.0.0.0:0"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "-allow-remote") {
		t.Errorf("serve -addr 0.0.0.0:0: %v, want a refusal naming -allow-remote", err)
	}
	if err := run(context.Background(), []string{"serve", "-poll=1ms"}, io.Discard, io.Discard); err != errUsage {
		t.Errorf("serve -poll=1ms: %v, want usage error", err)
	}
	if err := run(context.Background(), []string{"serve", "extra"}, io.Discard, io.Discard); err != errUsage {
		t.Errorf("serve extra: %v, want usage error", err)
	}

	before := runtime.NumGoroutine()
	root := diskFixture(t)
	_, buildBefore := os.Stat("build")
	logs := &testenv.SyncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-content", filepath.Join(root, "content"), "-layouts", filepath.Join(root, "layouts"), "-static", filepath.Join(root, "static")}, io.Discard, logs)
	}()
	urlRE := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/)`)
	testenv.WaitFor(t, "the serving line", func() bool { return urlRE.MatchString(logs.String()) })
	base := urlRE.FindStringSubmatch(logs.String())[1]
	if !regexp.MustCompile(`(?m)^built 22 pages in `).MatchString(logs.String()) {
		t.Errorf("log lacks the first build line:\n%s", logs)
	}
	body := testenv.HTTPGet(t, base+"404/", 200)
	if !strings.Contains(body, "Not Found") {
		t.Errorf("GET /404/: %s", body)
	}
	f := filepath.Join(root, "content", "4xx", "404.md")
	src, _ := os.ReadFile(f)
	os.WriteFile(f, append(src, "\nA sentence written while serving.\n"...), 0o644)
	testenv.WaitFor(t, "the edit to be served", func() bool {
		return strings.Contains(testenv.HTTPGet(t, base+"404/", 200), "A sentence written while serving.")
	})
	if !regexp.MustCompile(`(?m)^\S*content/4xx/404\.md changed: 1 file parsed, 2 of 22 pages rendered in \S+; reloaded 0 pages$`).MatchString(logs.String()) {
		t.Errorf("log lacks the rebuild line:\n%s", logs)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after cancel", err)
		}
	case <-time.After(testenv.Deadline):
		t.Fatal("serve did not stop after cancel")
	}
	if _, err := net.DialTimeout("tcp", strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/"), time.Second); err == nil {
		t.Error("the port still accepts connections after shutdown")
	}
	http.DefaultClient.CloseIdleConnections()
	testenv.WaitGoroutines(t, before)
	if _, err := os.Stat("build"); (err == nil) != (buildBefore == nil) {
		t.Error("serve created or removed build/")
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 3 {
		t.Errorf("serve wrote beside the sources: %v", entries)
	}
}

// diskFixture copies the fixture site's content, and the shipped layouts
// and static files, into a new folder, for tests that need real files. It
// returns the folder.
func diskFixture(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	testenv.WriteFS(t, filepath.Join(root, "content"), testenv.MapFS(t, "testdata/site/content"))
	testenv.WriteFS(t, filepath.Join(root, "layouts"), testenv.MapFS(t, "layouts"))
	testenv.WriteFS(t, filepath.Join(root, "static"), testenv.MapFS(t, "static"))
	return root
}

// TestPollFlag checks the values -poll takes.
func TestPollFlag(t *testing.T) {
	tests := []struct {
		arg  string
		want time.Duration
		ok   bool
	}{
		{"true", devserver.DefaultPoll, true},
		{"false", 0, true},
		{"2s", 2 * time.Second, true},
		{"100ms", 100 * time.Millisecond, true},
		{"1ms", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		var p pollFlag
		err := p.Set(tt.arg)
		if (err == nil) != tt.ok || err == nil && time.Duration(p) != tt.want {
			t.Errorf("Set(%q) = %v, %v; want %v, ok=%v", tt.arg, time.Duration(p), err, tt.want, tt.ok)
		}
	}
}
