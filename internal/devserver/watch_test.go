package devserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// TestIsScratch checks which file names never trigger a rebuild.
func TestIsScratch(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"404.md", false},
		{"_index.md", false},
		{"style.css", false},
		{"4913.md", false},
		{"a~b.md", false},
		{"jb.md", false},
		{"404.md~", true},
		{".404.md.swp", true},
		{".404.md.swx", true},
		{"404.md.swo", true},
		{"4913", true},
		{"5036", true}, // 4913 + 123: vim's next probe when 4913 exists
		{"5000", false},
		{"04913", false},
		{"404.md.bck", true},
		{"404.md___jb_tmp___", true},
		{"404.md___jb_old___", true},
		{"#404.md#", true},
		{".#404.md", true},
		{".DS_Store", true},
		{".404.md.tmp-12345", true},
		{"sedSdGt4A", true}, // GNU sed -i
		{"sediment.md", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isScratch(tt.name); got != tt.want {
			t.Errorf("isScratch(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestDisplay checks how changed files are named in messages.
func TestDisplay(t *testing.T) {
	roots := []watchRoot{{dir: "content", name: "content"}, {dir: filepath.Join("site", "static"), name: "static"}, {dir: filepath.Join("site", "static", "img"), name: "images"}}
	tests := []struct{ path, want string }{
		{filepath.Join("content", "4xx", "404.md"), "content/4xx/404.md"},
		{"content", "content"},
		{filepath.Join("site", "static", "style.css"), "static/style.css"},
		{filepath.Join("site", "static", "img", "a.png"), "images/a.png"},
		{filepath.Join("contents", "x.md"), "contents/x.md"},
	}
	for _, tt := range tests {
		if got := display(roots, tt.path); got != tt.want {
			t.Errorf("display(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// TestPollerSameSizeSameTime checks that polling sees a save that keeps
// the size and, as on file systems with coarse timestamps, the time.
func TestPollerSameSizeSameTime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := filepath.Join(dir, "a.md")
	os.WriteFile(f, []byte("first"), 0o644)
	fi, _ := os.Stat(f)
	p := &poller{roots: []watchRoot{{dir: dir, name: "content"}}}
	before := p.scan()
	os.WriteFile(f, []byte("other"), 0o644)
	os.Chtimes(f, fi.ModTime(), fi.ModTime())
	after := p.scan()
	if before[f] == after[f] {
		t.Error("polling missed a same-size, same-time save")
	}
	os.WriteFile(filepath.Join(dir, ".a.md.swp"), []byte("x"), 0o644)
	if _, ok := p.scan()[filepath.Join(dir, ".a.md.swp")]; ok {
		t.Error("polling looks at scratch files")
	}
}

// TestWatch edits, creates, renames and deletes files in a real folder
// while the server runs, with file system events and with polling, and
// waits for each change to be served.
func TestWatch(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name string
		poll time.Duration
	}{{"events", 0}, {"poll", 50 * time.Millisecond}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			cfg, root := diskFixture(t)
			logs := &testenv.SyncBuffer{}
			s := New(cfg, Options{Poll: mode.poll}, logs)
			base := startServe(t, s)
			file := func(parts ...string) string { return filepath.Join(append([]string{root}, parts...)...) }
			write := func(p, data string) {
				t.Helper()
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			read := func(p string) string {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			status := func(path string) (int, string) {
				res, err := http.Get(base + path)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				body, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(body)
			}
			served := func(what, path, text string) {
				t.Helper()
				testenv.WaitFor(t, what, func() bool {
					code, body := status(path)
					return code == 200 && strings.Contains(body, text)
				})
			}
			gone := func(what, path string) {
				t.Helper()
				testenv.WaitFor(t, what, func() bool { code, _ := status(path); return code == 404 })
			}
			page404 := file("content", "4xx", "404.md")
			steps := []struct {
				name string
				do   func()
				wait func(name string)
			}{
				{"edit", func() { write(page404, read(page404)+"\nEdited in place.\n") },
					func(n string) { served(n, "/404/", "Edited in place.") }},
				{"atomic save", func() {
					tmp := file("content", "4xx", ".404.md.tmp-1")
					write(tmp, read(page404)+"\nSaved through a temporary file.\n")
					if err := os.Rename(tmp, page404); err != nil {
						t.Fatal(err)
					}
				}, func(n string) { served(n, "/404/", "Saved through a temporary file.") }},
				{"create", func() {
					write(file("content", "4xx", "410.md"), "---\ntitle: Gone\nsummary: It left.\nstatus: standard\n---\nGone for good.\n")
				}, func(n string) { served(n, "/410/", "Gone for good.") }},
				{"new folder", func() {
					write(file("content", "3xx", "_index.md"), "---\ntitle: Redirection\nsummary: Go elsewhere.\n---\nMoves.\n")
					write(file("content", "3xx", "301.md"), "---\ntitle: Moved Permanently\nsummary: It moved.\nstatus: standard\n---\nMoved for good.\n")
				}, func(n string) { served(n, "/301/", "Moved for good."); served(n, "/3xx/", "Moves.") }},
				{"nested new folders", func() {
					write(file("content", "guides", "deep", "x.md"), "---\ntitle: Deep\nsummary: Deep down.\n---\nFound deep down.\n")
				}, func(n string) { served(n, "/guides/deep/x/", "Found deep down.") }},
				{"file in the new folder", func() {
					write(file("content", "guides", "deep", "y.md"), "---\ntitle: Deeper\nsummary: Deeper.\n---\nFound deeper.\n")
				}, func(n string) { served(n, "/guides/deep/y/", "Found deeper.") }},
				{"rename", func() {
					if err := os.Rename(file("content", "4xx", "410.md"), file("content", "4xx", "411.md")); err != nil {
						t.Fatal(err)
					}
				}, func(n string) { served(n, "/411/", "Gone for good."); gone(n, "/410/") }},
				{"delete", func() { os.Remove(file("content", "4xx", "411.md")) },
					func(n string) { gone(n, "/411/") }},
				{"delete a folder", func() { os.RemoveAll(file("content", "3xx")) },
					func(n string) { gone(n, "/301/"); gone(n, "/3xx/") }},
				{"layout", func() {
					p := file("layouts", "code.html")
					write(p, strings.Replace(read(p), `<div class="prose"`, `<div class="prose" data-watched`, 1))
				}, func(n string) { served(n, "/404/", "data-watched") }},
				{"static", func() {
					p := file("static", "style.css")
					write(p, read(p)+"\n.watched-rule{}\n")
				}, func(n string) { served(n, "/style.css", ".watched-rule") }},
				{"scratch files, then an edit", func() {
					for _, name := range []string{".404.md.swp", "404.md~", "4913", "#404.md#", ".#404.md", "404.md___jb_tmp___", "404.md.bck", ".DS_Store"} {
						write(file("content", "4xx", name), "scratch")
					}
					p := file("content", "4xx", "418.md")
					write(p, read(p)+"\nAfter the scratch files.\n")
				}, func(n string) { served(n, "/418/", "After the scratch files.") }},
			}
			for _, st := range steps {
				st.do()
				st.wait(st.name)
			}
			for _, name := range []string{"swp", "4913", "418.md~", "#404.md#", ".#404", "jb_tmp", ".bck", "DS_Store", ".tmp-1"} {
				if strings.Contains(logs.String(), name) {
					t.Errorf("a scratch file (%s) triggered a rebuild:\n%s", name, logs)
				}
			}
			t.Logf("log:\n%s", logs)
			if strings.Contains(logs.String(), "failed") {
				t.Errorf("a build failed:\n%s", logs)
			}
		})
	}
}

// TestCoalesce checks that changes arriving while a rebuild runs are
// folded into one follow-up rebuild, and that a request made meanwhile
// waits and gets the final site. The first build is held on buildMu, so
// the test does not depend on timing.
func TestCoalesce(t *testing.T) {
	t.Parallel()
	s, content, logs := devFixture(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan []string)
	done := make(chan struct{})
	go func() {
		s.rebuildLoop(ctx, changes)
		close(done)
	}()
	defer func() { cancel(); <-done }()
	start := s.builds.Load()
	s.buildMu.Lock()
	setFile(content, "4xx/404.md", appendFile(content, "4xx/404.md", "\nFirst save.\n"))
	changes <- []string{"content/4xx/404.md"} // starts a build, which waits for buildMu
	for i := range 10 {
		changes <- []string{fmt.Sprintf("content/4xx/file%d.md", i)}
	}
	// The loop has taken the first change and started its build before it
	// took the second, so this request arrives during the burst.
	got := make(chan string)
	go func() {
		_, body := get(t, s, "GET", "/404/")
		got <- body
	}()
	setFile(content, "4xx/404.md", appendFile(content, "4xx/404.md", "\nLast save.\n"))
	time.Sleep(20 * time.Millisecond) // most likely the request waits now; it must get the final site either way
	s.buildMu.Unlock()
	if body := <-got; !strings.Contains(body, "Last save.") {
		t.Error("a request made during the burst did not get the final site")
	}
	testenv.WaitFor(t, "the follow-up build", func() bool { return s.builds.Load() == start+1 })
	s.mu.Lock()
	idle := s.busy == nil
	s.mu.Unlock()
	if !idle {
		t.Error("requests still held after the burst")
	}
	// The first build, still waiting, was cancelled by the second change;
	// one build, with all the changes, was published.
	if n := s.builds.Load() - start; n != 1 {
		t.Errorf("%d builds published for a burst of 11 changes, want 1", n)
	}
	if n := s.cancelled.Load(); n != 1 {
		t.Errorf("%d builds cancelled, want 1", n)
	}
	if !strings.Contains(logs.String(), " and 10 more changed") {
		t.Errorf("the follow-up does not name the folded changes:\n%s", logs)
	}
}

// TestSettle checks that a build that fails or loses a page right after a
// change is held, and dropped when the next change comes (the file was
// caught mid-save), but published when nothing follows.
func TestSettle(t *testing.T) {
	t.Parallel()
	s, content, logs := devFixture(t, Options{})
	s.settle = time.Hour // held until the next change
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan []string)
	done := make(chan struct{})
	go func() {
		s.rebuildLoop(ctx, changes)
		close(done)
	}()
	defer func() { cancel(); <-done }()
	built := func() int {
		s.buildMu.Lock()
		defer s.buildMu.Unlock()
		return s.builder.n
	}
	good404 := string(content["4xx/404.md"].Data)
	good451 := string(content["4xx/451.md"].Data)
	published := s.builds.Load()

	// Truncated, then written: the failure is never shown.
	setFile(content, "4xx/404.md", "")
	changes <- []string{"content/4xx/404.md"}
	testenv.WaitFor(t, "the failing build", func() bool { return built() == 2 }) // after the first
	setFile(content, "4xx/404.md", good404+"\nWritten at last.\n")
	changes <- []string{"content/4xx/404.md"}
	testenv.WaitFor(t, "the good build", func() bool { return s.builds.Load() == published+1 })
	if _, failure := s.current(ctx); failure != "" || strings.Contains(logs.String(), "failed") {
		t.Errorf("a failure caught mid-save was shown: %q\n%s", failure, logs)
	}
	if _, body := get(t, s, "GET", "/404/"); !strings.Contains(body, "Written at last.") {
		t.Error("the good build is not served")
	}

	// Moved away, then back: the page never goes missing.
	n := built()
	delete(content, "4xx/451.md")
	changes <- []string{"content/4xx/451.md"}
	testenv.WaitFor(t, "the build without the page", func() bool { return built() == n+1 })
	got := make(chan string)
	go func() { // held builds hold requests too: this one waits
		res, body := get(t, s, "GET", "/451/")
		got <- strconv.Itoa(res.StatusCode) + " " + body
	}()
	time.Sleep(20 * time.Millisecond)
	setFile(content, "4xx/451.md", good451+"\nBack again.\n")
	changes <- []string{"content/4xx/451.md"}
	if r := <-got; !strings.HasPrefix(r, "200 ") || !strings.Contains(r, "Back again.") {
		t.Errorf("a request while the page was moved away got %.20q…, want the page written back", r)
	}
	testenv.WaitFor(t, "the page back", func() bool { return s.builds.Load() == published+2 })

	// A layout truncated, then written: the empty template, which parses,
	// is not published.
	layouts := s.cfg.Layouts.FS.(fstest.MapFS)
	goodCode := string(layouts["code.html"].Data)
	n = built()
	setFile(layouts, "code.html", "")
	changes <- []string{"layouts/code.html"}
	testenv.WaitFor(t, "the build with the empty layout", func() bool { return built() == n+1 })
	setFile(layouts, "code.html", strings.Replace(goodCode, `<div class="prose"`, `<div class="prose" data-rewritten`, 1))
	changes <- []string{"layouts/code.html"}
	testenv.WaitFor(t, "the rewritten layout", func() bool {
		_, body := get(t, s, "GET", "/404/") // waits for the loop to be idle
		return strings.Contains(body, "data-rewritten")
	})
	if n := s.builds.Load() - published; n != 3 {
		t.Errorf("%d builds published, want 3: the empty layout was published", n)
	}

	// A real error or deletion is published once nothing follows.
	s.settle = 10 * time.Millisecond // the loop reads it after the next send
	setFile(content, "4xx/404.md", "broken\n")
	changes <- []string{"content/4xx/404.md"}
	testenv.WaitFor(t, "the error shown", func() bool { _, f := s.current(ctx); return f != "" })
	setFile(content, "4xx/404.md", good404)
	delete(content, "4xx/451.md")
	changes <- []string{"content/4xx/404.md", "content/4xx/451.md"}
	testenv.WaitFor(t, "the deletion published", func() bool { res, _ := get(t, s, "GET", "/451/"); return res.StatusCode == 404 })
}
