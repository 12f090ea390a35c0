package devserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestEventFormat checks events are one data line of JSON each, whatever
// the message holds.
func TestEventFormat(t *testing.T) {
	tests := []struct {
		ev   event
		want string
	}{
		{event{"reload", reloadData{Build: "ab-2"}}, "event: reload\ndata: {\"build\":\"ab-2\"}\n\n"},
		{event{"reload", reloadData{Build: "ab-2", Follow: "/404/"}}, "event: reload\ndata: {\"build\":\"ab-2\",\"follow\":\"/404/\"}\n\n"},
		{event{"css", cssData{Build: "ab-3", Files: []string{"/style.css"}}}, "event: css\ndata: {\"build\":\"ab-3\",\"files\":[\"/style.css\"]}\n\n"},
		{event{"failed", failedData{"a.md:1: x\nb.md:2: <y>"}}, "event: failed\ndata: {\"message\":\"a.md:1: x\\nb.md:2: \\u003cy\\u003e\"}\n\n"},
	}
	for _, tt := range tests {
		if got := string(tt.ev.format()); got != tt.want {
			t.Errorf("format(%v) = %q, want %q", tt.ev, got, tt.want)
		}
	}
}

// TestHubRegister checks what a stream gets first: a reload when its page
// is from another build, else the current error, else nothing.
func TestHubRegister(t *testing.T) {
	tests := []struct {
		build, failure, since string
		want                  string // event name, or ""
	}{
		{"s-1", "", "s-1", ""},
		{"s-2", "", "s-1", "reload"},
		{"s-2", "", "", "reload"},
		{"s-2", "", "other-9", "reload"},
		{"s-2", "x.md:1: bad", "s-2", "failed"},
		{"s-2", "x.md:1: bad", "s-1", "reload"},
		{"", "x.md:1: bad", "", "failed"}, // the first build failed
	}
	for _, tt := range tests {
		h := newHub()
		h.publish(tt.build, tt.failure, event{"ok", reloadData{}})
		c, first, err := h.register(tt.since)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if first != nil {
			got = strings.TrimPrefix(strings.SplitN(string(first), "\n", 2)[0], "event: ")
		}
		if got != tt.want {
			t.Errorf("register(%q) with build %q, failure %q: first event %q, want %q", tt.since, tt.build, tt.failure, got, tt.want)
		}
		h.unregister(c)
		if h.count() != 0 {
			t.Errorf("unregister left %d clients", h.count())
		}
	}
}

// TestHubSlowClient checks publish never blocks: a client that does not
// read is dropped once its buffer is full, and the others still get
// every event.
func TestHubSlowClient(t *testing.T) {
	h := newHub()
	slow, _, _ := h.register("")
	fast, _, _ := h.register("")
	for i := range clientBuffer + 5 {
		done := make(chan int)
		go func() { done <- h.publish("b", "", event{"reload", reloadData{Build: "b"}}) }()
		select {
		case n := <-done:
			if i < clientBuffer && n != 2 || i > clientBuffer && n != 1 {
				t.Errorf("publish %d reached %d clients", i, n)
			}
		case <-time.After(testenv.Deadline):
			t.Fatal("publish blocked")
		}
		<-fast.send
	}
	select {
	case <-slow.gone:
	default:
		t.Error("the slow client was not dropped")
	}
	if len(slow.send) != clientBuffer {
		t.Errorf("slow client has %d events queued, want %d", len(slow.send), clientBuffer)
	}
	if h.count() != 1 {
		t.Errorf("%d clients, want 1", h.count())
	}
	h.unregister(slow) // after the drop: no effect
	h.close()
	select {
	case <-fast.gone:
	default:
		t.Error("close did not end the client")
	}
	if _, _, err := h.register(""); err != errHubClosed {
		t.Errorf("register after close: %v", err)
	}
}

