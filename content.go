package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind says which layout renders a page.
type Kind int

const (
	KindHome  Kind = iota // content/_index.md
	KindClass             // content/4xx/_index.md
	KindCode              // content/4xx/404.md
	KindPlain             // any other content/**/*.md
)

// String returns the kind's layout name, as in layouts/<name>.html.
func (k Kind) String() string {
	return [...]string{"home", "class", "code", "page"}[k]
}

// Statuses lists the values allowed in a code page's status field, with the
// label the badge shows. Anything but standard is marked on the page.
var statuses = map[string]string{
	"standard":   "Standard",
	"temporary":  "Temporary registration",
	"deprecated": "Deprecated",
	"obsolete":   "Obsolete",
	"reserved":   "Reserved",
	"unofficial": "Unofficial",
}

// Spec is one defining document of a status code.
type Spec struct {
	Name string `yaml:"name" json:"name"`
	URL  string `yaml:"url" json:"url"`
}

// frontMatter is the YAML block at the top of every content file. It is
// decoded strictly: an unknown key is an error, so typos cannot pass silently.
type frontMatter struct {
	Title     string            `yaml:"title"`
	Summary   string            `yaml:"summary"`
	Status    string            `yaml:"status"`
	Spec      []Spec            `yaml:"spec"`
	Former    []string          `yaml:"former"`
	Related   []int             `yaml:"related"`
	Headers   []string          `yaml:"headers"`
	Constants map[string]string `yaml:"constants"`
	Aliases   []string          `yaml:"aliases"`
}

// Constant is one language's identifier for a status code.
type Constant struct {
	Lang  string // key in front matter, e.g. "go"
	Label string // what the page shows, e.g. "Go (net/http)"
	Ident string
}

// languages orders and names the languages a constants table may list.
// A key not listed here is an error, for the same reason as unknown keys.
var languages = []struct{ key, label string }{
	{"go", "Go (net/http)"},
	{"python", "Python (http.HTTPStatus)"},
	{"node", "Node.js (http.STATUS_CODES)"},
	{"java", "Java (HttpURLConnection)"},
	{"spring", "Java (Spring HttpStatus)"},
	{"dotnet", ".NET (HttpStatusCode)"},
	{"rust", "Rust (http::StatusCode)"},
	{"symfony", "PHP (Symfony Response)"},
	{"rails", "Ruby on Rails (Rack symbol)"},
}

// Page is one content file, loaded and with its Markdown body rendered.
type Page struct {
	Kind      Kind
	name      string // path inside the content folder, e.g. "4xx/404.md"
	src       []byte // the file, kept until the body is rendered, or nil
	bodyStart int    // offset of the body in the file, past the front matter
	File      string // path for messages, e.g. "content/4xx/404.md"
	URL       string // site-absolute, e.g. "/404/"
	Code      int    // code pages only
	Class     int    // 1–5 for class and code pages
	Title     string
	Summary   string
	Status    string // code pages only
	Spec      []Spec
	Former    []string
	Headers   []string
	Aliases   []string

	Constants []Constant
	Body      []byte // rendered HTML of the Markdown body
	Text      string // plain text of the body, for search
	Headings  []Heading

	textIsWords bool // Text is already searchWords of the text

	relatedCodes []int
	links        []internalLink

	// Set when the whole site is known.
	Related    []*Page
	Prev, Next *Page
	ClassPage  *Page   // code pages: their class
	Codes      []*Page // class pages: their codes, in order
}

// Heading is a section heading of a page's body.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// internalLink is a site-absolute link found in Markdown, checked once all
// pages are known.
type internalLink struct {
	target string // as written, e.g. "/404/#example"
	line   int
}

// ClassName returns "4xx" for a class or code page.
func (p *Page) ClassName() string {
	if p.Class == 0 {
		return ""
	}
	return strconv.Itoa(p.Class) + "xx"
}

