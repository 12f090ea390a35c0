package main

import (
	"fmt"
	"net/url"
	"strings"
)

// linker turns the site-absolute URLs that content and layouts use
// ("/404/", "/style.css") into the links the output holds: relative to the
// page, so the site works at any base path, and ending in index.html when
// the site is built to be read from disk.
type linker struct {
	offline bool              // link to files: "../404/index.html"
	baseURL string            // "https://example.org/docs/", or "" for none
	assets  map[string]string // logical static name → output name (hashed)
}

// rel returns the link from the page at from (a site-absolute directory
// URL such as "/404/") to target (site-absolute, maybe with a fragment).
func (lk *linker) rel(from, target string) string {
	if !isSiteAbsolute(target) {
		return target
	}
	target = lk.asset(target)
	path, frag, hasFrag := strings.Cut(target, "#")
	if lk.offline && strings.HasSuffix(path, "/") {
		path += "index.html"
	}
	out := strings.TrimPrefix(rootPrefix(from)+strings.TrimPrefix(path, "/"), "./")
	if out == "" {
		out = "./"
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// rootPrefix returns the link from the page at from to the site root,
// ending in "/": "./" from "/", "../" from "/404/".
func rootPrefix(from string) string {
	if depth := strings.Count(from, "/") - 1; depth > 0 {
		return strings.Repeat("../", depth)
	}
	return "./"
}

// abs returns the absolute URL of a site-absolute path under the base URL,
// or "" when no base URL was given.
func (lk *linker) abs(target string) string {
	if lk.baseURL == "" {
		return ""
	}
	return strings.TrimSuffix(lk.baseURL, "/") + lk.asset(target)
}

// asset maps a static file's site-absolute name to its output name.
func (lk *linker) asset(target string) string {
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

// normalizeBaseURL checks a -base-url value and gives it a trailing slash.
func normalizeBaseURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("-base-url %q: want an absolute http(s) URL such as https://example.org/docs/", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}