// TestEventStream checks what browsers are sent, over HTTP: reloads after
// a rebuild, a stylesheet swap for CSS alone, -follow, errors and their
// clearing, a reload for a page from an older build, and the end of the
// stream at shutdown.
func TestEventStream(t *testing.T) {
	t.Parallel()
	s, content, _ := devFixture(t, Options{Follow: true})
	static := s.cfg.Static.FS.(fstest.MapFS)
	layouts := s.cfg.Layouts.FS.(fstest.MapFS)
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Deadline)
	defer cancel()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	old := s.cur.id
	c, err := dialEvents(ctx, tr, srv.URL, old)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	expect := func(what, name, data string) {
		t.Helper()
		gotName, gotData, err := c.next()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if gotName != name || !strings.Contains(gotData, data) {
			t.Errorf("%s: event %s %s, want %s with %s", what, gotName, gotData, name, data)
		}
	}
	rebuild := func(files ...string) string {
		t.Helper()
		res := s.rebuildNow(context.Background(), files)
		if res.err != nil {
			return res.err.Error()
		}
		return res.build.id
	}

	setFile(content, "4xx/404.md", appendFile(content, "4xx/404.md", "\nOne more line.\n"))
	id := rebuild("content/4xx/404.md")
	expect("edit with -follow", "reload", `{"build":"`+id+`","follow":"/404/"}`)

	setFile(content, "4xx/404.md", appendFile(content, "4xx/404.md", "\nAnd one more.\n"))
	setFile(content, "4xx/418.md", appendFile(content, "4xx/418.md", "\nA second file.\n"))
	id = rebuild("content/4xx/404.md", "content/4xx/418.md")
	expect("two pages edited", "reload", `{"build":"`+id+`"}`)

	setFile(static, "style.css", string(static["style.css"].Data)+"\n.x{}\n")
	id = rebuild("static/style.css")
	expect("stylesheet", "css", `{"build":"`+id+`","files":["/style.css"]}`)

	goodCode := string(layouts["code.html"].Data)
	setFile(layouts, "code.html", "{{define \"main\"}}\n{{if}}\n{{end}}")
	rebuild("layouts/code.html")
	expect("template error", "failed", `"message":"layouts/code.html:2: `)
	setFile(layouts, "code.html", goodCode)
	rebuild("layouts/code.html")
	expect("template fixed", "ok", `{"build":"`+id+`"}`)

	late, err := dialEvents(ctx, tr, srv.URL, old)
	if err != nil {
		t.Fatal(err)
	}
	defer late.close()
	if name, data, err := late.next(); err != nil || name != "reload" || !strings.Contains(data, id) {
		t.Errorf("a page from an old build got %s %s %v, want reload", name, data, err)
	}

	s.hub.close()
	if _, _, err := c.next(); err != io.EOF {
		t.Errorf("after shutdown the stream gave %v, want EOF", err)
	}
}

// TestLoad runs 200 event streams while 2,000 page requests, 32 at a
// time, race 20 rebuilds, all on loopback. Every request must get a whole,
// consistent page (the text of the build whose id it carries), every
// stream every reload in order, and nothing may be left running.
func TestLoad(t *testing.T) {
	const (
		streams  = 200
		requests = 2000
		workers  = 32
		rebuilds = 20
	)
	before := runtime.NumGoroutine()
	s, content, _ := devFixture(t, Options{})
	srv := httptest.NewServer(s)
	marks := sync.Map{} // build id → the sentence /404/ must hold
	first := s.cur.id
	marks.Store(first, "")

	streamTr := &http.Transport{MaxConnsPerHost: 0, DisableKeepAlives: true}
	ctx, cancel := context.WithTimeout(context.Background(), 2*testenv.Deadline)
	defer cancel()
	got := make([][]string, streams)
	var wg sync.WaitGroup
	var connected atomic.Int32
	for i := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dialEvents(ctx, streamTr, srv.URL, first)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.close()
			connected.Add(1)
			for len(got[i]) < rebuilds {
				name, data, err := c.next()
				if err != nil {
					t.Errorf("stream %d after %d reloads: %v", i, len(got[i]), err)
					return
				}
				if name == "reload" {
					got[i] = append(got[i], data)
				}
			}
		}()
	}
	testenv.WaitFor(t, "200 streams", func() bool { return s.hub.count() == streams })

	pageTr := &http.Transport{MaxIdleConnsPerHost: workers}
	client := &http.Client{Transport: pageTr}
	targets := []struct {
		path   string
		status int
	}{{"/404/", 200}, {"/", 200}, {"/4xx/", 200}, {"/418/", 200}, {"/style.css", 200}, {"/search-index.js", 200}, {"/nope/", 404}, {"/api/codes.json", 200}}
	var done atomic.Int32
	var bad atomic.Int32
	jobs := make(chan int)
	var rwg sync.WaitGroup
	for range workers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for j := range jobs {
				tg := targets[j%len(targets)]
				if err := checkPage(client, srv.URL+tg.path, tg.status, &marks); err != nil {
					if bad.Add(1) < 10 {
						t.Error(err)
					}
				}
				done.Add(1)
			}
		}()
	}
	var ids []string
	go func() {
		defer close(jobs)
		for j := range requests {
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for k := 1; k <= rebuilds; k++ {
		// Spread the rebuilds over the requests.
		for int(done.Load()) < k*requests/(rebuilds+1) && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		mark := fmt.Sprintf("Load test sentence %d.", k)
		setFile(content, "4xx/404.md", appendFile(content, "4xx/404.md", "\n"+mark+"\n"))
		s.beginRebuild()
		res := s.rebuild(context.Background())
		if res.err != nil {
			t.Fatal(res.err)
		}
		marks.Store(res.build.id, mark)
		s.publish(res, []string{"content/4xx/404.md"})
		s.endRebuild()
		ids = append(ids, res.build.id)
	}
	rwg.Wait()
	wg.Wait()
	if n := done.Load(); n != requests {
		t.Errorf("%d of %d requests done", n, requests)
	}
	if n := bad.Load(); n > 0 {
		t.Errorf("%d requests answered wrongly", n)
	}
	for i, g := range got {
		if strings.Join(g, " ") != strings.Join(reloadLines(ids), " ") {
			t.Errorf("stream %d got %d reloads %v…, want %d", i, len(g), g[:min(len(g), 2)], len(ids))
			break
		}
	}
	srv.Close()
	s.hub.close()
	pageTr.CloseIdleConnections()
	testenv.WaitFor(t, "the streams to close", func() bool { return s.hub.count() == 0 })
	testenv.WaitGoroutines(t, before)
}

// reloadLines returns the data lines of reload events for ids.
func reloadLines(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = `{"build":"` + id + `"}`
	}
	return out
}

