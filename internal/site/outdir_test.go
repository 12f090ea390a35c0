package site

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/statusdocs/statusdocs/internal/testenv"
)

// besideOut lists what is in the output's parent folder: only the output
// itself once a build is done, whatever happened.
func besideOut(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func wantOnlyOut(t *testing.T, out string) {
	t.Helper()
	if got := besideOut(t, out); !slices.Equal(got, []string{filepath.Base(out)}) {
		t.Errorf("beside the output: %q, want only %q", got, filepath.Base(out))
	}
}

// umask reads the process's umask without changing it (Linux reports it
// in /proc/self/status since 4.7).
func umask(t *testing.T) fs.FileMode {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("skipping: no /proc/self/status to read the umask from: %v", err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			var m uint32
			for _, c := range strings.TrimSpace(v) {
				m = m*8 + uint32(c-'0')
			}
			return fs.FileMode(m)
		}
	}
	t.Skip("skipping: /proc/self/status has no Umask line")
	return 0
}

// TestOutputModes checks every folder of the output, its root included,
// is 0777 less the umask and every file 0666 less the umask: a web server
// whose workers run as another user must be able to read it all, and
// rsync -a copies the modes to the host.
func TestOutputModes(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("skipping: reads the umask from /proc")
	}
	mask := umask(t)
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	mustBuild(t, cfg) // the swap path too
	n := 0
	err := filepath.WalkDir(cfg.Out, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := 0o666 &^ mask
		if d.IsDir() {
			want = 0o777 &^ mask
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v (umask %03o)", path, got, want, mask)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("walked %d entries", n)
	}
}

// TestConcurrentBuilds starts builds into one folder at once: each waits
// for the one before, all succeed, the output is one whole build, and
// nothing is left beside it.
func TestConcurrentBuilds(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	want := testenv.ReadTree(t, cfg.Out)
	var waited atomic.Int32
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := *cfg
			c.Waiting = func(holder string) {
				waited.Add(1)
				if !strings.HasPrefix(holder, "pid ") {
					t.Errorf("lock holder = %q, want pid N", holder)
				}
			}
			if _, err := Build(context.Background(), &c); err != nil {
				t.Errorf("Build: %v", err)
			}
		}()
	}
	wg.Wait()
	if waited.Load() == 0 {
		t.Error("no build waited for another: were they kept apart?")
	}
	testenv.WantTree(t, cfg.Out, want, "after concurrent builds (want one build's output)")
	wantOnlyOut(t, cfg.Out)
}

// TestLockWait holds the lock as a running build would: a second build
// waits, says so once, and is cancellable while it waits.
func TestLockWait(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	d, err := claimOut(context.Background(), cfg.Out, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	told := make(chan string, 2)
	c := *cfg
	c.Waiting = func(holder string) { told <- holder }
	done := make(chan error, 1)
	go func() { _, err := Build(ctx, &c); done <- err }()
	select {
	case h := <-told:
		if h != "pid "+strconv.Itoa(os.Getpid()) {
			t.Errorf("holder = %q, want this process's pid", h)
		}
	case err := <-done:
		t.Fatalf("Build did not wait for the lock: %v", err)
	case <-time.After(testenv.Deadline):
		t.Fatal("Build neither waited nor finished")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while waiting: %v, want context.Canceled", err)
	}
	// Released, the lock lets the next build in at once.
	if err := d.release(); err != nil {
		t.Fatal(err)
	}
	c.Waiting = func(string) { t.Error("waited for a released lock") }
	if _, err := Build(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	wantOnlyOut(t, cfg.Out)
}

// TestAbandoned leaves beside the output what a build killed at each step
// leaves (its temporary folder; the previous output moved aside during
// the swap), and checks the next build removes it, or, when the output
// itself is missing, puts the previous output back.
func TestAbandoned(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	mustBuild(t, cfg)
	before := testenv.ReadTree(t, cfg.Out)
	tmp := tmpPrefix(cfg.Out) + "0123456789ab"
	old := oldPrefix(cfg.Out) + "ba9876543210"
	if err := os.MkdirAll(filepath.Join(tmp, "404"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "404", "index.html"), []byte("half"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(cfg.Out, old); err != nil { // died mid-swap
		t.Fatal(err)
	}
	half := oldPrefix(cfg.Out) + "00112233aabb" // an old output half removed: no marker
	if err := os.MkdirAll(filepath.Join(half, "404"), 0o777); err != nil {
		t.Fatal(err)
	}
	notOurs := filepath.Join(filepath.Dir(cfg.Out), ".out.old-notours")
	if err := os.Mkdir(notOurs, 0o777); err != nil {
		t.Fatal(err)
	}
	// A build that fails once it holds the lock (a template error, met
	// while writing) has tidied already, and put the previous output back.
	bad := *cfg
	bad.Layouts.FS = testenv.MapFS(t, testenv.Repo(t, "layouts"))
	bad.Layouts.FS.(fstest.MapFS)["page.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n{{.Page.NoSuchField}}\n{{end}}")}
	if _, err := Build(context.Background(), &bad); err == nil {
		t.Fatal("bad build succeeded")
	}
	after := testenv.ReadTree(t, cfg.Out)
	if len(after) != len(before) {
		t.Fatalf("restored output has %d files, want %d", len(after), len(before))
	}
	if err := os.Remove(notOurs); err != nil {
		t.Errorf("a folder without the marker was touched: %v", err)
	}
	wantOnlyOut(t, cfg.Out)
}

// TestOutTrailingSlash builds into "out/", as a shell's completion writes
// it: the lock and temporary folder go beside the folder, not inside.
func TestOutTrailingSlash(t *testing.T) {
	t.Parallel()
	cfg := fixtureConfig(t)
	out := cfg.Out
	cfg.Out = out + string(filepath.Separator)
	mustBuild(t, cfg)
	mustBuild(t, cfg)
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Fatal(err)
	}
	wantOnlyOut(t, out)
	if _, err := os.Stat(filepath.Join(out, ".out.lock")); err == nil {
		t.Error("the lock is inside the output")
	}
}
