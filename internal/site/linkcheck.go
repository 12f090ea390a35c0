package site

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

// addPage is add for a page holding the rendered Markdown body. The
// layouts' part of the page is tokenised; the body, half of a page and
// most of its tags, is scanned by scanGenerated where it can be.
func (x *linkIndex) addPage(name string, data, body []byte) {
	var ids map[string]bool
	var links []string
	isHTML := strings.HasSuffix(name, ".html")
	if isHTML {
		ids, links = scanPage(data, body)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.files[name] = true
	if isHTML {
		x.ids[name], x.links[name] = ids, links
	}
}

// scanPage returns what scanHTML(page) does. html/template inserts a body
// verbatim only where the page's HTML reads text, so the layout's parts
// before and after it tokenise alone as within the page, and the body,
// goldmark's output, is complete tags and comments.
func scanPage(page, body []byte) (map[string]bool, []string) {
	off := -1
	if len(body) > 0 {
		off = bytes.Index(page, body)
	}
	if off < 0 {
		return scanHTML(page)
	}
	ids := map[string]bool{}
	links := scanHTMLInto(page[:off], ids, nil)
	if more, ok := scanGenerated(body, ids, links); ok {
		links = more
	} else {
		links = scanHTMLInto(body, ids, links)
	}
	return ids, scanHTMLInto(page[off+len(body):], ids, links)
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

// scanGenerated is scanHTMLInto for HTML that goldmark rendered with raw
// HTML left out: there every "<" opens a tag, an end tag or a comment,
// attribute names are lower case and values double-quoted, and text holds
// no "<", so tags are found with IndexByte instead of tokenising the text
// (a page's body took half of a page's scan, highlighted code included).
// ok is false, and the caller tokenises, wherever that does not hold or an
// attribute value holds a character reference other than goldmark's own.
// TestScanGenerated holds it to scanHTML.
func scanGenerated(data []byte, ids map[string]bool, links []string) (_ []string, ok bool) {
	for {
		i := bytes.IndexByte(data, '<')
		if i < 0 {
			return links, true
		}
		data = data[i+1:]
		switch {
		case bytes.HasPrefix(data, []byte("!--")):
			end := bytes.Index(data[3:], []byte("-->"))
			if end < 0 {
				return nil, false
			}
			data = data[3+end+3:]
			continue
		case len(data) > 0 && data[0] == '/':
			end := bytes.IndexByte(data, '>')
			if end < 0 {
				return nil, false
			}
			data = data[end+1:]
			continue
		}
		n := 0
		for n < len(data) && (data[n] >= 'a' && data[n] <= 'z' || data[n] >= '0' && data[n] <= '9') {
			n++
		}
		if n == 0 || data[0] < 'a' || data[0] > 'z' {
			return nil, false
		}
		tag := string(data[:n])
		switch tag {
		case "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext", "meta":
			return nil, false // raw text, or a refresh: the tokenizer's business
		}
		data = data[n:]
		for {
			for len(data) > 0 && data[0] == ' ' {
				data = data[1:]
			}
			if len(data) == 0 {
				return nil, false
			}
			if data[0] == '>' {
				data = data[1:]
				break
			}
			if data[0] == '/' && len(data) > 1 && data[1] == '>' {
				data = data[2:]
				break
			}
			k := 0
			for k < len(data) && (data[k] >= 'a' && data[k] <= 'z' || data[k] == '-') {
				k++
			}
			if k == 0 || k == len(data) {
				return nil, false
			}
			key := string(data[:k])
			data = data[k:]
			var val []byte
			switch data[0] {
			case '=':
				if len(data) < 2 || data[1] != '"' {
					return nil, false
				}
				end := bytes.IndexByte(data[2:], '"')
				if end < 0 {
					return nil, false
				}
				val = data[2 : 2+end]
				data = data[2+end+1:]
				if bytes.IndexByte(val, '&') >= 0 {
					if v, ok := goldmarkUnescape(val); ok {
						val = v
					} else {
						return nil, false
					}
				}
			case ' ', '>', '/':
			default:
				return nil, false
			}
			switch {
			case key == "id", key == "name" && tag == "a":
				ids[string(val)] = true
			case key == "href" && (tag == "a" || tag == "link"), key == "src" && (tag == "script" || tag == "img"):
				links = append(links, string(val))
			}
		}
	}
}

// goldmarkUnescape undoes the character references goldmark writes in
// attribute values (&amp; &lt; &gt; &quot;); ok is false for any other.
func goldmarkUnescape(v []byte) ([]byte, bool) {
	out := make([]byte, 0, len(v))
	for len(v) > 0 {
		i := bytes.IndexByte(v, '&')
		if i < 0 {
			return append(out, v...), true
		}
		out = append(out, v[:i]...)
		v = v[i:]
		switch {
		case bytes.HasPrefix(v, []byte("&amp;")):
			out, v = append(out, '&'), v[5:]
		case bytes.HasPrefix(v, []byte("&lt;")):
			out, v = append(out, '<'), v[4:]
		case bytes.HasPrefix(v, []byte("&gt;")):
			out, v = append(out, '>'), v[4:]
		case bytes.HasPrefix(v, []byte("&quot;")):
			out, v = append(out, '"'), v[6:]
		default:
			return nil, false
		}
	}
	return out, true
}

// scanHTML returns the ids of an HTML page and the links it holds: href of
// a and link, src of script and img, and the target of a meta refresh.
func scanHTML(data []byte) (ids map[string]bool, links []string) {
	ids = map[string]bool{}
	return ids, scanHTMLInto(data, ids, nil)
}

// scanHTMLInto is scanHTML adding to ids and links.
func scanHTMLInto(data []byte, ids map[string]bool, links []string) []string {
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return links
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
