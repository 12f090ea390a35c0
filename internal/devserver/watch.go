package devserver

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/statusdocs/statusdocs/internal/site"
)

// Tunables of watching.
const (
	// DefaultPoll is the interval of -poll given without one.
	DefaultPoll = 500 * time.Millisecond
	// MinPoll keeps -poll from spinning.
	MinPoll = 50 * time.Millisecond
	// recentWindow: a file modified this recently is hashed when polling,
	// because file systems with coarse timestamps (FAT: 2s; some network
	// shares: 1s) can show two saves a moment apart with the same size and
	// time.
	recentWindow = 3 * time.Second
	// maxHashSize bounds the files polling hashes; larger ones are judged
	// by size and time alone.
	maxHashSize = 4 << 20
)

// overflowed stands for "anything may have changed": the kernel dropped
// events. The build reads every file anyway, so one rebuild catches up.
const overflowed = "(too many changes to list)"

// watchRoot is a source folder on disk.
type watchRoot struct {
	dir  string // cleaned path on disk, e.g. "content"
	name string // what messages call it, e.g. "content"
}

// watchRoots returns the source folders of cfg that are on disk; the
// embedded ones cannot change.
func watchRoots(cfg *site.Config) []watchRoot {
	var roots []watchRoot
	for _, src := range []site.Source{cfg.Content, cfg.Layouts, cfg.Static} {
		if src.Dir != "" {
			roots = append(roots, watchRoot{dir: filepath.Clean(src.Dir), name: src.Name})
		}
	}
	return roots
}

// display returns how messages name the file at p, e.g.
// "content/4xx/404.md", using the deepest root holding it.
func display(roots []watchRoot, p string) string {
	best := -1
	for i, r := range roots {
		if (p == r.dir || strings.HasPrefix(p, r.dir+string(filepath.Separator))) && (best < 0 || len(r.dir) > len(roots[best].dir)) {
			best = i
		}
	}
	if best < 0 {
		return filepath.ToSlash(p)
	}
	rel, err := filepath.Rel(roots[best].dir, p)
	if err != nil || rel == "." {
		return roots[best].name
	}
	return roots[best].name + "/" + filepath.ToSlash(rel)
}

// isScratch reports whether a file name is an editor's or system's scratch
// file, which must not trigger rebuilds: vim swap and backup files (.swp,
// ~, the 4913 probe), .bck backups, JetBrains safe-write files
// (x___jb_tmp___, x___jb_old___), Emacs autosaves and locks (#x#, .#x),
// and every other hidden file (.DS_Store, .x.tmp), which the build skips
// too. Only the base name is looked at.
func isScratch(name string) bool {
	switch {
	case name == "":
		return false
	case strings.HasPrefix(name, "."),
		strings.HasSuffix(name, "~"),
		strings.HasSuffix(name, ".bck"),
		strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"),
		strings.Contains(name, "___jb_") && strings.HasSuffix(name, "___"):
		return true
	}
	switch filepath.Ext(name) {
	case ".swp", ".swo", ".swn", ".swx":
		return true
	}
	return isVimProbe(name) || sedTemp.MatchString(name)
}

// sedTemp matches the file GNU sed -i writes before renaming it over the
// edited one.
var sedTemp = regexp.MustCompile(`^sed[A-Za-z0-9]{6}$`)

// isVimProbe reports whether name is the file vim creates to test whether
// it may write in a folder: "4913", or 4913 plus a multiple of 123 when
// that exists already.
func isVimProbe(name string) bool {
	n, err := strconv.Atoi(name)
	return err == nil && name[0] != '0' && n >= 4913 && (n-4913)%123 == 0
}

