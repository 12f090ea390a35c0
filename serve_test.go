package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// deadline is how long tests wait for something that should happen at
// once: generous, since test machines are noisy.
const deadline = 30 * time.Second

// syncBuffer is a log that a server writes while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitFor polls cond until it holds, failing the test after deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("waited %v for %s", deadline, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// devFixture returns a dev server over the fixture site (a MapFS the test
// may change, then call rebuildNow), built once.
func devFixture(t testing.TB, opts serveOptions) (*devServer, fstest.MapFS, *syncBuffer) {
	t.Helper()
	cfg := fixtureConfig(t)
	logs := &syncBuffer{}
	s := newDevServer(cfg, opts, logs)
	if res := s.rebuildNow(context.Background(), nil); res.err != nil {
		t.Fatalf("first build: %v", res.err)
	}
	return s, cfg.Content.FS.(fstest.MapFS), logs
}

// setFile writes one file of a MapFS.
func setFile(m fstest.MapFS, name, data string) {
	m[name] = &fstest.MapFile{Data: []byte(data)}
}

// appendFile returns a MapFS file's bytes with text added.
func appendFile(m fstest.MapFS, name, text string) string {
	return string(m[name].Data) + text
}

// get asks h for target and returns the response and its body.
func get(t testing.TB, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// diskFixture copies the fixture site (content, layouts, static) into a
// new folder, for tests that need real files, and returns its config.
func diskFixture(t testing.TB) (*Config, string) {
	t.Helper()
	return diskSite(t, "testdata/site/content")
}

// diskSite copies a content folder and the shipped layouts and static
// files into a new folder and returns a config reading them from there.
func diskSite(t testing.TB, content string) (*Config, string) {
	t.Helper()
	root := t.TempDir()
	for _, src := range []struct{ from, to string }{
		{content, "content"}, {"layouts", "layouts"}, {"static", "static"},
	} {
		for name, f := range fixtureFS(t, src.from) {
			p := filepath.Join(root, src.to, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	source := func(name string) Source {
		dir := filepath.Join(root, name)
		return Source{FS: os.DirFS(dir), Name: name, Dir: dir}
	}
	return &Config{Content: source("content"), Layouts: source("layouts"), Static: source("static")}, root
}

// startServe runs s.serve on a loopback port until the test ends, and
// returns the site's base URL once the first build is served.
func startServe(t testing.TB, s *devServer) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(deadline):
			t.Errorf("serve did not return %v after cancel", deadline)
		}
	})
	waitFor(t, "the first build", func() bool { return s.builds.Load() >= 1 })
	return "http://" + ln.Addr().String()
}

