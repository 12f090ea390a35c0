package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/statusdocs/statusdocs/internal/site"
)

// Tunables of the dev server.
const (
	// DefaultAddr is where the dev server listens unless told otherwise.
	DefaultAddr = "127.0.0.1:1313"
	// settleGrace is how long a build that failed or lost pages waits for
	// more changes before it is published (see unsettled). Good builds
	// are published at once.
	settleGrace = 100 * time.Millisecond
	// maxRequestWait bounds how long a request waits for a running rebuild
	// (and the follow-ups folded into it) before it gets the last good site.
	// Rebuilds take milliseconds, so a reload after a save shows the new
	// page; a slow one (a huge page) does not hold every request up, and
	// browsers reload when it is published.
	maxRequestWait = 500 * time.Millisecond
	// shutdownTimeout bounds how long Ctrl-C waits for requests to finish.
	shutdownTimeout = 5 * time.Second
)

// Options are the dev server's settings besides the sources.
type Options struct {
	Follow bool          // open the page whose Markdown was saved
	Poll   time.Duration // watch by polling at this interval; 0: file system events
}

// Server serves the site from memory while the sources change. It
// keeps the last good build; a rebuild makes a new one beside it, and the
// switch is one pointer under mu, so a request sees one whole build or the
// other, never a mix. A request that arrives while a rebuild runs waits for
// it (see current), so a browser reloading after a save gets the new page.
type Server struct {
	warned map[string]bool // warning lines already logged, so each shows once

	cfg  *site.Config
	opts Options
	log  *log.Logger
	hub  *hub

	buildMu sync.Mutex // serialises builds
	builder *builder

	mu      sync.Mutex
	cur     *devBuild     // last good build, nil before the first
	failure string        // error of the latest build, or ""
	busy    chan struct{} // closed when the running rebuild ends; nil when idle

	settle      time.Duration // settleGrace; tests change it
	requestWait time.Duration // maxRequestWait; tests change it
	builds      atomic.Int64  // builds published, for tests
	cancelled   atomic.Int64  // builds cancelled by a newer change, for tests
}

// New returns a server for the sources of cfg that logs to logw. It
// builds nothing yet: see Serve.
func New(cfg *site.Config, opts Options, logw io.Writer) *Server {
	s := &Server{
		cfg:         cfg,
		opts:        opts,
		log:         log.New(logw, "", 0),
		hub:         newHub(),
		builder:     newBuilder(cfg),
		settle:      settleGrace,
		requestWait: maxRequestWait,
	}
	s.builder.saveErr = func(err error) { s.log.Printf("warning: %v", err) }
	return s
}

