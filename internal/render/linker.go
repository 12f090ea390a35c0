package render

import "strings"

// Linker turns the site-absolute URLs that content and layouts use
// ("/404/", "/style.css") into the links the output holds: relative to the
// page, so the site works at any base path, and ending in index.html when
// the site is built to be read from disk. A build owns one.
type Linker struct {
	offline bool              // link to files: "../404/index.html"
	baseURL string            // "https://example.org/docs/", or "" for none
	assets  map[string]string // logical static name → output name (hashed)
}

// NewLinker returns a linker for a site read from disk (offline) or served,
// under baseURL (with its trailing slash) or, when it is "", anywhere.
func NewLinker(offline bool, baseURL string) *Linker {
	return &Linker{offline: offline, baseURL: baseURL}
}

// SetAssets makes links to the logical names of static files ("/style.css")
// name their output files instead ("/style.1a2b3c4d.css"). It must be
// called before the pages that link to them are rendered.
func (lk *Linker) SetAssets(assets map[string]string) { lk.assets = assets }

// Offline reports whether links name files, for reading from disk.
func (lk *Linker) Offline() bool { return lk.offline }

// BaseURL returns the URL the site is served from, or "".
func (lk *Linker) BaseURL() string { return lk.baseURL }

// Rel returns the link from the page at from (a site-absolute directory
// URL such as "/404/") to target (site-absolute, maybe with a fragment).
// Other targets are returned as they are.
func (lk *Linker) Rel(from, target string) string {
	if !isSiteAbsolute(target) {
		return target
	}
	target = lk.Asset(target)
	path, frag, hasFrag := strings.Cut(target, "#")
	if lk.offline && strings.HasSuffix(path, "/") {
		path += "index.html"
	}
	out := strings.TrimPrefix(RootPrefix(from)+strings.TrimPrefix(path, "/"), "./")
	if out == "" {
		out = "./"
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// RootPrefix returns the link from the page at from to the site root,
// ending in "/": "./" from "/", "../" from "/404/".
func RootPrefix(from string) string {
	if depth := strings.Count(from, "/") - 1; depth > 0 {
		return strings.Repeat("../", depth)
	}
	return "./"
}

// Abs returns the absolute URL of a site-absolute path under the base URL,
// or "" when no base URL was given.
func (lk *Linker) Abs(target string) string {
	if lk.baseURL == "" {
		return ""
	}
	return strings.TrimSuffix(lk.baseURL, "/") + lk.Asset(target)
}

// Asset maps a static file's site-absolute name to its output name.
func (lk *Linker) Asset(target string) string {
	if lk.assets == nil {
		return target
	}
	path, frag, hasFrag := strings.Cut(target, "#")
	if out, ok := lk.assets[path]; ok {
		path = out
	}
	if hasFrag {
		return path + "#" + frag
	}
	return path
}

func isSiteAbsolute(u string) bool {
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//")
}