// StatusLabel returns the badge text for the page's status.
func (p *Page) StatusLabel() string { return statuses[p.Status] }

// IsStandard reports whether the code is registered and in normal use.
func (p *Page) IsStandard() bool { return p.Status == "standard" }

// Site is all the content of one build.
type Site struct {
	Home    *Page
	Classes []*Page // class pages, 1xx to 5xx
	Codes   []*Page // code pages in numeric order
	Plain   []*Page // other pages, by URL
	Aliases []Alias

	byURL     map[string]*Page
	byCode    map[int]*Page
	aliasURLs map[string]bool

	static     map[string]bool // static and generated file names, for link checks
	sourceHash [32]byte        // of every content file, names the search index
}

// Alias is a redirect from an extra slug to a page.
type Alias struct {
	URL  string // "/not-found/"
	Page *Page
}

// Pages returns every page of the site in a stable order.
func (s *Site) Pages() []*Page {
	var all []*Page
	all = append(all, s.Home)
	all = append(all, s.Classes...)
	all = append(all, s.Codes...)
	all = append(all, s.Plain...)
	return all
}

// Code returns the page of a status code, or nil.
func (s *Site) Code(code int) *Page { return s.byCode[code] }

// ByURL returns the page at a site-absolute URL, or nil.
func (s *Site) ByURL(url string) *Page { return s.byURL[url] }

