package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"log"
	"mime"
	"net"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Tunables of the dev server.
const (
	defaultAddr = "127.0.0.1:1313"
	// settleGrace is how long a build that failed or lost pages waits for
	// more changes before it is published (see unsettled). Good builds
	// are published at once.
	settleGrace = 100 * time.Millisecond
	// maxRequestWait bounds how long a request waits for a running rebuild
	// (and the follow-ups folded into it) before it gets the last good site.
	maxRequestWait = 10 * time.Second
	// shutdownTimeout bounds how long Ctrl-C waits for requests to finish.
	shutdownTimeout = 5 * time.Second
)

// serveOptions are the dev server's settings besides the sources.
type serveOptions struct {
	follow bool          // open the page whose Markdown was saved
	poll   time.Duration // watch by polling at this interval; 0: file system events
}

// devServer serves the site from memory while the sources change. It
// keeps the last good build; a rebuild makes a new one beside it, and the
// switch is one pointer under mu, so a request sees one whole build or the
// other, never a mix. A request that arrives while a rebuild runs waits for
// it (see site), so a browser reloading after a save gets the new page.
type devServer struct {
	cfg  *Config
	opts serveOptions
	log  *log.Logger
	hub  *hub

	buildMu sync.Mutex // serialises builds
	builder *devBuilder

	mu      sync.Mutex
	cur     *devBuild     // last good build, nil before the first
	failure string        // error of the latest build, or ""
	busy    chan struct{} // closed when the running rebuild ends; nil when idle

	settle time.Duration // settleGrace; tests change it
	builds atomic.Int64  // builds published, for tests
}

// newDevServer returns a server for cfg that logs to logw. It builds
// nothing yet: see rebuildNow and serve.
func newDevServer(cfg *Config, opts serveOptions, logw io.Writer) *devServer {
	return &devServer{
		cfg:     cfg,
		opts:    opts,
		log:     log.New(logw, "", 0),
		hub:     newHub(),
		builder: newDevBuilder(cfg),
		settle:  settleGrace,
	}
}

