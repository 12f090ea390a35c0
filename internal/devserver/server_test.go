package devserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/statusdocs/statusdocs/internal/site"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestDevScript checks the reload script is in every page the dev server
// serves, carrying the build id, and in no file a build writes.
func TestDevScript(t *testing.T) {
	t.Parallel()
	s, _, _ := devFixture(t, Options{})
	id := s.cur.id
	for name, data := range s.cur.files {
		if !strings.HasSuffix(name, ".html") || strings.HasPrefix(name, "errors/") || bytes.Contains(data, []byte(`http-equiv="refresh"`)) {
			continue // standalone error pages and alias redirects have no layout
		}
		if !bytes.Contains(data, []byte(devScript)) {
			t.Errorf("dev build: %s lacks the reload script", name)
		}
		target := "/" + strings.TrimSuffix(name, "index.html")
		if name == "404.html" {
			target = "/no-such-page/"
		}
		_, body := get(t, s, "GET", target)
		if want := `<script src="/_statusdocs/reload.js" data-build="` + id + `"></script>`; !strings.Contains(body, want) {
			t.Errorf("GET %s: no %s", target, want)
		}
	}
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	for name, data := range testenv.ReadTree(t, cfg.Out) {
		for _, bad := range []string{"_statusdocs", "data-build", "EventSource"} {
			if strings.Contains(data, bad) {
				t.Errorf("build output %s contains %q", name, bad)
			}
		}
	}
}

// TestServeMatchesBuild checks the dev server serves the very site a build
// writes, but for the reload script: on the fixture and the shipped site,
// after an edit too.
func TestServeMatchesBuild(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"fixture", "shipped"} {
		cfg := fixtureConfig(t)
		if name == "shipped" {
			cfg.Content.FS = testenv.MapFS(t, testenv.Repo(t, "content"))
		}
		s := New(cloneConfig(cfg), Options{}, io.Discard)
		s.rebuildNow(context.Background(), nil)
		content := s.cfg.Content.FS.(fstest.MapFS)
		for _, edit := range []string{"", "\nAn edit, to compare an incremental build too.\n"} {
			if edit != "" {
				setFile(content, "4xx/404.md", appendFile(content, "4xx/404.md", edit))
				if res := s.rebuildNow(context.Background(), []string{"content/4xx/404.md"}); res.err != nil || res.rendered == res.pages {
					t.Fatalf("%s: rebuild: %v, rendered %d of %d", name, res.err, res.rendered, res.pages)
				}
				setFile(cfg.Content.FS.(fstest.MapFS), "4xx/404.md", string(content["4xx/404.md"].Data))
			}
			cfg.Out = filepath.Join(t.TempDir(), "out")
			mustBuild(t, cfg)
			built := testenv.ReadTree(t, cfg.Out)
			delete(built, site.Marker)
			for file, want := range built {
				target := "/" + file
				if file == "404.html" {
					target = "/no-such-page/"
				}
				res, got := get(t, s, "GET", target)
				got = strings.Replace(got, `<script src="/_statusdocs/reload.js" data-build="`+s.cur.id+`"></script>`, "", 1)
				if got != want {
					t.Errorf("%s%s: %s served (status %d) differs from the build:\n%s", name, map[bool]string{true: " after an edit"}[edit != ""], target, res.StatusCode, testenv.FirstDiff(want, got))
				}
			}
			if n := len(s.cur.files) + len(s.cur.indexes); n != len(built) { // the search indexes are made when asked for
				t.Errorf("%s: the dev server has %d files, the build %d", name, n, len(built))
			}
		}
	}
}

// TestRequestWaitsForRebuild checks that a request arriving while a
// rebuild runs gets the new site, not the old one.
func TestRequestWaitsForRebuild(t *testing.T) {
	t.Parallel()
	s, content, _ := devFixture(t, Options{})
	for i := range 5 {
		s.beginRebuild() // a rebuild has started
		got := make(chan string)
		go func() {
			_, body := get(t, s, "GET", "/404/")
			got <- body
		}()
		time.Sleep(20 * time.Millisecond) // let the request arrive (it must wait either way)
		want := fmt.Sprintf("Rewritten %d.", i)
		setFile(content, "4xx/404.md", appendFile(content, "4xx/404.md", "\n"+want+"\n"))
		res := s.rebuild(context.Background())
		s.publish(res, []string{"content/4xx/404.md"})
		s.endRebuild()
		if body := <-got; !strings.Contains(body, want) {
			t.Fatalf("request during rebuild %d got the old page", i)
		}
	}
}