// TestServeFiles checks status, Content-Type and Cache-Control of each
// kind of response.
func TestServeFiles(t *testing.T) {
	t.Parallel()
	s, _, _ := devFixture(t, serveOptions{})
	tests := []struct {
		method, target string
		status         int
		ctype          string
		body           string // substring the body must hold
		location       string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", "<h1>", ""},
		{"GET", "/index.html", 200, "text/html; charset=utf-8", "<h1>", ""},
		{"GET", "/404/", 200, "text/html; charset=utf-8", "Not Found", ""},
		{"GET", "/4xx/", 200, "text/html; charset=utf-8", "Client", ""},
		{"GET", "/about/", 200, "text/html; charset=utf-8", "", ""},
		{"GET", "/search/", 200, "text/html; charset=utf-8", "", ""},
		{"GET", "/style.css", 200, "text/css; charset=utf-8", "", ""},
		{"GET", "/chroma.css", 200, "text/css; charset=utf-8", ".chroma", ""},
		{"GET", "/search.js", 200, "text/javascript; charset=utf-8", "", ""},
		{"GET", "/search-index.js", 200, "text/javascript; charset=utf-8", "window.statusdocsIndex=", ""},
		{"GET", "/vendor/minisearch.js", 200, "text/javascript; charset=utf-8", "", ""},
		{"GET", "/vendor/minisearch.LICENSE.txt", 200, "text/plain; charset=utf-8", "", ""},
		{"GET", "/favicon.svg", 200, "image/svg+xml", "<svg", ""},
		{"GET", "/api/codes.json", 200, "application/json", `"codes"`, ""},
		{"GET", "/api/404.json", 200, "application/json", `"code": 404`, ""},
		{"GET", "/robots.txt", 200, "text/plain; charset=utf-8", "User-agent", ""},
		{"GET", "/errors/404.html", 200, "text/html; charset=utf-8", "", ""},
		{"GET", "/not-found/", 200, "text/html; charset=utf-8", "../404/", ""},
		{"GET", "/_statusdocs/reload.js", 200, "text/javascript; charset=utf-8", "EventSource", ""},
		{"GET", "/404", 301, "", "", "/404/"},
		{"GET", "/4xx?x=1", 301, "", "", "/4xx/?x=1"},
		{"GET", "/no-such-page/", 404, "text/html; charset=utf-8", "Page not found", ""},
		{"GET", "/no/such/file.css", 404, "text/html; charset=utf-8", "Page not found", ""},
		{"GET", "/vendor/", 404, "text/html; charset=utf-8", "Page not found", ""}, // no listing
		{"GET", "/api/", 404, "text/html; charset=utf-8", "Page not found", ""},
		{"GET", "/.statusdocs", 404, "", "", ""},
		{"HEAD", "/404/", 200, "text/html; charset=utf-8", "", ""},
		{"HEAD", "/_statusdocs/events", 200, "text/event-stream", "", ""},
		{"POST", "/404/", 405, "", "", ""},
		{"DELETE", "/style.css", 405, "", "", ""},
	}
	for _, tt := range tests {
		res, body := get(t, s, tt.method, tt.target)
		if res.StatusCode != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.target, res.StatusCode, tt.status)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s: Cache-Control %q, want no-store", tt.method, tt.target, got)
		}
		if tt.ctype != "" && res.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("%s %s: Content-Type %q, want %q", tt.method, tt.target, res.Header.Get("Content-Type"), tt.ctype)
		}
		if !strings.Contains(body, tt.body) {
			t.Errorf("%s %s: body lacks %q", tt.method, tt.target, tt.body)
		}
		if tt.location != "" && res.Header.Get("Location") != tt.location {
			t.Errorf("%s %s: Location %q, want %q", tt.method, tt.target, res.Header.Get("Location"), tt.location)
		}
		if tt.method == "HEAD" && body != "" {
			t.Errorf("HEAD %s: sent a body", tt.target)
		}
		if tt.status == 200 && tt.method == "GET" && res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("GET %s: Content-Length %s, body %d bytes", tt.target, res.Header.Get("Content-Length"), len(body))
		}
	}
	getRes, getBody := get(t, s, "GET", "/404/")
	headRes, _ := get(t, s, "HEAD", "/404/")
	if headRes.Header.Get("Content-Length") != getRes.Header.Get("Content-Length") || strconv.Itoa(len(getBody)) != getRes.Header.Get("Content-Length") {
		t.Errorf("HEAD Content-Length %s, GET %s, body %d", headRes.Header.Get("Content-Length"), getRes.Header.Get("Content-Length"), len(getBody))
	}
	if res, _ := get(t, s, "POST", "/"); res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("405 Allow = %q", res.Header.Get("Allow"))
	}
}

// TestDevScript checks the reload script is in every page the dev server
// serves, carrying the build id, and in no file a build writes.
func TestDevScript(t *testing.T) {
	t.Parallel()
	s, _, _ := devFixture(t, serveOptions{})
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
	for name, data := range readTree(t, cfg.Out) {
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
			cfg = shippedConfig(t)
			cfg.Content.FS, cfg.Layouts.FS, cfg.Static.FS = fixtureFS(t, "content"), fixtureFS(t, "layouts"), fixtureFS(t, "static")
			cfg.Content.Dir, cfg.Layouts.Dir, cfg.Static.Dir = "", "", ""
		}
		s := newDevServer(cloneConfig(cfg), serveOptions{}, io.Discard)
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
			built := readTree(t, cfg.Out)
			delete(built, buildMarker)
			for file, want := range built {
				target := "/" + file
				if file == "404.html" {
					target = "/no-such-page/"
				}
				res, got := get(t, s, "GET", target)
				got = strings.Replace(got, `<script src="/_statusdocs/reload.js" data-build="`+s.cur.id+`"></script>`, "", 1)
				if got != want {
					t.Errorf("%s%s: %s served (status %d) differs from the build:\n%s", name, map[bool]string{true: " after an edit"}[edit != ""], target, res.StatusCode, firstDiff(want, got))
				}
			}
			if len(s.cur.files)+1 != len(built) { // +1: the search index, made when asked for
				t.Errorf("%s: the dev server has %d files, the build %d", name, len(s.cur.files)+1, len(built))
			}
		}
	}
}

