package devserver

import (
	"context"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// gateFS is a MapFS whose one file cannot be read while the gate is
// closed: a build reading it is as slow as the test wants.
type gateFS struct {
	fstest.MapFS
	name string
	mu   sync.Mutex
	gate chan struct{} // nil: open
}

func (g *gateFS) wait(name string) {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if name == g.name && gate != nil {
		<-gate
	}
}

// The map is read under the lock: the test writes it while a build reads.
func (g *gateFS) Open(name string) (fs.File, error) {
	g.wait(name)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.MapFS.Open(name)
}

func (g *gateFS) ReadFile(name string) ([]byte, error) {
	g.wait(name)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.MapFS.ReadFile(name)
}

func (g *gateFS) Stat(name string) (fs.FileInfo, error) {
	g.wait(name)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.MapFS.Stat(name)
}

func (g *gateFS) ReadDir(name string) ([]fs.DirEntry, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.MapFS.ReadDir(name)
}

func (g *gateFS) close() { g.mu.Lock(); g.gate = make(chan struct{}); g.mu.Unlock() }

func (g *gateFS) set(name, data string) { g.mu.Lock(); setFile(g.MapFS, name, data); g.mu.Unlock() }

func (g *gateFS) open() {
	g.mu.Lock()
	close(g.gate)
	g.gate = nil
	g.mu.Unlock()
}

// TestSlowRebuild runs a rebuild that cannot finish (it waits on a file):
// requests meanwhile get the last good site within the wait bound, not a
// half-built one; a save during the slow rebuild cancels it, and the next
// build, with both saves, is the one published.
func TestSlowRebuild(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	gfs := &gateFS{MapFS: cfg.Content.FS.(fstest.MapFS), name: "4xx/404.md"}
	cfg.Content.FS = gfs
	logs := &testenv.SyncBuffer{}
	s := New(cfg, Options{}, logs)
	s.requestWait = 50 * time.Millisecond
	if res := s.rebuildNow(context.Background(), nil); res.err != nil {
		t.Fatal(res.err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan []string)
	done := make(chan struct{})
	go func() { s.rebuildLoop(ctx, changes); close(done) }()
	defer func() { cancel(); <-done }()
	published := s.builds.Load()
	gfs.mu.Lock()
	old404 := string(gfs.MapFS["4xx/404.md"].Data)
	gfs.mu.Unlock()

	gfs.close()
	gfs.set("4xx/404.md", old404+"\nSecond save.\n")
	changes <- []string{"content/4xx/404.md"} // a build starts and blocks on the file

	for range 3 {
		start := time.Now()
		_, body := get(t, s, "GET", "/404/")
		if took := time.Since(start); took > testenv.Deadline/2 {
			t.Fatalf("a request during the slow rebuild took %v", took)
		}
		if !strings.Contains(body, "Not Found") || strings.Contains(body, "Second save.") {
			t.Fatalf("a request during the slow rebuild did not get the last good page:\n%.300s", body)
		}
	}

	gfs.set("4xx/404.md", old404+"\nThird save.\n")
	changes <- []string{"content/4xx/404.md"} // cancels the slow build
	// The loop cancels after it receives; a second send returns only once
	// it has: opening the gate before that could let the build finish.
	changes <- nil
	gfs.open()
	testenv.WaitFor(t, "the build after the cancelled one", func() bool { return s.builds.Load() == published+1 })
	if n := s.cancelled.Load(); n != 1 {
		t.Errorf("%d builds cancelled, want 1; log:\n%s", n, logs)
	}
	if _, body := get(t, s, "GET", "/404/"); !strings.Contains(body, "Third save.") {
		t.Error("the published build is not the newest save")
	}
	if strings.Contains(logs.String(), "failed") {
		t.Errorf("a cancelled build was reported:\n%s", logs)
	}
}
