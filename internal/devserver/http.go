package devserver

import (
	"bytes"
	"html"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// ServeHTTP serves the current build: its files, the site's not-found
// page with status 404 for anything else, and the live reload endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	b, failure := s.current(r.Context())
	if b == nil {
		serveNoSite(w, r, failure)
		return
	}
	if data, ok := b.files[name]; ok {
		serveFile(w, r, name, data, http.StatusOK, b.id)
		return
	}
	if index := b.indexes[name]; index != nil {
		data, err := index()
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
	// Under an edition's folder, its own not-found page (zh-cn/404.html).
	if dir, _, ok := strings.Cut(name, "/"); ok && b.site.Edition(dir) != nil {
		if data, ok := b.files[dir+"/404.html"]; ok {
			serveFile(w, r, dir+"/404.html", data, http.StatusNotFound, b.id)
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
