// Package errorserver is statusdocs serve-errors: a small production
// server for the error pack that speaks Kubernetes ingress-nginx's
// custom-errors protocol. The ingress controller, when a backend answers
// with a code listed in custom-http-errors, asks its default backend for
// the page instead, passing what it knows in headers: X-Code (the status),
// X-Format (the client's Accept), X-Original-URI, X-Request-ID and others.
// The server answers with that status, in the format the client wants
// (HTML, JSON or text) and its language, filled with the request id and
// time, and never cached. It shares no code with the dev server.
package errorserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"iter"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/statusdocs/statusdocs/internal/site"
)

// Server answers error-page requests from a pack held in memory.
type Server struct {
	langs []string                     // "en" first: the default
	files map[string]map[string][]byte // language → file name → bytes
	now   func() time.Time
}

// New returns a server of the pack files (404.html, 4xx.json, …; a
// language's files under its tag, zh-cn/404.html). It refuses a pack
// without the class fallbacks, which answer every code without a page.
func New(files map[string][]byte) (*Server, error) {
	s := &Server{langs: []string{"en"}, files: map[string]map[string][]byte{"en": {}}, now: time.Now}
	for name, data := range files {
		lang, base := "en", name
		if i := strings.IndexByte(name, '/'); i >= 0 {
			lang, base = strings.ToLower(name[:i]), name[i+1:]
			if s.files[lang] == nil {
				s.files[lang] = map[string][]byte{}
				s.langs = append(s.langs, lang)
			}
		}
		s.files[lang][base] = data
	}
	slices.Sort(s.langs[1:]) // "en" first, the rest in a fixed order
	for _, lang := range s.langs {
		for _, f := range []string{"4xx.html", "4xx.json", "4xx.txt", "5xx.html", "5xx.json", "5xx.txt"} {
			if s.files[lang][f] == nil {
				return nil, fmt.Errorf("error pack: no %s%s (is it a pack written by statusdocs errors, or a build's errors/ folder?)", langDir(lang), f)
			}
		}
		for _, f := range []string{"4xx.txt", "5xx.txt"} {
			if !bytes.HasPrefix(s.files[lang][f], []byte(f[:3]+" ")) {
				return nil, fmt.Errorf("error pack: %s%s does not start with %q", langDir(lang), f, f[:3]+" ")
			}
		}
	}
	return s, nil
}

func langDir(lang string) string {
	if lang == "en" {
		return ""
	}
	return lang + "/"
}

// formats are what the server can answer with, preferred in this order
// when the client accepts several equally.
var formats = []struct{ ext, mime, ctype string }{
	{"html", "text/html", "text/html; charset=utf-8"},
	{"json", "application/json", "application/json"},
	{"txt", "text/plain", "text/plain; charset=utf-8"},
}

// codePath is a request for a code by path: /503, /503.json.
var codePath = regexp.MustCompile(`^/([45][0-9][0-9])(?:\.(html|json|txt))?$`)