var buildIDRE = regexp.MustCompile(`data-build="([^"]*)"`)

// checkPage fetches one URL and checks it is whole: status, length, and
// for /404/ the text of the build named in the page.
func checkPage(client *http.Client, url string, status int, marks *sync.Map) error {
	res, err := client.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("GET %s: %v", url, err)
	}
	if res.StatusCode != status {
		return fmt.Errorf("GET %s: status %d, want %d", url, res.StatusCode, status)
	}
	if res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
		return fmt.Errorf("GET %s: %d bytes, Content-Length %s", url, len(body), res.Header.Get("Content-Length"))
	}
	if strings.HasSuffix(url, "/") && !bytes.HasSuffix(body, []byte("</html>\n")) {
		return fmt.Errorf("GET %s: page cut short", url)
	}
	if strings.HasSuffix(url, "/404/") {
		m := buildIDRE.FindSubmatch(body)
		if m == nil {
			return fmt.Errorf("GET %s: no build id", url)
		}
		mark, ok := marks.Load(string(m[1]))
		if !ok {
			return fmt.Errorf("GET %s: unknown build %s", url, m[1])
		}
		if mark != "" && !bytes.Contains(body, []byte(mark.(string))) {
			return fmt.Errorf("GET %s: build %s without its text %q", url, m[1], mark)
		}
	}
	return nil
}

// eventClient reads one event stream.
type eventClient struct {
	res *http.Response
	r   *bufio.Reader
}

// dialEvents opens the event stream of the server at base for a page of
// build.
func dialEvents(ctx context.Context, tr http.RoundTripper, base, build string) (*eventClient, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+eventsPath+"?build="+build, nil)
	if err != nil {
		return nil, err
	}
	res, err := tr.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("Cache-Control") != "no-store" {
		res.Body.Close()
		return nil, fmt.Errorf("event stream: status %d, headers %v", res.StatusCode, res.Header)
	}
	return &eventClient{res: res, r: bufio.NewReader(res.Body)}, nil
}

// next returns the next event's name and data, skipping comments.
func (c *eventClient) next() (name, data string, err error) {
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return "", "", err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if name != "" {
				return name, data, nil
			}
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
}

func (c *eventClient) close() { c.res.Body.Close() }

