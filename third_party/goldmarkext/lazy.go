package extension

// This file is statusdocs's, not goldmark's (see README.md). Upstream
// compiles linkify's two URL expressions when the program starts; their
// {1,256} repetitions make that ~4 ms, the largest package initialisation
// of statusdocs, paid by every run whether or not a page holds a bare URL.
// Here they compile on first use.

import (
	"regexp"
	"sync"
)

var (
	linkifyOnce                        sync.Once
	defaultURLRegexp, defaultWWWRegexp *regexp.Regexp
)

func defaultLinkifyRegexps() {
	linkifyOnce.Do(func() {
		defaultURLRegexp = regexp.MustCompile(urlRegexpSource)
		defaultWWWRegexp = regexp.MustCompile(wwwURLRegxpSource)
	})
}

// urlRegexp returns the configured expression for URLs, or upstream's.
func (s *linkifyParser) urlRegexp() *regexp.Regexp {
	if s.LinkifyConfig.URLRegexp != nil {
		return s.LinkifyConfig.URLRegexp
	}
	defaultLinkifyRegexps()
	return defaultURLRegexp
}

// wwwRegexp returns the configured expression for www. addresses, or
// upstream's.
func (s *linkifyParser) wwwRegexp() *regexp.Regexp {
	if s.LinkifyConfig.WWWRegexp != nil {
		return s.LinkifyConfig.WWWRegexp
	}
	defaultLinkifyRegexps()
	return defaultWWWRegexp
}