// TestBuildErrors checks a broken template or page: the server keeps
// serving the last good site, prints path:line: message, tells browsers,
// and clears the error when it is fixed.
func TestBuildErrors(t *testing.T) {
	t.Parallel()
	s, content, logs := devFixture(t, Options{})
	layouts := s.cfg.Layouts.FS.(fstest.MapFS)
	goodCode := string(layouts["code.html"].Data)
	_, before := get(t, s, "GET", "/404/")
	good := s.cur.id
	tests := []struct {
		name    string
		breakIt func()
		fix     func()
		want    string
	}{
		{"template parse error",
			func() { setFile(layouts, "code.html", "{{define \"main\"}}\n{{if}}\n{{end}}") },
			func() { setFile(layouts, "code.html", goodCode) },
			`layouts/code.html:2: `},
		{"template exec error",
			func() { setFile(layouts, "code.html", "{{define \"main\"}}\n{{.Page.NoSuchField}}\n{{end}}") },
			func() { setFile(layouts, "code.html", goodCode) },
			`layouts/code.html:2:`},
		{"front matter error",
			func() { setFile(content, "4xx/418.md", "---\ntitle: Teapot\nsumary: typo\n---\n") },
			nil,
			`content/4xx/418.md:3: unknown front matter key "sumary"`},
	}
	teapot := string(content["4xx/418.md"].Data)
	for _, tt := range tests {
		tt.breakIt()
		res := s.rebuildNow(context.Background(), []string{"x"})
		if res.err == nil || !strings.Contains(res.err.Error(), tt.want) {
			t.Fatalf("%s: build error %v, want %s", tt.name, res.err, tt.want)
		}
		if !strings.Contains(logs.String(), tt.want) {
			t.Errorf("%s: log lacks %q:\n%s", tt.name, tt.want, logs)
		}
		if r, body := get(t, s, "GET", "/404/"); r.StatusCode != 200 || body != before {
			t.Errorf("%s: /404/ is not the last good page (status %d)", tt.name, r.StatusCode)
		}
		c, first, _ := s.hub.register(good)
		s.hub.unregister(c)
		if !strings.Contains(string(first), "event: failed") || !strings.Contains(string(first), strings.ReplaceAll(tt.want, `"`, `\"`)) {
			t.Errorf("%s: a browser connecting now gets %q", tt.name, first)
		}
		if tt.fix != nil {
			tt.fix()
		} else {
			setFile(content, "4xx/418.md", teapot)
		}
		if res := s.rebuildNow(context.Background(), []string{"x"}); res.err != nil {
			t.Fatalf("%s: fixed, still %v", tt.name, res.err)
		}
		c, first, _ = s.hub.register(good)
		s.hub.unregister(c)
		if first != nil {
			t.Errorf("%s: after the fix a browser gets %q", tt.name, first)
		}
	}
	if !strings.Contains(logs.String(), "error cleared") {
		t.Errorf("log does not say the error cleared:\n%s", logs)
	}
}

// TestFirstBuildFails checks the server starts with a broken site: it
// serves the error (with the reload script), then the site once fixed.
func TestFirstBuildFails(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	content := cfg.Content.FS.(fstest.MapFS)
	good := string(content["4xx/404.md"].Data)
	setFile(content, "4xx/404.md", "no front matter\n")
	s := New(cfg, Options{}, io.Discard)
	if res := s.rebuildNow(context.Background(), nil); res.err == nil {
		t.Fatal("first build succeeded")
	}
	res, body := get(t, s, "GET", "/")
	if res.StatusCode != 500 || !strings.Contains(body, "content/4xx/404.md:1: missing front matter") || !strings.Contains(body, devScript) {
		t.Errorf("GET / with a broken site: %d\n%s", res.StatusCode, body)
	}
	setFile(content, "4xx/404.md", good)
	s.rebuildNow(context.Background(), []string{"content/4xx/404.md"})
	if res, _ := get(t, s, "GET", "/"); res.StatusCode != 200 {
		t.Errorf("GET / after the fix: %d", res.StatusCode)
	}
}