// serve runs the server on ln until ctx is done: it builds the site,
// watches the source folders, and rebuilds on every change. On ctx.Done it
// closes the event streams, shuts the HTTP server down (waiting at most
// shutdownTimeout for requests) and stops the watcher. It writes nothing
// to disk, so there are no files to remove.
func (s *devServer) serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()

	s.beginRebuild() // requests wait for the first build
	changes := make(chan []string)
	roots := watchRoots(s.cfg)
	if len(roots) == 0 {
		s.log.Print("using the site built into the program: there are no folders to watch")
	} else if err := startWatcher(ctx, &wg, roots, s.opts.poll, changes, s.log); err != nil {
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
func (s *devServer) beginRebuild() {
	s.mu.Lock()
	if s.busy == nil {
		s.busy = make(chan struct{})
	}
	s.mu.Unlock()
}

// endRebuild lets waiting requests through, to the newest good build.
func (s *devServer) endRebuild() {
	s.mu.Lock()
	if s.busy != nil {
		close(s.busy)
		s.busy = nil
	}
	s.mu.Unlock()
}

// site returns the build to serve and the current build error, waiting
// first for a rebuild that is running (at most maxRequestWait).
func (s *devServer) site(ctx context.Context) (*devBuild, string) {
	s.mu.Lock()
	busy := s.busy
	s.mu.Unlock()
	if busy != nil {
		t := time.NewTimer(maxRequestWait)
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
func (s *devServer) rebuild(ctx context.Context) *buildResult {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	return s.builder.build(ctx)
}

// rebuildNow rebuilds for changes and publishes the result, with requests
// held meanwhile: what the watcher's loop does for one burst of changes.
func (s *devServer) rebuildNow(ctx context.Context, changes []string) *buildResult {
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
func (s *devServer) publish(res *buildResult, changes []string) {
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
		if s.opts.follow && len(d.edited) == 1 {
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
func (s *devServer) unsettled(res *buildResult) bool {
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

// ServeHTTP serves the current build: its files, the site's not-found
// page with status 404 for anything else, and the live reload endpoints.
func (s *devServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case eventsPath:
		s.serveEvents(w, r)
		return
	case reloadJSPath:
		serveReloadJS(w, r)
		return
	}
	name, status := sitePath(r)
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	b, failure := s.site(r.Context())
	if b == nil {
		serveNoSite(w, r, failure)
		return
	}
	if data, ok := b.files[name]; ok {
		serveFile(w, r, name, data, http.StatusOK, b.id)
		return
	}
	if name == indexFile {
		data, err := b.index()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		serveFile(w, r, name, data, http.StatusOK, b.id)
		return
	}
	// A folder asked for without its slash: send the browser to it, so
	// the page's relative links resolve, as static hosts do.
	if !strings.HasSuffix(name, "/index.html") && name != "index.html" {
		if _, ok := b.files[name+"/index.html"]; ok {
			target := r.URL.EscapedPath() + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	if data, ok := b.files["404.html"]; ok {
		serveFile(w, r, "404.html", data, http.StatusNotFound, b.id)
		return
	}
	http.NotFound(w, r)
}

// sitePath returns the output file a request asks for ("404/index.html"),
// or an error status. It refuses, with 400, any path that tries to leave
// the site or disguise itself: "." and ".." segments, encoded slashes or
// backslashes, backslashes and NUL bytes; and with 404 dot files (the
// build's own marker among them) and empty segments. Files come from the
// build in memory, never from the file system, so no path can reach
// another file anyway; this check is the second wall.
func sitePath(r *http.Request) (string, int) {
	p := r.URL.Path
	if p == "" || p[0] != '/' || strings.ContainsAny(p, "\\\x00") {
		return "", http.StatusBadRequest
	}
	if esc := strings.ToLower(r.URL.EscapedPath()); strings.Contains(esc, "%2f") || strings.Contains(esc, "%5c") {
		return "", http.StatusBadRequest
	}
	segs := strings.Split(p[1:], "/")
	for i, seg := range segs {
		switch {
		case seg == "." || seg == "..":
			return "", http.StatusBadRequest
		case seg == "" && i < len(segs)-1, strings.HasPrefix(seg, "."):
			return "", http.StatusNotFound
		}
	}
	name := p[1:]
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	return name, 0
}

// contentTypes gives the Content-Type of each kind of file a site holds,
// so responses do not depend on the machine's MIME tables.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".xml":   "application/xml; charset=utf-8",
	".txt":   "text/plain; charset=utf-8",
	".md":    "text/markdown; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".avif":  "image/avif",
	".ico":   "image/x-icon",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".pdf":   "application/pdf",
	".wasm":  "application/wasm",
	".map":   "application/json",
}

// contentType returns the Content-Type of an output file: by extension,
// else from the system's table, else sniffed from the bytes.
func contentType(name string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return http.DetectContentType(data)
}

// serveFile writes one output file; an HTML page gets its build id filled
// into the dev script.
func serveFile(w http.ResponseWriter, r *http.Request, name string, data []byte, status int, build string) {
	at := -1
	if path.Ext(name) == ".html" {
		at = bytes.LastIndex(data, buildAttr)
	}
	size := len(data)
	if at >= 0 {
		size += len(build)
	}
	h := w.Header()
	h.Set("Content-Type", contentType(name, data))
	h.Set("Content-Length", strconv.Itoa(size))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	if at < 0 {
		w.Write(data)
		return
	}
	cut := at + len(buildAttr) - 1 // before the closing quote
	w.Write(data[:cut])
	io.WriteString(w, build)
	w.Write(data[cut:])
}

// serveNoSite answers while there is no good build yet: the first build
// failed (the page shows why, and reloads once it is fixed) or is taking
// longer than maxRequestWait.
func serveNoSite(w http.ResponseWriter, r *http.Request, failure string) {
	status, msg := http.StatusInternalServerError, failure
	if failure == "" {
		status, msg = http.StatusServiceUnavailable, "The site is still being built. This page reloads when it is ready."
	}
	page := "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>statusdocs: the site did not build</title>\n</head>\n<body>\n" +
		"<h1>The site did not build</h1>\n<pre>" + html.EscapeString(msg) + "</pre>\n" +
		"<p>Fix the file named above and save: this page reloads by itself.</p>\n" + devScript + "\n</body>\n</html>\n"
	serveFile(w, r, "error.html", []byte(page), status, "")
}

// isLoopback reports whether a listen host reaches only this machine:
// localhost or a loopback address. The empty host (all interfaces) does not.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkAddr refuses a listen address other machines could reach, unless
// allowRemote. The address is checked again once bound, since a name may
// resolve to anything.
func checkAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %s: %v", addr, err)
	}
	if !isLoopback(host) && !allowRemote {
		return fmt.Errorf("-addr %s: other machines could reach the dev server there; use a loopback address such as %s, or add -allow-remote", addr, defaultAddr)
	}
	return nil
}

// plural returns one or many by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// runServe is statusdocs serve: it parses the flags, checks the address,
// listens (so "address in use" is reported at once) and serves until ctx
// is done. Everything it prints goes to stderr.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var src sourceFlags
	src.register(fset)
	addr := fset.String("addr", defaultAddr, "listen on `host:port`; a host other than 127.0.0.1, ::1 or localhost needs -allow-remote")
	allowRemote := fset.Bool("allow-remote", false, "allow an -addr that other machines can reach, such as 0.0.0.0:1313 or :1313 (prints a warning: the dev server is made for your own machine)")
	var poll pollFlag
	fset.Var(&poll, "poll", "look for changes every `interval` instead of waiting for file system events, for network shares, WSL and container mounts where events do not arrive; -poll alone looks every "+defaultPoll.String()+", -poll=2s every two seconds")
	follow := fset.Bool("follow", false, "when a page's Markdown is saved, open that page in every browser showing the site")
	fset.Usage = func() {
		fmt.Fprint(stderr, `usage: statusdocs serve [flags]

Serve the site at http://`+defaultAddr+`/ while you edit it. The site is built
in memory (build/ is not touched) and rebuilt on every save under the content,
layouts and static folders; open pages reload by themselves, keeping their
scroll position, and a stylesheet change is applied without a reload. A build
error is printed as path:line: message and shown over every open page, while
the last good site stays served. Ctrl-C stops the server.

Flags:
`)
		fset.PrintDefaults()
	}
	if err := parseFlags(fset, args, stderr); err != nil {
		return err
	}
	if err := checkAddr(*addr, *allowRemote); err != nil {
		return err
	}
	content, layouts, static, err := src.sources(setFlags(fset))
	if err != nil {
		return err
	}
	prepareHeap(false)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("-addr %s: %w", *addr, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		if !*allowRemote {
			ln.Close()
			return fmt.Errorf("-addr %s: it resolves to %s, which other machines could reach; add -allow-remote to serve there", *addr, tcp.IP)
		}
		fmt.Fprintf(stderr, "warning: serving on %s, which other machines can reach: anyone who can connect sees your unpublished site\n", ln.Addr())
	}
	cfg := &Config{Content: content, Layouts: layouts, Static: static}
	return newDevServer(cfg, serveOptions{follow: *follow, poll: time.Duration(poll)}, stderr).serve(ctx, ln)
}