// maxSlot bounds what of a request header reaches a page.
const maxSlot = 128

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	header := strings.TrimSpace(r.Header.Get("X-Code"))
	pathExt := ""
	if header == "" {
		// Proxies that name the code in the path instead (Traefik's
		// errors middleware: query "/{status}"), with an optional format.
		if m := codePath.FindStringSubmatch(r.URL.Path); m != nil {
			header, pathExt = m[1], m[2]
		}
	}
	code, err := strconv.Atoi(header)
	if err != nil || code < 400 || code > 599 {
		// What ingress-nginx's own default backend does. Other codes are
		// not errors: a 1xx would be sent as interim and then 200, a 101 as
		// an upgrade.
		code = http.StatusNotFound
	}
	accept := r.Header.Get("X-Format")
	if accept == "" {
		accept = r.Header.Get("Accept")
	}
	f := formats[negotiate(accept)]
	for _, g := range formats {
		if pathExt != "" && g.ext == pathExt {
			f = g
		}
	}
	lang := s.language(r.Header.Get("Accept-Language"))
	files := s.files[lang]
	name := strconv.Itoa(code)
	body, ok := files[name+"."+f.ext]
	fallback := !ok
	if fallback {
		name = "5xx"
		if code/100 == 4 {
			name = "4xx"
		}
		body = files[name+"."+f.ext]
	}
	reqID := slot(r.Header.Get("X-Request-ID"))
	switch f.ext {
	case "html":
		body = bytes.ReplaceAll(body, []byte(site.SlotRequestID), []byte(html.EscapeString(reqID)))
		body = bytes.ReplaceAll(body, []byte(site.SlotHost), []byte(html.EscapeString(slot(r.Host))))
		body = bytes.ReplaceAll(body, []byte(site.SlotTime), []byte(s.now().UTC().Format(time.RFC3339)))
	case "json":
		var j site.ErrorJSON
		if err := json.Unmarshal(body, &j); err == nil {
			j.Code = &code
			if reqID != "" {
				j.RequestID = &reqID
			}
			body, _ = json.MarshalIndent(j, "", "  ")
			body = append(body, '\n')
		}
	case "txt":
		if fallback {
			body = append([]byte(strconv.Itoa(code)), body[3:]...) // "4xx Client errors" → "456 Client errors"
		}
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", lang)
	h.Set("Vary", "Accept, Accept-Language")
	h.Set("X-Content-Type-Options", "nosniff")
	if f.ext == "html" {
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	}
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// slot is a header value as it may appear on a page: valid UTF-8, no
// control characters, at most maxSlot bytes. Escaping is the caller's.
func slot(v string) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	v = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, v)
	if len(v) > maxSlot {
		v = v[:maxSlot]
		for !utf8.ValidString(v) {
			v = v[:len(v)-1]
		}
	}
	return strings.TrimSpace(v)
}

// weighted yields the values of an Accept-style header, lower-cased, with
// their q (1 where none is given), in order.
func weighted(header string) iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for part := range strings.SplitSeq(header, ",") {
			v, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				if k, qv, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
					if f, err := strconv.ParseFloat(qv, 64); err == nil {
						q = f
					}
				}
			}
			if !yield(strings.ToLower(strings.TrimSpace(v)), q) {
				return
			}
		}
	}
}

// negotiate returns the index in formats of the best match for an Accept
// header: the highest q, ties to the earlier format; HTML when nothing
// matches, as a browser that sends no Accept should see a page.
func negotiate(accept string) int {
	best, bestQ := 0, -1.0
	for mt, q := range weighted(accept) {
		if q <= 0 {
			continue
		}
		for i, f := range formats {
			typ, _, _ := strings.Cut(f.mime, "/")
			match := mt == f.mime || mt == typ+"/*" || (mt == "*/*" && i == 0) ||
				(f.ext == "json" && strings.HasSuffix(mt, "+json") && strings.HasPrefix(mt, "application/"))
			if match && (q > bestQ || (q == bestQ && i < best)) {
				best, bestQ = i, q
			}
		}
	}
	return best
}

// language picks the pack's language for an Accept-Language header:
// exact tag first, then primary subtag ("zh" for "zh-cn"), by q; else the
// default.
func (s *Server) language(header string) string {
	best, bestQ := s.langs[0], 0.0
	for tag, q := range weighted(header) {
		if q <= bestQ || tag == "" {
			continue
		}
		match := ""
		for _, l := range s.langs { // the exact tag first, then one of its language
			if l == tag {
				match = l
				break
			}
			if match == "" && strings.SplitN(l, "-", 2)[0] == strings.SplitN(tag, "-", 2)[0] {
				match = l
			}
		}
		if match != "" {
			best, bestQ = match, q
		}
	}
	return best
}

// Serve answers on ln until ctx is done, then shuts down gracefully:
// requests in flight finish (for at most shutdownTimeout), new ones are
// refused. Headers are capped at 64 KiB (larger get 431 from net/http).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return serveHandler(ctx, ln, s)
}

func serveHandler(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && serr != nil {
		return serr
	}
	return err
}

const shutdownTimeout = 10 * time.Second
