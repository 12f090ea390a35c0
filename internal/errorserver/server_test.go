package errorserver

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/statusdocs/statusdocs/internal/site"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// shippedPack builds the shipped site's error pack in memory, once.
var shippedPack = sync.OnceValues(func() (map[string][]byte, error) {
	src := func(name string) site.Source {
		dir := filepath.Join("..", "..", name)
		return site.Source{FS: os.DirFS(dir), Dir: dir, Name: name}
	}
	cfg := &site.Config{Content: src("content"), Layouts: src("layouts"), Static: src("static"), BaseURL: "https://example.org/"}
	cfg.Highlight.NoCache = true
	return site.ErrorPack(context.Background(), cfg)
})

func newServer(t *testing.T) *Server {
	t.Helper()
	files, err := shippedPack()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(files)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }
	return s
}

func request(s http.Handler, method, path string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://errors.example"+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// TestProtocol checks the answers to ingress-nginx's requests: status,
// format by X-Format or else Accept, class fallbacks, no X-Code, /healthz.
func TestProtocol(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, c := range []struct {
		name    string
		headers []string
		status  int
		ctype   string
		body    string // a part of the body
	}{
		{"html by default", []string{"X-Code", "503"}, 503, "text/html; charset=utf-8", "503 Service Unavailable"},
		{"X-Format json", []string{"X-Code", "404", "X-Format", "application/json"}, 404, "application/json", `"reason": "Not Found"`},
		{"X-Format wins over Accept", []string{"X-Code", "404", "X-Format", "text/plain", "Accept", "application/json"}, 404, "text/plain; charset=utf-8", "404 Not Found\n"},
		{"Accept when no X-Format", []string{"X-Code", "429", "Accept", "application/json"}, 429, "application/json", `"code": 429`},
		{"q values", []string{"X-Code", "404", "X-Format", "text/html;q=0.5, application/json"}, 404, "application/json", `"code": 404`},
		{"problem+json is json", []string{"X-Code", "404", "X-Format", "application/problem+json"}, 404, "application/json", `"code": 404`},
		{"browser Accept", []string{"X-Code", "404", "X-Format", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, 404, "text/html; charset=utf-8", "404 Not Found"},
		{"unknown 4xx: fallback with its code", []string{"X-Code", "456"}, 456, "text/html; charset=utf-8", "Client errors"},
		{"unknown 5xx json", []string{"X-Code", "555", "X-Format", "application/json"}, 555, "application/json", `"code": 555`},
		{"unknown 4xx text", []string{"X-Code", "456", "X-Format", "text/plain"}, 456, "text/plain; charset=utf-8", "456 Client errors\n"},
		{"no X-Code", nil, 404, "text/html; charset=utf-8", "404 Not Found"},
		{"bad X-Code", []string{"X-Code", "abc"}, 404, "text/html; charset=utf-8", "404 Not Found"},
		{"a 1xx is no error", []string{"X-Code", "100"}, 404, "text/html; charset=utf-8", "404 Not Found"},
		{"a 101 is no error", []string{"X-Code", "101"}, 404, "text/html; charset=utf-8", "404 Not Found"},
		{"a 302 is no error", []string{"X-Code", "302"}, 404, "text/html; charset=utf-8", "404 Not Found"},
		{"request id filled", []string{"X-Code", "500", "X-Request-ID", "abc123"}, 500, "text/html; charset=utf-8", `<span class="v">abc123</span>`},
		{"time filled", []string{"X-Code", "500"}, 500, "text/html; charset=utf-8", `<span class="v">2026-12-01T10:00:00Z</span>`},
		{"request id in json", []string{"X-Code", "500", "X-Format", "application/json", "X-Request-ID", "abc123"}, 500, "application/json", `"request_id": "abc123"`},
	} {
		w := request(s, "GET", "/", c.headers...)
		if w.Code != c.status || w.Header().Get("Content-Type") != c.ctype || !strings.Contains(w.Body.String(), c.body) {
			t.Errorf("%s: %d %s, want %d %s containing %q; body:\n%.200s", c.name, w.Code, w.Header().Get("Content-Type"), c.status, c.ctype, c.body, w.Body)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q", c.name, cc)
		}
		if c.ctype == "application/json" && !json.Valid(w.Body.Bytes()) {
			t.Errorf("%s: invalid JSON %s", c.name, w.Body)
		}
	}
	// The code in the path, as Traefik's errors middleware asks for it.
	for path, want := range map[string]string{"/503": "text/html; charset=utf-8", "/503.json": "application/json", "/456.txt": "text/plain; charset=utf-8"} {
		w := request(s, "GET", path)
		if w.Code != map[bool]int{true: 456, false: 503}[strings.HasPrefix(path, "/456")] || w.Header().Get("Content-Type") != want {
			t.Errorf("GET %s: %d %s", path, w.Code, w.Header().Get("Content-Type"))
		}
	}
	if w := request(s, "GET", "/healthz"); w.Code != 200 || w.Body.String() != "ok\n" {
		t.Errorf("/healthz: %d %q", w.Code, w.Body)
	}
	if w := request(s, "HEAD", "/", "X-Code", "503"); w.Code != 503 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, %d bytes", w.Code, w.Body.Len())
	}
	if w := request(s, "POST", "/", "X-Code", "503"); w.Code != 405 {
		t.Errorf("POST: %d", w.Code)
	}
	if w := request(s, "GET", "/", "X-Code", "404"); !strings.Contains(w.Header().Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("HTML without a CSP: %q", w.Header().Get("Content-Security-Policy"))
	}
}

// TestHostileHeaders sends request headers made to break out of the page:
// markup, quotes, control characters, invalid UTF-8, huge values. None
// reaches the page unescaped, and X-Original-URI does not reach it at all.
func TestHostileHeaders(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, v := range []string{
		`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, "a\x00b\x1bc\r\nX-Injected: 1",
		"\xff\xfe<b>", strings.Repeat("<", 50000), `</span></p><p>`, "--><script>x</script><!--",
	} {
		for _, format := range []string{"text/html", "application/json", "text/plain"} {
			w := request(s, "GET", "/", "X-Code", "502", "X-Format", format, "X-Request-ID", v, "X-Original-URI", v)
			body := w.Body.String()
			for _, bad := range []string{"<script", "<img", "\x00", "\x1b", "\r\nX-Injected", "<b>", "</span></p><p>", "<<"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s with header %.40q: body contains %q", format, v, bad)
				}
			}
			if len(body) > 8<<10 {
				t.Errorf("%s with header %.40q: %d bytes", format, v, len(body))
			}
			if format == "application/json" && !json.Valid(w.Body.Bytes()) {
				t.Errorf("header %.40q: invalid JSON", v)
			}
			if w.Header().Get("X-Injected") != "" {
				t.Errorf("header %.40q injected a header", v)
			}
		}
	}
}

// TestLanguages picks the pack's language by Accept-Language.
func TestLanguages(t *testing.T) {
	t.Parallel()
	files, _ := shippedPack()
	m := map[string][]byte{}
	for k, v := range files {
		m[k] = v
		m["zh-cn/"+k] = []byte(strings.ReplaceAll(string(v), `lang="en"`, `lang="zh-CN"`))
	}
	s, err := New(m)
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]string{
		"": "en", "zh-CN,zh;q=0.9": "zh-cn", "zh": "zh-cn", "fr, en;q=0.5": "en", "en;q=0.2, zh-TW;q=0.8": "zh-cn", "de": "en",
	} {
		w := request(s, "GET", "/", "X-Code", "404", "Accept-Language", header)
		if got := w.Header().Get("Content-Language"); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", header, got, want)
		}
	}
	// zh-tw's exact match wins over zh-cn, whatever the map's order.
	m2 := map[string][]byte{}
	for k, v := range m {
		m2[k] = v
		if !strings.HasPrefix(k, "zh-cn/") {
			m2["zh-tw/"+k] = v
		}
	}
	for range 20 {
		s2, err := New(m2)
		if err != nil {
			t.Fatal(err)
		}
		if got := request(s2, "GET", "/", "X-Code", "404", "Accept-Language", "zh-TW").Header().Get("Content-Language"); got != "zh-tw" {
			t.Fatalf("zh-TW: %s", got)
		}
	}
	bad := map[string][]byte{}
	for k, v := range files {
		bad[k] = v
	}
	bad["4xx.txt"] = []byte{}
	if _, err := New(bad); err == nil {
		t.Error("a pack with an empty 4xx.txt was taken")
	}
	if _, err := New(map[string][]byte{"404.html": nil}); err == nil || !strings.Contains(err.Error(), "4xx.html") {
		t.Errorf("a pack without fallbacks: %v", err)
	}
}

// TestLoad serves on loopback and sends 4,000 requests from 16 clients at
// once, of every format: no errors; the log gives the rate.
func TestLoad(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String() + "/"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: testenv.Deadline}
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	const clients, each = 16, 250
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				req, _ := http.NewRequest("GET", url, nil)
				code := []string{"404", "503", "429", "456", "502"}[(c+i)%5]
				req.Header.Set("X-Code", code)
				req.Header.Set("X-Format", []string{"text/html", "application/json", "text/plain"}[i%3])
				req.Header.Set("X-Request-ID", fmt.Sprintf("req-%d-%d", c, i))
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if fmt.Sprint(resp.StatusCode) != code || len(b) == 0 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d requests failed", n, clients*each)
	}
	t.Logf("%d requests from %d clients in %v: %.0f requests/s", clients*each, clients, took.Round(time.Millisecond), float64(clients*each)/took.Seconds())
}

// TestGracefulShutdown cancels the server while a request is in flight:
// it finishes, then Serve returns and new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	slow := make(chan struct{})
	entered := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-slow
		s.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveHandler(ctx, ln, h) }()
	got := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/", nil)
		req.Header.Set("X-Code", "503")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- 0
			return
		}
		resp.Body.Close()
		got <- resp.StatusCode
	}()
	<-entered
	cancel()
	time.Sleep(50 * time.Millisecond) // shutdown has begun
	close(slow)
	if code := <-got; code != 503 {
		t.Errorf("request in flight during shutdown: %d, want 503", code)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(testenv.Deadline):
		t.Fatal("Serve did not return after shutdown")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}
