package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/html"
)

// checkLinks checks every internal link and #anchor of the HTML files under
// root, as a browser would resolve them, and reports each that points
// nowhere, naming the page and the link. External links are not followed.
// Root-absolute links ("/style.css", used by 404.html without -base-url) and
// links under base (with -base-url) are resolved from the site root.
func checkLinks(root string, base string) error {
	fsys := os.DirFS(root)
	names, err := listFiles(fsys)
	if err != nil {
		return err
	}
	files := map[string]bool{}
	var pages []string
	for _, n := range names {
		files[n] = true
		if strings.HasSuffix(n, ".html") {
			pages = append(pages, n)
		}
	}
	type scanned struct {
		ids   map[string]bool
		links []string
		err   error
	}
	results := make([]scanned, len(pages))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, name := range pages {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				results[i].err = err
				return
			}
			results[i].ids, results[i].links = scanHTML(data)
		}()
	}
	wg.Wait()
	ids := map[string]map[string]bool{}
	for i, name := range pages {
		if results[i].err != nil {
			return results[i].err
		}
		ids[name] = results[i].ids
	}
	var errs []error
	for i, from := range pages {
		for _, link := range results[i].links {
			if msg := resolveLink(from, link, base, files, ids); msg != "" {
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