// Serve runs the server on ln until ctx is done: it builds the site,
// watches the source folders, and rebuilds on every change. On ctx.Done it
// closes the event streams, shuts the HTTP server down (waiting at most
// shutdownTimeout for requests) and stops the watcher. It writes nothing
// to disk, so there are no files to remove.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()

	s.beginRebuild() // requests wait for the first build
	changes := make(chan []string)
	roots := watchRoots(s.cfg)
	if len(roots) == 0 {
		s.log.Print("using the site built into the program: there are no folders to watch")
	} else if err := startWatcher(ctx, &wg, roots, s.opts.Poll, changes, s.log); err != nil {
		s.endRebuild()
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          s.log,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if res := s.rebuild(ctx); ctx.Err() == nil {
		s.publish(res, nil)
	}
	s.endRebuild()
	s.log.Printf("serving http://%s/ (Ctrl-C to stop)", ln.Addr())
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.rebuildLoop(ctx, changes)
	}()

	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	cancel()
	s.hub.close() // event streams end, so Shutdown need not wait for them
	sctx, scancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer scancel()
	if serr := srv.Shutdown(sctx); err == nil {
		err = serr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// beginRebuild makes requests wait until endRebuild.
func (s *Server) beginRebuild() {
	s.mu.Lock()
	if s.busy == nil {
		s.busy = make(chan struct{})
	}
	s.mu.Unlock()
}

// endRebuild lets waiting requests through, to the newest good build.
func (s *Server) endRebuild() {
	s.mu.Lock()
	if s.busy != nil {
		close(s.busy)
		s.busy = nil
	}
	s.mu.Unlock()
}

// current returns the build to serve and the current build error, waiting
// first for a rebuild that is running (at most maxRequestWait).
func (s *Server) current(ctx context.Context) (*devBuild, string) {
	s.mu.Lock()
	busy := s.busy
	s.mu.Unlock()
	if busy != nil {
		t := time.NewTimer(s.requestWait)
		select {
		case <-busy:
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur, s.failure
}

// rebuild builds the site once; builds never overlap.
func (s *Server) rebuild(ctx context.Context) *buildResult {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	return s.builder.build(ctx)
}

// rebuildNow rebuilds for changes and publishes the result, with requests
// held meanwhile: what the watcher's loop does for one burst of changes.
func (s *Server) rebuildNow(ctx context.Context, changes []string) *buildResult {
	s.beginRebuild()
	defer s.endRebuild()
	res := s.rebuild(ctx)
	s.publish(res, changes)
	return res
}

// publish makes a finished build the one served, logs one line about it,
// and tells browsers what to do: reload (or, with -follow, open the page
// whose file changed), swap stylesheets, show an error, or hide it. A
// failed build leaves the last good one served; its error is printed, as
// path:line: message, and shown over every page. A build whose output
// equals the served one is not swapped in, so browsers are not reloaded
// for nothing. Calls never overlap: they come from the rebuild loop (or,
// before it starts and in tests, from one goroutine).
func (s *Server) publish(res *buildResult, changes []string) {
	defer s.builds.Add(1)
	what := describeChanges(changes) + " changed"
	if changes == nil {
		what = "first build"
	}
	took := res.elapsed.Round(100 * time.Microsecond)
	if res.err != nil {
		msg := res.err.Error()
		s.mu.Lock()
		s.failure = msg
		id := ""
		if s.cur != nil {
			id = s.cur.id
		}
		s.mu.Unlock()
		n := s.hub.publish(id, msg, event{"failed", failedData{msg}})
		s.log.Print(msg)
		s.log.Printf("%s: build failed in %v; serving the last good site, error shown in %d %s", what, took, n, plural(n, "page", "pages"))
		return
	}
	b := res.build
	s.mu.Lock()
	old, failing := s.cur, s.failure != ""
	s.mu.Unlock()
	var d buildDiff
	if old != nil {
		d = diffBuilds(old, b) // only publish changes s.cur, so old stays current
	}
	s.mu.Lock()
	if old == nil || len(d.changed) > 0 {
		s.cur = b
	}
	s.failure = ""
	cur := s.cur
	s.mu.Unlock()
	s.logWarnings(res.warnings)

	if old == nil {
		s.hub.publish(cur.id, "", event{"reload", reloadData{Build: cur.id}})
		s.log.Printf("built %d pages in %v", res.pages, took)
		return
	}
	stats := fmt.Sprintf("%d %s parsed, %d of %d pages rendered in %v", res.parsed, plural(res.parsed, "file", "files"), res.rendered, res.pages, took)
	var ev event
	var action string
	switch {
	case len(d.changed) == 0 && failing:
		ev, action = event{"ok", reloadData{Build: cur.id}}, "error cleared in %d "
	case len(d.changed) == 0:
		s.log.Printf("%s: %s; output unchanged", what, stats)
		return
	case onlyCSS(d.changed):
		ev, action = event{"css", cssData{Build: cur.id, Files: cssPaths(d.changed)}}, "stylesheets swapped in %d "
	default:
		r := reloadData{Build: cur.id}
		if s.opts.Follow && len(d.edited) == 1 {
			r.Follow = d.edited[0]
		}
		ev, action = event{"reload", r}, "reloaded %d "
		if r.Follow != "" {
			action = "opened " + r.Follow + " in %d "
		}
	}
	n := s.hub.publish(cur.id, "", ev)
	s.log.Printf("%s: %s; "+action+"%s", what, stats, n, plural(n, "page", "pages"))
}

// unsettled reports whether a build should wait for more changes before it
// is published: it failed, it lost pages the served build has, or a layout
// or static file became empty. Right after a change these most often mean
// a file caught mid-save (truncated and not yet written, or moved away by
// an editor that writes a new copy), and publishing would flash an error,
// a not-found page or an unstyled one. (A content file caught empty fails.)
func (s *Server) unsettled(res *buildResult) bool {
	if res.err != nil {
		return true
	}
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if cur == nil {
		return false
	}
	for _, p := range cur.site.Pages() {
		if res.build.site.ByURL(p.URL) == nil {
			return true
		}
	}
	for _, name := range res.build.empty {
		if !slices.Contains(cur.empty, name) {
			return true
		}
	}
	return false
}

// plural returns one or many by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// logWarnings logs the build's warning lines that the last build did not
// have: a stale translation is said once, not at every rebuild.
func (s *Server) logWarnings(warnings []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := map[string]bool{}
	for _, w := range warnings {
		if !s.warned[w] {
			s.log.Printf("warning: %s", w)
		}
		now[w] = true
	}
	s.warned = now
}
