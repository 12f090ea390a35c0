package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/html"
)

// linkIndex collects, for every output file, whether it exists and, for
// HTML, its anchors and links; check then resolves every link.
type linkIndex struct {
	mu    sync.Mutex
	files map[string]bool
	ids   map[string]map[string]bool
	links map[string][]string
}

func newLinkIndex() *linkIndex {
	return &linkIndex{files: map[string]bool{}, ids: map[string]map[string]bool{}, links: map[string][]string{}}
}

// add records one output file; HTML files are scanned. Safe for
// concurrent use.
func (x *linkIndex) add(name string, data []byte) { x.addPage(name, data, nil) }

// addName records an output file that is not HTML, before it is written.
func (x *linkIndex) addName(name string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.files[name] = true
}

// addPage is add for a page holding the rendered Markdown body.
func (x *linkIndex) addPage(name string, data, body []byte) {
	var ids map[string]bool
	var links []string
	isHTML := strings.HasSuffix(name, ".html")
	if isHTML {
		scan := withoutCodeBlocks(data, body)
		ids, links = scanHTML(scan)
		if len(scan) != len(data) {
			scanPool.Put(&scan)
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.files[name] = true
	if isHTML {
		x.ids[name], x.links[name] = ids, links
	}
}

// check resolves every internal link and #anchor as a browser would, and
// reports each that points nowhere, naming the page and the link.
// External links are not followed. Root-absolute links ("/style.css", used
// by 404.html without -base-url) and links under base (with -base-url)
// are resolved from the site root.
func (x *linkIndex) check(base string) error {
	var errs []error
	for from, links := range x.links {
		for _, link := range links {
			if msg := resolveLink(from, link, base, x.files, x.ids); msg != "" {
				errs = append(errs, fmt.Errorf("%s: broken link %q: %s", from, link, msg))
			}
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	if len(errs) > 0 {
		return fmt.Errorf("checking links in the output:\n%w", errors.Join(errs...))
	}
	return nil
}

// preOpen starts every block highlight writes.
var preOpen = []byte(`<pre class="chroma"`)

// scanPool holds the buffers withoutCodeBlocks copies pages into.
var scanPool = sync.Pool{New: func() any { b := []byte(nil); return &b }}

// withoutCodeBlocks returns page without the highlighted code blocks of
// body, the page's Markdown body, or page itself. Code blocks hold only
// spans, neither ids nor links, but are most of a page's tags: skipping
// them saves a good part of the scan. Only blocks inside the body are cut:
// goldmark renders it with raw HTML left out and code escaped, so there
// every "<pre class="chroma"" is one of highlight's, ending at the first
// "</pre>"; in the layouts' part of the page the text could be anything.
func withoutCodeBlocks(page, body []byte) []byte {
	if len(body) == 0 || !bytes.Contains(body, preOpen) {
		return page
	}
	off := bytes.Index(page, body)
	if off < 0 {
		return page
	}
	out := (*scanPool.Get().(*[]byte))[:0]
	out = append(out, page[:off]...)
	rest := body
	for {
		i := bytes.Index(rest, preOpen)
		if i < 0 {
			break
		}
		j := bytes.Index(rest[i:], []byte("</pre>"))
		if j < 0 {
			break
		}
		out = append(out, rest[:i]...)
		rest = rest[i+j+len("</pre>"):]
	}
	out = append(out, rest...)
	return append(out, page[off+len(body):]...)
}

// scanHTML returns the ids of an HTML page and the links it holds: href of
// a and link, src of script and img, and the target of a meta refresh.
func scanHTML(data []byte) (ids map[string]bool, links []string) {
	ids = map[string]bool{}
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return ids, links
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		var refresh bool
		var content string
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			switch key := string(k); {
			case key == "id":
				ids[string(v)] = true
			case key == "name" && string(name) == "a":
				ids[string(v)] = true
			case key == "href" && (string(name) == "a" || string(name) == "link"),
				key == "src" && (string(name) == "script" || string(name) == "img"):
				links = append(links, string(v))
			case key == "http-equiv" && strings.EqualFold(string(v), "refresh"):
				refresh = true
			case key == "content":
				content = string(v)
			}
		}
		if refresh {
			if _, u, ok := strings.Cut(content, "url="); ok {
				links = append(links, strings.TrimSpace(u))
			}
		}
	}
}

// resolveLink returns why link, found in the page from, points nowhere, or
// "" when it is fine or not ours to check.
func resolveLink(from, link, base string, files map[string]bool, ids map[string]map[string]bool) string {
	if base != "" && strings.HasPrefix(link, base) {
		link = "/" + strings.TrimPrefix(link, base)
	}
	u, err := url.Parse(link)
	if err != nil {
		return "not a valid URL"
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(link, "//") {
		return "" // external
	}
	target := from
	if u.Path != "" {
		if strings.HasPrefix(u.Path, "/") {
			target = path.Clean(strings.TrimPrefix(u.Path, "/"))
		} else {
			target = path.Join(path.Dir(from), u.Path)
		}
		if target == "." || strings.HasSuffix(u.Path, "/") {
			target = path.Join(target, "index.html")
		}
		if target == ".." || strings.HasPrefix(target, "../") {
			return "leads out of the site"
		}
		if !files[target] {
			if files[path.Join(target, "index.html")] {
				target = path.Join(target, "index.html")
			} else {
				return "no such file " + target
			}
		}
	}
	if u.Fragment != "" && strings.HasSuffix(target, ".html") && !ids[target][u.Fragment] {
		return fmt.Sprintf("%s has no anchor #%s", target, u.Fragment)
	}
	return ""
}