// startWatcher watches roots, by file system events or, with poll > 0, by
// looking every poll, and sends the names of changed files to out (see
// display), one event's or one look's worth at a time, until ctx is done. The goroutine it starts is counted in wg.
// All watches are in place when it returns, so a change made after that is
// never missed.
func startWatcher(ctx context.Context, wg *sync.WaitGroup, roots []watchRoot, poll time.Duration, out chan<- []string, logger *log.Logger) error {
	if poll > 0 {
		p := &poller{roots: roots}
		p.state = p.scan()
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.run(ctx, poll, out)
		}()
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching for changes: %w (try -poll)", err)
	}
	fw := &fsWatcher{w: w, roots: roots, log: logger}
	for _, r := range roots {
		if err := fw.addTree(r.dir); err != nil {
			w.Close()
			return fmt.Errorf("watching %s: %w (try -poll)", r.dir, err)
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		fw.run(ctx, out)
	}()
	return nil
}

// fsWatcher turns fsnotify events into changed file names. fsnotify does
// not watch subfolders, so it watches every folder itself, including
// those created later.
type fsWatcher struct {
	w     *fsnotify.Watcher
	roots []watchRoot
	log   *log.Logger
}

// addTree watches dir and every folder below it, except hidden ones.
func (fw *fsWatcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // gone meanwhile
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		return fw.w.Add(p)
	})
}

// run forwards changes until ctx is done, then closes the watcher. When
// the kernel's event queue overflows, it reports that anything may have
// changed.
func (fw *fsWatcher) run(ctx context.Context, out chan<- []string) {
	defer fw.w.Close()
	for {
		var name string
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-fw.w.Events:
			if !ok {
				return
			}
			if name, ok = fw.handle(ev); !ok {
				continue
			}
		case err, ok := <-fw.w.Errors:
			if !ok {
				return
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				fw.log.Printf("watching: %v", err)
				continue
			}
			name = overflowed
		}
		select {
		case out <- []string{name}:
		case <-ctx.Done():
			return
		}
	}
}

// handle returns the file an event changed, if it matters. A new folder
// is watched at once, before the rebuild it triggers lists it, so files
// written into it are either listed by that rebuild or reported later.
func (fw *fsWatcher) handle(ev fsnotify.Event) (string, bool) {
	if ev.Op == fsnotify.Chmod || isScratch(filepath.Base(ev.Name)) {
		return "", false // attributes only, or a scratch file
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			if err := fw.addTree(ev.Name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				fw.log.Printf("watching %s: %v", ev.Name, err)
			}
		}
	}
	return display(fw.roots, ev.Name), true
}

// poller finds changes by looking at every file every interval, for file
// systems whose changes raise no events (network shares, some container
// and WSL mounts).
type poller struct {
	roots []watchRoot
	state map[string]fileStamp
}

// fileStamp is what polling compares.
type fileStamp struct {
	dir  bool
	size int64
	mod  time.Time
	sum  [sha256.Size]byte // only for files modified within recentWindow
}

// scan stamps every folder and file under the roots, skipping hidden ones
// and scratch files. Folders are walked, not reported: what matters is
// the files in them.
func (p *poller) scan() map[string]fileStamp {
	now := time.Now()
	state := map[string]fileStamp{}
	for _, r := range p.roots {
		filepath.WalkDir(r.dir, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable or gone: reported as removed
			}
			if name != r.dir && isScratch(d.Name()) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return nil
			}
			st := fileStamp{dir: d.IsDir(), size: fi.Size(), mod: fi.ModTime()}
			if !st.dir && now.Sub(st.mod) < recentWindow && st.size <= maxHashSize {
				if data, err := os.ReadFile(name); err == nil {
					st.sum = sha256.Sum256(data)
				}
			}
			state[name] = st
			return nil
		})
	}
	return state
}

// run looks every interval until ctx is done, and sends the files that
// were added, changed or removed since the last look, all at once, so one
// look costs one rebuild.
func (p *poller) run(ctx context.Context, interval time.Duration, out chan<- []string) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		next := p.scan()
		var changed []string
		for name, st := range next {
			if old, ok := p.state[name]; !st.dir && (!ok || old != st) {
				changed = append(changed, display(p.roots, name))
			}
		}
		for name, st := range p.state {
			if _, ok := next[name]; !ok && !st.dir {
				changed = append(changed, display(p.roots, name))
			}
		}
		p.state = next
		if len(changed) == 0 {
			continue
		}
		slices.Sort(changed)
		select {
		case out <- changed:
		case <-ctx.Done():
			return
		}
	}
}
