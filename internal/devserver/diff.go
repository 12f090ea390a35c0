package devserver

import (
	"bytes"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/statusdocs/statusdocs/internal/content"
)

// sameShape reports whether two sites have the same pages and aliases at
// the same URLs, and the same home and class front matter: what decides
// the structure every page shows.
func sameShape(a, b *content.Site) bool {
	if len(a.Editions) != len(b.Editions) {
		return false
	}
	for i := range a.Editions {
		if a.Editions[i] != a && (a.Editions[i].Lang != b.Editions[i].Lang || !sameShape1(a.Editions[i], b.Editions[i])) {
			return false
		}
	}
	return sameShape1(a, b)
}

func sameShape1(a, b *content.Site) bool {
	pa, pb := a.Pages(), b.Pages()
	if len(pa) != len(pb) || len(a.Aliases) != len(b.Aliases) {
		return false
	}
	for i := range pa {
		if pa[i].URL != pb[i].URL || pa[i].Kind != pb[i].Kind {
			return false
		}
		if (pa[i].Kind == content.KindHome || pa[i].Kind == content.KindClass) && !sameMeta(pa[i], pb[i]) {
			return false
		}
	}
	for i := range a.Aliases {
		if a.Aliases[i].URL != b.Aliases[i].URL || a.Aliases[i].Page.URL != b.Aliases[i].Page.URL {
			return false
		}
	}
	return true
}

// sameMeta reports whether two loads of a page have the same front matter
// and file: everything of a page other pages may show.
func sameMeta(a, b *content.Page) bool {
	return a.File == b.File && a.URL == b.URL && a.Kind == b.Kind && a.Code == b.Code && a.Class == b.Class &&
		a.Untranslated == b.Untranslated && slices.EqualFunc(a.Senders, b.Senders, sameSender) &&
		a.Title == b.Title && a.Summary == b.Summary && a.Status == b.Status &&
		slices.Equal(a.Spec, b.Spec) && slices.Equal(a.Former, b.Former) && slices.Equal(a.Headers, b.Headers) &&
		slices.Equal(a.Aliases, b.Aliases) && slices.Equal(a.Constants, b.Constants) &&
		slices.Equal(a.RelatedCodes, b.RelatedCodes) &&
		a.Cacheable == b.Cacheable && reflect.DeepEqual(a.Redirect, b.Redirect) &&
		slices.Equal(a.GuideCodes, b.GuideCodes) && slices.Equal(a.Columns, b.Columns) &&
		reflect.DeepEqual(a.Tree, b.Tree) && slices.Equal(urls(a.Guides), urls(b.Guides))
}

// urls returns the URLs of pages, to compare lists of them across loads.
func urls(ps []*content.Page) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.URL
	}
	return out
}

func sameSender(a, b content.Sender) bool {
	return a.By == b.By && a.Tell == b.Tell && slices.Equal(a.Products, b.Products)
}

// sameBody reports whether two loads of a page have the same body.
// A translation gone stale shows a notice on itself only: a change of its
// body, not of what other pages show of it.
func sameBody(a, b *content.Page) bool {
	return a.Stale == b.Stale && bytes.Equal(a.Body, b.Body) && a.Text == b.Text && slices.Equal(a.Headings, b.Headings)
}

// samePage reports whether two loads of a page are alike in every way its
// content file decides.
func samePage(a, b *content.Page) bool { return sameMeta(a, b) && sameBody(a, b) }

// buildDiff is how a build differs from the one browsers show.
type buildDiff struct {
	changed []string // output files whose bytes changed, added or removed
	edited  []string // URLs of pages whose content file changed, or that are new
	removed []string // URLs of pages that are gone
}

// diffBuilds compares a new build with the one served before.
func diffBuilds(old, cur *devBuild) buildDiff {
	d := buildDiff{changed: changedFiles(old.files, cur.files)}
	for _, p := range cur.site.AllPages() {
		o := old.site.Find(p.URL)
		if p.Source != nil {
			// A page of another edition was edited when its translation
			// was: one shown untranslated, or changed through the facts of
			// the page it translates, is that page's edit.
			if !p.Untranslated && (o == nil || o.TextHash != p.TextHash) {
				d.edited = append(d.edited, p.URL)
			}
			continue
		}
		if o == nil || !samePage(o, p) {
			d.edited = append(d.edited, p.URL)
		}
	}
	for _, p := range old.site.AllPages() {
		if cur.site.Find(p.URL) == nil {
			d.removed = append(d.removed, p.URL)
		}
	}
	return d
}

// changedFiles returns the output files that differ between two builds,
// sorted. Files copied from the old build share their bytes, so comparing
// them costs nothing.
func changedFiles(old, cur map[string][]byte) []string {
	var changed []string
	for name, data := range cur {
		if o, ok := old[name]; !ok || !bytes.Equal(o, data) {
			changed = append(changed, name)
		}
	}
	for name := range old {
		if _, ok := cur[name]; !ok {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed)
	return changed
}

// onlyCSS reports whether every changed file is a stylesheet, so browsers
// can swap stylesheets instead of reloading.
func onlyCSS(changed []string) bool {
	for _, name := range changed {
		if path.Ext(name) != ".css" {
			return false
		}
	}
	return len(changed) > 0
}

// describeChanges names what changed for the log line: one file and how
// many more. It names a file with an extension if there is one: names
// without are mostly tools' temporary files (sed -i), gone by now.
func describeChanges(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	first := names[0]
	for _, name := range names {
		if path.Ext(name) != "" {
			first = name
			break
		}
	}
	if len(names) == 1 {
		return first
	}
	return fmt.Sprintf("%s and %d more", first, len(names)-1)
}

// cssPaths returns the site-absolute paths of changed stylesheets.
func cssPaths(changed []string) []string {
	out := make([]string, len(changed))
	for i, name := range changed {
		out[i] = "/" + strings.TrimPrefix(name, "/")
	}
	return out
}
