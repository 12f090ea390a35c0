package devserver

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

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
