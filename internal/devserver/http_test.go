package devserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestServeFiles checks status, Content-Type and Cache-Control of each
// kind of response.
func TestServeFiles(t *testing.T) {
	t.Parallel()
	s, _, _ := devFixture(t, Options{})
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
	s := New(cfg, Options{}, io.Discard)
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
	conn, err := net.DialTimeout("tcp", addr, testenv.Deadline)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(testenv.Deadline))
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
		err := CheckAddr(tt.addr, tt.allow)
		if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckAddr(%q, %v) = %v, want error with %q", tt.addr, tt.allow, err, tt.want)
		}
	}
}
