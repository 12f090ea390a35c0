// Package site is the third stage of a build: it loads every content file
// (through content, and render for the bodies), renders every page with
// the layouts, writes them with the static files, the search index and the
// files for hosts and machines (sitemap, JSON API, error pages), checks
// every link of the output, and swaps the new output in for the old one
// only when all of that succeeded.
package site

import (
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/statusdocs/statusdocs/internal/render"
)

// Source is one input folder: its files and the name messages use for it.
type Source struct {
	FS   fs.FS
	Name string // "content", or the path given with -content
	Dir  string // folder on disk, or "" when embedded
}

// Config says what to build and where. A build owns it: nothing about a
// build is kept in package variables.
type Config struct {
	Content, Layouts, Static Source

	Out     string // output folder
	BaseURL string // "https://example.org/docs/" (see NormalizeBaseURL), or ""
	Offline bool   // links end in index.html, for reading from disk

	HashAssets bool // name CSS and JS by content hash (builds; not serve)
	// StrictTranslations makes a stale translation an error, not a
	// warning (-strict-translations).
	StrictTranslations bool
	ErrorsOnly         bool   // write only the error pack (statusdocs errors)
	Zip                string // also pack the output into this zip file

	// Highlight says how code blocks are cached. Build names the disk
	// cache's file after the content folder when File is empty.
	Highlight render.HighlightOptions

	// Waiting, if set, is called once when another build holds the lock
	// on Out, with what the lock file says of it ("pid 1234"); the build
	// then waits for it.
	Waiting func(holder string)

	// wrapOutput, in tests, wraps the folder output, to inject faults.
	wrapOutput func(Output) Output

	// noStream renders every body before writing any page: the
	// straightforward path that tests compare the streaming one with.
	noStream bool
}

// Result summarises a build.
type Result struct {
	Pages int // of every edition
	Langs int // editions
	// Warnings are problems that do not fail the build, one line each:
	// stale translations, pages not translated yet.
	Warnings []string
	Static   int
	Elapsed  time.Duration
	// Cached and Lexed count the code blocks that came from the highlight
	// cache and those that chroma's lexers highlighted afresh.
	Cached, Lexed int64
	// CacheErr is why the highlight cache could not be saved, or nil. The
	// build itself succeeded.
	CacheErr error
}

// NormalizeBaseURL checks a -base-url value and gives it a trailing slash.
func NormalizeBaseURL(s string) (string, error) {
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