// TestReloadBrowser edits the site under a real browser: a Markdown edit
// reloads the page by itself keeping the scroll position; a stylesheet
// edit restyles the page without a reload; a broken template shows an
// overlay that goes when the template is fixed; with -follow, editing
// another page's Markdown opens it.
func TestReloadBrowser(t *testing.T) {
	ctx := testenv.NewTab(t)
	cfg, root := diskFixture(t)
	page := filepath.Join(root, "content", "4xx", "404.md")
	src, _ := os.ReadFile(page)
	// A long page, so there is something to scroll.
	os.WriteFile(page, append(src, strings.Repeat("\nA paragraph to scroll past.\n", 150)...), 0o644)
	s := New(cfg, Options{Follow: true}, io.Discard)
	base := startServe(t, s)
	appendTo := func(name, text string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, append(b, text...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	// poll waits for js to be true. It evaluates in a Go loop, not with
	// chromedp.Poll, because a reload ends the page a Poll runs in.
	poll := func(what, js string) {
		t.Helper()
		var err error
		for end := time.Now().Add(testenv.Deadline); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			var ok bool
			if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](js)); ok && err == nil {
				return
			}
		}
		t.Fatalf("waited %v for %s (last error: %v)", testenv.Deadline, what, err)
	}
	connected := func() {
		t.Helper()
		testenv.WaitFor(t, "the page's event stream", func() bool { return s.hub.count() == 1 })
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/404/")); err != nil {
		t.Fatal(err)
	}
	connected()

	eval(`window.scrollTo(0, 900); window.marker = "before"`)
	appendTo("content/4xx/404.md", "\nWritten after the page was opened.\n")
	poll("the edit to show", `document.body.innerText.includes("Written after the page was opened.")`)
	if m := eval(`window.marker === undefined`); m != true {
		t.Error("the page did not reload")
	}
	poll("the scroll position to come back", `Math.abs(window.scrollY - 900) < 2`)
	connected()

	eval(`window.marker = "kept"; document.getElementById("search-box").value = "teapot"`)
	appendTo("static/style.css", "\nhtml body { background-color: rgb(1, 2, 3) !important; }\n")
	poll("the new style", `getComputedStyle(document.body).backgroundColor === "rgb(1, 2, 3)"`)
	if m := eval(`[window.marker, document.getElementById("search-box").value, Math.round(window.scrollY)]`); !equalJSON(m, []any{"kept", "teapot", 900.0}) {
		t.Errorf("after a stylesheet change: marker, search box, scroll = %v; want kept, teapot, 900 (no reload)", m)
	}
	if n := eval(`document.querySelectorAll('link[rel~="stylesheet"]').length`); n != 2.0 {
		t.Errorf("%v stylesheet links after the swap, want 2", n)
	}

	code := filepath.Join(root, "layouts", "code.html")
	good, _ := os.ReadFile(code)
	os.WriteFile(code, []byte("{{define \"main\"}}\n{{if}}\n{{end}}"), 0o644)
	poll("the error overlay", `(() => { const o = document.getElementById("statusdocs-error"); return o && o.shadowRoot.querySelector("pre").textContent.includes("layouts/code.html:2: ") })()`)
	os.WriteFile(code, good, 0o644)
	poll("the overlay to go", `!document.getElementById("statusdocs-error")`)
	if m := eval(`window.marker`); m != "kept" {
		t.Errorf("fixing the template reloaded the page (marker %v), though nothing changed", m)
	}

	appendTo("content/4xx/418.md", "\nEdited elsewhere.\n")
	poll("-follow to open the edited page", `location.pathname === "/418/" && document.body.innerText.includes("Edited elsewhere.")`)
}

// equalJSON reports whether a value from the browser equals want.
func equalJSON(got any, want []any) bool {
	g, ok := got.([]any)
	if !ok || len(g) != len(want) {
		return false
	}
	for i := range g {
		if g[i] != want[i] {
			return false
		}
	}
	return true
}

// BenchmarkEditToReload measures, on the shipped site, how long an edit
// to one content file takes to reach browsers: from the start of the
// write to the reload event read from an event stream, through fsnotify,
// the rebuild and the hub. It reports the median, 90th percentile and
// worst of the edits. The target is a median under 50 ms over 50
// edits:
//
//	go test -run '^$' -bench EditToReload -benchtime 50x
func BenchmarkEditToReload(b *testing.B) {
	cfg, root := diskSite(b, "content")
	page := filepath.Join(root, "content", "4xx", "404.md")
	orig, err := os.ReadFile(page)
	if err != nil {
		b.Fatal(err)
	}
	s := New(cfg, Options{}, io.Discard)
	base := startServe(b, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	s.mu.Lock()
	id := s.cur.id
	s.mu.Unlock()
	c, err := dialEvents(ctx, tr, base, id)
	if err != nil {
		b.Fatal(err)
	}
	defer c.close()
	idle := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.busy == nil
	}
	var lat []time.Duration
	for i := 0; b.Loop(); i++ {
		data := append(append([]byte{}, orig...), fmt.Sprintf("\nEdit number %d.\n", i)...)
		start := time.Now()
		if err := os.WriteFile(page, data, 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			name, data, err := c.next()
			if err != nil || name == "failed" {
				b.Fatalf("edit %d: %s %s %v", i, name, data, err)
			}
			if name == "reload" {
				break
			}
		}
		lat = append(lat, time.Since(start))
		// Let the rebuild for the write's last event finish, so edits
		// are measured one at a time.
		time.Sleep(20 * time.Millisecond)
		testenv.WaitFor(b, "the rebuilds to finish", idle)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "ms-median")
	b.ReportMetric(ms(lat[len(lat)*9/10]), "ms-p90")
	b.ReportMetric(ms(lat[len(lat)-1]), "ms-max")
	b.ReportMetric(0, "ns/op")
}
