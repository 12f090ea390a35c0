package devserver

import (
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The dev server's own URLs live under one prefix that no content file can
// claim by accident (content/_statusdocs.md would be needed).
const (
	eventsPath   = "/_statusdocs/events"
	reloadJSPath = "/_statusdocs/reload.js"
)

// devScript is the tag the dev server puts before </body> of every page
// (through {{.DevScript}} in layouts/base.html; a build leaves it out). The
// server fills in data-build with the build the page came from when it
// sends the page, so a browser that connects after a later rebuild learns
// at once that it shows an old page: see hub.register.
const devScript = `<script src="` + reloadJSPath + `" data-build=""></script>`

// buildAttr is the empty attribute of devScript that serving fills in.
// Markdown cannot produce it: content text has its quotes escaped.
var buildAttr = []byte(`data-build=""`)

// reloadJS is the browser side of live reload: it reloads the page keeping
// its scroll position, swaps stylesheets in place, follows edits with
// -follow, and shows build errors as an overlay.
//
//go:embed reload.js
var reloadJS []byte

// Tunables of the event streams.
const (
	// clientBuffer is how many events may wait for one slow browser before
	// the hub drops it. A dropped browser reconnects and, seeing it missed
	// a build, reloads; so dropping loses nothing.
	clientBuffer = 16
	// keepAlive is how often an idle stream gets a comment line, so
	// proxies and browsers keep it open and dead peers are noticed.
	keepAlive = 20 * time.Second
	// writeTimeout ends a stream whose browser stopped reading, so it
	// cannot hold a goroutine (and, at shutdown, the server) for long.
	writeTimeout = 10 * time.Second
	// retryMillis tells EventSource how soon to reconnect.
	retryMillis = 1000
)

// errHubClosed means the server is shutting down.
var errHubClosed = errors.New("reload hub closed")

// hub fans rebuild events out to the open event streams, one per browser
// tab. It also remembers the state browsers should be in (the latest good
// build and the current error, if any), so a stream that connects late
// starts in step; the state and the client set change under one lock, so a
// client can neither miss an event nor get one twice.
type hub struct {
	mu      sync.Mutex
	clients map[*client]struct{}
	closed  bool
	build   string // id of the build browsers should show, "" before the first
	failure string // message of the failed rebuild, or ""
}

// client is one open event stream.
type client struct {
	send chan []byte   // formatted events
	gone chan struct{} // closed when the hub drops the client or closes
}

// newHub returns a hub with no clients and no build yet.
func newHub() *hub { return &hub{clients: map[*client]struct{}{}} }

// event is one message to browsers.
type event struct {
	name string // "reload", "css", "failed" or "ok"
	data any    // marshalled as JSON
}

// reloadData tells a browser to reload, or with Follow to open that page.
type reloadData struct {
	Build  string `json:"build"`
	Follow string `json:"follow,omitempty"`
}

// cssData lists the stylesheets (site-absolute paths) that changed.
type cssData struct {
	Build string   `json:"build"`
	Files []string `json:"files"`
}

// failedData carries a build error as the terminal showed it.
type failedData struct {
	Message string `json:"message"`
}

// format returns ev in the text/event-stream format.
func (ev event) format() []byte {
	data, err := json.Marshal(ev.data)
	if err != nil {
		panic(err) // only our own plain structs are marshalled
	}
	b := make([]byte, 0, len(ev.name)+len(data)+16)
	b = append(b, "event: "...)
	b = append(b, ev.name...)
	b = append(b, "\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// register adds a client that shows the page of build since. It returns
// the events that bring the client up to date: a reload when since is not
// the current build, else the current error, if any.
func (h *hub) register(since string) (*client, []byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, errHubClosed
	}
	c := &client{send: make(chan []byte, clientBuffer), gone: make(chan struct{})}
	h.clients[c] = struct{}{}
	var first []byte
	switch {
	case since != h.build:
		first = event{"reload", reloadData{Build: h.build}}.format()
	case h.failure != "":
		first = event{"failed", failedData{h.failure}}.format()
	}
	return c, first, nil
}

// unregister removes a client; it may be called after the hub dropped it.
func (h *hub) unregister(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

// publish records the state browsers should now be in and sends ev to
// every client, returning how many got it. It never blocks: a client whose
// buffer is full is dropped.
func (h *hub) publish(build, failure string, ev event) int {
	msg := ev.format()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.build, h.failure = build, failure
	sent := 0
	for c := range h.clients {
		select {
		case c.send <- msg:
			sent++
		default:
			delete(h.clients, c)
			close(c.gone)
		}
	}
	return sent
}

// close ends every stream and refuses new ones.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		delete(h.clients, c)
		close(c.gone)
	}
}

// count returns the number of open streams.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// serveEvents streams rebuild events to one browser tab until the tab
// goes, the hub drops it, or the server shuts down. The query parameter
// build names the build the page came from.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		w.Header().Set("Content-Type", "text/event-stream")
		return
	}
	c, first, err := s.hub.register(r.URL.Query().Get("build"))
	if err != nil {
		http.Error(w, "the server is shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.unregister(c)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell proxies not to buffer
	w.WriteHeader(http.StatusOK)
	write := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(writeTimeout)) // unsupported only in tests' recorders
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write([]byte("retry: " + strconv.Itoa(retryMillis) + "\n\n")) {
		return
	}
	if first != nil && !write(first) {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case msg := <-c.send:
			if !write(msg) {
				return
			}
		case <-tick.C:
			if !write([]byte(": keep-alive\n\n")) {
				return
			}
		case <-c.gone:
			// Send what was queued before the drop, then end the stream.
			for {
				select {
				case msg := <-c.send:
					if !write(msg) {
						return
					}
				default:
					return
				}
			}
		case <-r.Context().Done():
			return
		}
	}
}

// serveReloadJS sends the browser side of live reload.
func serveReloadJS(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(reloadJS)))
	if r.Method != http.MethodHead {
		w.Write(reloadJS)
	}
}