// FileError is an error at a place in a source file. Its message reads
// "path:line: what is wrong", the form editors and terminals link.
type FileError struct {
	File string
	Line int // 0 when unknown
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

func fileErrorf(file string, line int, format string, args ...any) error {
	return &FileError{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}

var (
	codeFile  = regexp.MustCompile(`^[0-9]+\.md$`)
	classDir  = regexp.MustCompile(`^[0-9]xx$`)
	slugRE    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	yamlLine  = regexp.MustCompile(`line (\d+): (.*)`)
	unknownRE = regexp.MustCompile(`field (\S+) not found in type`)
)

// classify works out a content file's kind, URL, code and class from its
// path inside the content folder. It reports misplaced code files.
func classify(name, display string) (p *Page, err error) {
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	p = &Page{File: display}
	switch {
	case name == "_index.md":
		p.Kind, p.URL = KindHome, "/"
	case base == "_index.md" && classDir.MatchString(dir):
		c := int(dir[0] - '0')
		if c < 1 || c > 5 {
			return nil, fileErrorf(display, 0, "class folder %q is not one of 1xx to 5xx", dir)
		}
		p.Kind, p.URL, p.Class = KindClass, "/"+dir+"/", c
	case codeFile.MatchString(base):
		code, err := strconv.Atoi(strings.TrimSuffix(base, ".md"))
		if err != nil || code < 100 || code > 599 {
			return nil, fileErrorf(display, 0, "status code %s is outside 100–599", strings.TrimSuffix(base, ".md"))
		}
		want := strconv.Itoa(code/100) + "xx"
		if dir != want {
			return nil, fileErrorf(display, 0, "code %d belongs in %s/, not %s/", code, want, dirOrRoot(dir))
		}
		p.Kind, p.Code, p.Class, p.URL = KindCode, code, code/100, "/"+strconv.Itoa(code)+"/"
	default:
		// A plain page may sit in a class folder, but not in a folder that
		// looks like a class and is none (6xx, 0xx).
		if classDir.MatchString(dir) && (dir[0] < '1' || dir[0] > '5') {
			return nil, fileErrorf(display, 0, "class folder %q is not one of 1xx to 5xx", dir)
		}
		p.Kind, p.URL = KindPlain, "/"+path.Join(dir, strings.TrimSuffix(base, ".md"))+"/"
		if base == "_index.md" {
			p.URL = "/" + dir + "/"
		}
	}
	return p, nil
}

func dirOrRoot(dir string) string {
	if dir == "" {
		return "content"
	}
	return dir
}

// frontMatterError turns a YAML decoding error into errors naming the file
// and line. YAML line numbers count from the first line after the opening
// "---", so they are shifted by offset to become line numbers of the file.
func frontMatterError(err error, file string, offset int) error {
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	// yaml.v3 reports one or more "line N: message" parts.
	var errs []error
	for _, m := range yamlLine.FindAllStringSubmatch(err.Error(), -1) {
		n, _ := strconv.Atoi(m[1])
		msg := m[2]
		if u := unknownRE.FindStringSubmatch(msg); u != nil {
			msg = fmt.Sprintf("unknown front matter key %q", u[1])
		} else {
			msg = "front matter: " + msg
		}
		errs = append(errs, fileErrorf(file, n+offset, "%s", msg))
	}
	if len(errs) == 0 {
		return fileErrorf(file, 1, "front matter: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return errors.Join(errs...)
}

// checkFrontMatter validates decoded front matter against the page's kind
// and copies it onto the page.
func checkFrontMatter(p *Page, fm *frontMatter) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fileErrorf(p.File, 1, format, args...)) }
	if strings.TrimSpace(fm.Title) == "" {
		bad(`missing "title" in front matter`)
	}
	if strings.TrimSpace(fm.Summary) == "" {
		bad(`missing "summary" in front matter`)
	}
	if p.Kind == KindCode {
		if fm.Status == "" {
			bad(`missing "status" in front matter (one of %s)`, statusList())
		} else if _, ok := statuses[fm.Status]; !ok {
			bad(`unknown status %q (want one of %s)`, fm.Status, statusList())
		}
		for _, s := range fm.Spec {
			if s.Name == "" || s.URL == "" {
				bad("spec entry needs both name and url")
			}
		}
	} else {
		// Code-only fields on another page are almost surely a mistake.
		for key, set := range map[string]bool{
			"status": fm.Status != "", "spec": fm.Spec != nil, "former": fm.Former != nil,
			"related": fm.Related != nil, "headers": fm.Headers != nil, "constants": fm.Constants != nil,
			"aliases": fm.Aliases != nil,
		} {
			if set {
				bad("%q is only allowed on status code pages", key)
			}
		}
	}
	for _, a := range fm.Aliases {
		if !slugRE.MatchString(a) {
			bad("alias %q must be lowercase letters, digits and single dashes", a)
		}
	}
	known := map[string]string{}
	for _, l := range languages {
		known[l.key] = l.label
	}
	for _, l := range languages {
		if id, ok := fm.Constants[l.key]; ok {
			p.Constants = append(p.Constants, Constant{Lang: l.key, Label: l.label, Ident: id})
		}
	}
	for k := range fm.Constants {
		if _, ok := known[k]; !ok {
			bad("unknown language %q in constants", k)
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	p.Title, p.Summary, p.Status = fm.Title, strings.TrimSpace(fm.Summary), fm.Status
	p.Spec, p.Former, p.Headers, p.Aliases = fm.Spec, fm.Former, fm.Headers, fm.Aliases
	p.relatedCodes = fm.Related
	return errors.Join(errs...)
}

func statusList() string {
	return "standard, temporary, deprecated, obsolete, reserved, unofficial"
}

// checkUTF8 reports the line of the first byte that is not valid UTF-8.
func checkUTF8(src []byte, file string) error {
	if utf8.Valid(src) {
		return nil
	}
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return fileErrorf(file, lineAt(src, i), "not valid UTF-8 (byte 0x%02x)", src[i])
		}
		i += n
	}
	return nil
}

// lineAt returns the 1-based line of byte offset off in src.
func lineAt(src []byte, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return 1 + bytes.Count(src[:off], []byte("\n"))
}

// listContent returns the Markdown files of fsys in lexical order.
func listContent(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".md") && !strings.HasPrefix(d.Name(), ".") {
			names = append(names, name)
		}
		return nil
	})
	return names, err
}