// TestSitePath checks how request paths map to output files.
func TestSitePath(t *testing.T) {
	tests := []struct {
		target string
		name   string
		status int
	}{
		{"/", "index.html", 0},
		{"/404/", "404/index.html", 0},
		{"/404", "404", 0},
		{"/style.css", "style.css", 0},
		{"/vendor/minisearch.js", "vendor/minisearch.js", 0},
		{"/a%20b/", "a b/index.html", 0},
		{"/../x", "", 400},
		{"/4xx/../x", "", 400},
		{"/./x", "", 400},
		{"/%2e%2e/x", "", 400},
		{"/..%2fx", "", 400},
		{"/a%2Fb", "", 400},
		{"/a%5cb", "", 400},
		{"/a%00b", "", 400},
		{"//x", "", 404},
		{"/a//b", "", 404},
		{"/.git/config", "", 404},
		{"/.statusdocs", "", 404},
	}
	for _, tt := range tests {
		name, status := sitePath(httptest.NewRequest("GET", tt.target, nil))
		if name != tt.name || status != tt.status {
			t.Errorf("sitePath(%q) = %q, %d, want %q, %d", tt.target, name, status, tt.name, tt.status)
		}
	}
}

// TestTraversal sends crafted paths to a real server on loopback, raw, so
// net/http's own parsing is part of the test, and checks none reaches a
// file outside the site: a secret beside the site folders, one a symlink
// in static/ points to, and /etc/passwd.
func TestTraversal(t *testing.T) {
	t.Parallel()
	cfg, root := diskFixture(t)
	secret := "TOPSECRET-" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(filepath.Join(root, "secret.txt"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "secret.txt"), filepath.Join(root, "static", "secret-link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root, filepath.Join(root, "static", "up")); err != nil {
		t.Fatal(err)
	}
	s := newDevServer(cfg, serveOptions{}, io.Discard)
	if res := s.rebuildNow(context.Background(), nil); res.err != nil {
		t.Fatal(res.err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	paths := []string{
		"/../secret.txt",
		"/../../../../etc/passwd",
		"/..%2fsecret.txt",
		"/%2e%2e/secret.txt",
		"/%2E%2E/secret.txt",
		"/%2e%2e%2fsecret.txt",
		"/.%2e/secret.txt",
		"/4xx/../../secret.txt",
		"/404/..%2f..%2fsecret.txt",
		`/..\secret.txt`,
		"/..%5csecret.txt",
		"/%5c..%5csecret.txt",
		"//etc/passwd",
		"/etc/passwd",
		"/%2fetc%2fpasswd",
		"/style.css%00.html",
		"/index.html%00",
		"/secret-link.txt",
		"/up/secret.txt",
		"/up/content/_index.md",
		"/%252e%252e/secret.txt",
		"/..;/secret.txt",
		"/....//secret.txt",
		"/%c0%ae%c0%ae/secret.txt",
		"/C:/Windows/win.ini",
		"/content/_index.md",
		"/4xx/404.md",
		"/.statusdocs",
		"/.git/config",
		"/vendor/",
		"/static/style.css",
		"http://" + srv.Listener.Addr().String() + "/../secret.txt",
	}
	for _, p := range paths {
		status, body := rawGet(t, srv.Listener.Addr().String(), p)
		if status != 400 && status != 404 {
			t.Errorf("GET %s: status %d, want 400 or 404", p, status)
		}
		if strings.Contains(body, secret) || strings.Contains(body, "root:x:") || strings.Contains(body, "title: ") {
			t.Errorf("GET %s: served a file from outside the site", p)
		}
	}
	if len(paths) < 20 {
		t.Errorf("only %d crafted paths", len(paths))
	}
}

// rawGet sends a request line as written, without Go's client cleaning
// it, and returns the status and body.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, deadline)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(deadline))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestCheckAddr checks that only loopback addresses are allowed without
// -allow-remote.
func TestCheckAddr(t *testing.T) {
	tests := []struct {
		addr  string
		allow bool
		want  string // in the error; "" for none
	}{
		{"127.0.0.1:1313", false, ""},
		{"127.0.0.2:1313", false, ""},
		{"[::1]:1313", false, ""},
		{"localhost:1313", false, ""},
		{"LOCALHOST:0", false, ""},
		{"0.0.0.0:1313", false, "-allow-remote"},
		{":1313", false, "-allow-remote"},
		{"[::]:1313", false, "-allow-remote"},
		{"192.168.1.10:1313", false, "-allow-remote"},
		{"example.org:1313", false, "-allow-remote"},
		{"0.0.0.0:1313", true, ""},
		{":1313", true, ""},
		{"127.0.0.1", false, "missing port"},
	}
	for _, tt := range tests {
		err := checkAddr(tt.addr, tt.allow)
		if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("checkAddr(%q, %v) = %v, want error with %q", tt.addr, tt.allow, err, tt.want)
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
	cfg, root := diskFixture(t)
	_, buildBefore := os.Stat("build")
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-content", cfg.Content.Dir, "-layouts", cfg.Layouts.Dir, "-static", cfg.Static.Dir}, io.Discard, logs)
	}()
	urlRE := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/)`)
	waitFor(t, "the serving line", func() bool { return urlRE.MatchString(logs.String()) })
	base := urlRE.FindStringSubmatch(logs.String())[1]
	if !regexp.MustCompile(`(?m)^built 8 pages in `).MatchString(logs.String()) {
		t.Errorf("log lacks the first build line:\n%s", logs)
	}
	body := httpGet(t, base+"404/", 200)
	if !strings.Contains(body, "Not Found") {
		t.Errorf("GET /404/: %s", body)
	}
	f := filepath.Join(root, "content", "4xx", "404.md")
	src, _ := os.ReadFile(f)
	os.WriteFile(f, append(src, "\nA sentence written while serving.\n"...), 0o644)
	waitFor(t, "the edit to be served", func() bool {
		return strings.Contains(httpGet(t, base+"404/", 200), "A sentence written while serving.")
	})
	if !regexp.MustCompile(`(?m)^\S*content/4xx/404\.md changed: 1 file parsed, 1 of 8 pages rendered in \S+; reloaded 0 pages$`).MatchString(logs.String()) {
		t.Errorf("log lacks the rebuild line:\n%s", logs)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after cancel", err)
		}
	case <-time.After(deadline):
		t.Fatal("serve did not stop after cancel")
	}
	if _, err := net.DialTimeout("tcp", strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/"), time.Second); err == nil {
		t.Error("the port still accepts connections after shutdown")
	}
	http.DefaultClient.CloseIdleConnections()
	waitGoroutines(t, before)
	if _, err := os.Stat("build"); (err == nil) != (buildBefore == nil) {
		t.Error("serve created or removed build/")
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 3 {
		t.Errorf("serve wrote beside the sources: %v", entries)
	}
}

// httpGet fetches url and checks its status.
func httpGet(t testing.TB, url string, status int) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d", url, res.StatusCode, status)
	}
	return string(body)
}

// waitGoroutines waits until no more goroutines run than want.
func waitGoroutines(t testing.TB, want int) {
	t.Helper()
	end := time.Now().Add(deadline)
	for runtime.NumGoroutine() > want {
		if time.Now().After(end) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRequestWaitsForRebuild checks that a request arriving while a
// rebuild runs gets the new site, not the old one.
func TestRequestWaitsForRebuild(t *testing.T) {
	t.Parallel()
	s, content, _ := devFixture(t, serveOptions{})
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
	s, content, logs := devFixture(t, serveOptions{})
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
	s := newDevServer(cfg, serveOptions{}, io.Discard)
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
	s, content, _ := devFixture(t, serveOptions{})
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
			waitFor(t, "streams to close", func() bool { return s.hub.count() == 0 })
			goroutinesAt100 = uint64(runtime.NumGoroutine())
		}
	}
	if _, failure := s.site(context.Background()); failure != "" {
		t.Fatalf("rebuilds failed: %s", failure)
	}
	if _, body := get(t, s, "GET", "/404/"); !strings.Contains(body, fmt.Sprintf("Cycle %d.", cycles)) {
		t.Error("the last rebuild is not served")
	}
	waitFor(t, "streams to close", func() bool { return s.hub.count() == 0 })
	waitGoroutines(t, int(goroutinesAt100))
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
	waitGoroutines(t, before)
}