// TestFlat checks that goroutines and memory stay flat over 1,000
// rebuilds (through the watcher's loop) and 1,000 event streams opened
// and closed.
func TestFlat(t *testing.T) {
	const cycles = 1000
	before := runtime.NumGoroutine()
	s, content, _ := devFixture(t, Options{})
	srv := httptest.NewServer(s)
	tr := &http.Transport{DisableKeepAlives: true}
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan []string)
	loopDone := make(chan struct{})
	go func() {
		s.rebuildLoop(ctx, changes)
		close(loopDone)
	}()
	orig := string(content["4xx/404.md"].Data)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var heapAt100, goroutinesAt100 uint64
	for i := 1; i <= cycles; i++ {
		setFile(content, "4xx/404.md", orig+fmt.Sprintf("\nCycle %d.\n", i))
		n := s.builds.Load()
		changes <- []string{"content/4xx/404.md"}
		for s.builds.Load() == n {
			time.Sleep(50 * time.Microsecond)
		}
		s.hub.mu.Lock()
		build := s.hub.build
		s.hub.mu.Unlock()
		c, err := dialEvents(context.Background(), tr, srv.URL, build)
		if err != nil {
			t.Fatal(err)
		}
		c.close()
		if i == 100 {
			heapAt100 = heap()
			testenv.WaitFor(t, "streams to close", func() bool { return s.hub.count() == 0 })
			goroutinesAt100 = uint64(runtime.NumGoroutine())
		}
	}
	if _, failure := s.current(context.Background()); failure != "" {
		t.Fatalf("rebuilds failed: %s", failure)
	}
	if _, body := get(t, s, "GET", "/404/"); !strings.Contains(body, fmt.Sprintf("Cycle %d.", cycles)) {
		t.Error("the last rebuild is not served")
	}
	testenv.WaitFor(t, "streams to close", func() bool { return s.hub.count() == 0 })
	testenv.WaitGoroutines(t, int(goroutinesAt100))
	heapAtEnd := heap()
	t.Logf("after 100 cycles: heap %d KB, %d goroutines; after %d: heap %d KB, %d goroutines",
		heapAt100>>10, goroutinesAt100, cycles, heapAtEnd>>10, runtime.NumGoroutine())
	if heapAtEnd > heapAt100+heapAt100/2+2<<20 {
		t.Errorf("heap grew from %d KB to %d KB over %d rebuilds", heapAt100>>10, heapAtEnd>>10, cycles-100)
	}
	cancel()
	<-loopDone
	srv.Close()
	tr.CloseIdleConnections()
	testenv.WaitGoroutines(t, before)
}

// TestServeTranslationWarnings: the dev server logs a stale translation
// once, not at every rebuild, and with -strict-translations the rebuild
// fails with it (the last good site stays served).
func TestServeTranslationWarnings(t *testing.T) {
	t.Parallel()
	s, content, logs := devFixture(t, Options{})
	setFile(content, "4xx/404.md", strings.Replace(string(content["4xx/404.md"].Data), "There is nothing", "There is really nothing", 1))
	s.rebuildNow(context.Background(), []string{"content/4xx/404.md"})
	setFile(content, "4xx/418.md", appendFile(content, "4xx/418.md", "\nMore.\n"))
	s.rebuildNow(context.Background(), []string{"content/4xx/418.md"})
	if n := strings.Count(logs.String(), "warning: content/zh-cn/4xx/404.md: translation of content/4xx/404.md is out of date"); n != 1 {
		t.Errorf("stale warning logged %d times, want once:\n%s", n, logs)
	}
	cfg := fixtureConfig(t)
	cfg.StrictTranslations = true
	m := cfg.Content.FS.(fstest.MapFS)
	setFile(m, "4xx/404.md", string(content["4xx/404.md"].Data))
	strict := New(cfg, Options{}, io.Discard)
	if res := strict.rebuildNow(context.Background(), nil); res.err == nil || !strings.Contains(res.err.Error(), "is out of date") {
		t.Errorf("strict build with a stale translation: %v", res.err)
	}
}
