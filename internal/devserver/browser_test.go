package devserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

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