// link connects the pages of a site once all are loaded: it indexes them,
// checks URLs, aliases, related codes and internal links, and sets the
// neighbours each layout shows. All problems are reported together.
func link(pages []*Page, static map[string]bool) (*Site, error) {
	s := &Site{byURL: map[string]*Page{}, byCode: map[int]*Page{}, aliasURLs: map[string]bool{}}
	var errs []error
	claim := map[string]string{} // URL → file that claimed it
	for _, p := range pages {
		if prev, ok := claim[p.URL]; ok {
			errs = append(errs, fileErrorf(p.File, 0, "URL %s is already used by %s", p.URL, prev))
			continue
		}
		claim[p.URL] = p.File
		s.byURL[p.URL] = p
		switch p.Kind {
		case KindHome:
			s.Home = p
		case KindClass:
			s.Classes = append(s.Classes, p)
		case KindCode:
			s.Codes = append(s.Codes, p)
			s.byCode[p.Code] = p
		case KindPlain:
			s.Plain = append(s.Plain, p)
		}
	}
	for _, p := range pages {
		for _, a := range p.Aliases {
			u := "/" + a + "/"
			if prev, ok := claim[u]; ok {
				errs = append(errs, fileErrorf(p.File, 0, "alias %q: URL %s is already used by %s", a, u, prev))
				continue
			}
			claim[u] = p.File
			s.Aliases = append(s.Aliases, Alias{URL: u, Page: p})
			s.aliasURLs[u] = true
		}
	}
	if s.Home == nil {
		errs = append(errs, errors.New("content/_index.md: missing: the home page needs it"))
	}
	slices.SortFunc(s.Codes, func(a, b *Page) int { return a.Code - b.Code })
	slices.SortFunc(s.Classes, func(a, b *Page) int { return a.Class - b.Class })
	slices.SortFunc(s.Plain, func(a, b *Page) int { return strings.Compare(a.URL, b.URL) })
	slices.SortFunc(s.Aliases, func(a, b Alias) int { return strings.Compare(a.URL, b.URL) })

	classOf := map[int]*Page{}
	for _, c := range s.Classes {
		classOf[c.Class] = c
	}
	for i, p := range s.Codes {
		if i > 0 {
			p.Prev = s.Codes[i-1]
		}
		if i+1 < len(s.Codes) {
			p.Next = s.Codes[i+1]
		}
		c := classOf[p.Class]
		if c == nil {
			errs = append(errs, fileErrorf(p.File, 0, "class %dxx has no _index.md", p.Class))
			continue
		}
		p.ClassPage = c
		c.Codes = append(c.Codes, p)
		for _, r := range p.relatedCodes {
			rp := s.byCode[r]
			if rp == nil {
				errs = append(errs, fileErrorf(p.File, 1, "related code %d has no page", r))
				continue
			}
			p.Related = append(p.Related, rp)
		}
	}
	if err := s.checkMarkdownLinks(pages, static); err != nil {
		errs = append(errs, err)
	}
	slices.SortStableFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return s, errors.Join(errs...)
}

// checkMarkdownLinks reports each site-absolute link in the Markdown of
// pages that names no page, alias or static file, with file and line.
func (s *Site) checkMarkdownLinks(pages []*Page, static map[string]bool) error {
	var errs []error
	for _, p := range pages {
		for _, l := range p.links {
			if !s.exists(l.target, static) {
				errs = append(errs, fileErrorf(p.File, l.line, "link to %s: no such page", l.target))
			}
		}
	}
	slices.SortStableFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// exists reports whether a site-absolute link target (fragment ignored)
// names a page, an alias or a static file.
func (s *Site) exists(target string, static map[string]bool) bool {
	u, _, _ := strings.Cut(target, "#")
	u, _, _ = strings.Cut(u, "?")
	if u == "" || u == "/" {
		return true
	}
	if static[strings.TrimPrefix(u, "/")] {
		return true
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	if s.byURL[u] != nil {
		return true
	}
	return s.aliasURLs[u]
}
