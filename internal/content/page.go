// Package content is the first stage of a build: it reads content files
// (YAML front matter, then Markdown), checks them, and links them into a
// Site: the home page, class pages, code pages and plain pages, with
// every page's neighbours known. It parses no Markdown; render does.
package content

import (
	"fmt"
	"strconv"
)

// Kind says which layout renders a page.
type Kind int

const (
	KindHome   Kind = iota // content/_index.md
	KindClass              // content/4xx/_index.md
	KindCode               // content/4xx/404.md
	KindPlain              // any other content/**/*.md
	KindGuide              // content/guides/redirects.md
	KindGuides             // content/guides/_index.md
)

// String returns the kind's layout name, as in layouts/<name>.html.
func (k Kind) String() string {
	return [...]string{"home", "class", "code", "page", "guide", "guides"}[k]
}

// statuses lists the values allowed in a code page's status field, with the
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

// Constant is one language's identifier for a status code.
type Constant struct {
	Lang  string // key in front matter, e.g. "go"
	Label string // what the page shows, e.g. "Go (net/http)"
	Ident string
	// Since is the first version of the language or library that has
	// Ident, for a name that is newer than the versions still in use
	// ("3.13" for Python's HTTPStatus.CONTENT_TOO_LARGE); Earlier is the
	// name those older versions use, if any. Both come from a suffix in the
	// front matter: "HTTPStatus.CONTENT_TOO_LARGE (3.13+, earlier
	// HTTPStatus.REQUEST_ENTITY_TOO_LARGE)".
	Since   string
	Earlier string
	// Removed is the version that no longer has Ident, for a name that
	// versions still in use have: "HttpStatus.USE_PROXY (removed in 7.0)".
	Removed string
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

// Page is one content file. Parse fills in what its path and front matter
// say; render fills in the body; Link fills in the neighbours.
type Page struct {
	Kind      Kind
	Path      string // inside the content folder, e.g. "4xx/404.md"
	Src       []byte // the file, kept until the body is rendered, or nil
	BodyStart int    // offset of the body in the file, past the front matter
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
	Senders   []Sender
	// Cacheable is a code's being heuristically cacheable (RFC 9110,
	// section 15.1): a cache may reuse it without explicit freshness.
	Cacheable bool
	Redirect  *Redirect // redirection codes: permanent, method

	// Guides: the codes a comparison names, its table's columns, a
	// decision guide's tree. Code pages list the guides covering them.
	GuideCodes []int
	Columns    []string
	Tree       *Tree
	Guides     []*Page

	// Set by render from the Markdown body.
	Body        []byte // rendered HTML
	Text        string // plain text of the body, for search
	TextIsWords bool   // Text holds only its distinct words (render.SearchWords)
	Headings    []Heading
	Links       []InternalLink // site-absolute links, checked once all pages are known
	// Advice is the plain text of the first paragraph under the heading
	// "If you are a visitor…" of How to fix: what the error pages tell a
	// visitor to do. Kept when the body is dropped.
	Advice string

	RelatedCodes []int // as front matter lists them

	// Editions (see Editions). Lang is the page's language; a page of
	// another language than the default has Source, the page it
	// translates. TextHash is the hash of the page's own text (TextHash);
	// SourceHash, on a translation, the one it was made from: Stale when
	// they differ. Untranslated is a page with no translation yet, shown
	// with the default language's text.
	Lang         string
	Source       *Page
	TextHash     string
	SourceHash   string
	Stale        bool
	Untranslated bool

	// Set by Link when the whole site is known.
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

// InternalLink is a site-absolute link found in a page's Markdown.
type InternalLink struct {
	Target string // e.g. "/404/#example"; in another edition "/zh-cn/404/#example"
	Line   int
	// Written is the target as the file has it, when Target is not.
	Written string
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

// Label returns how a page is named in lists and breadcrumbs.
func (p *Page) Label() string {
	switch p.Kind {
	case KindHome:
		return "Home"
	case KindClass:
		return p.ClassName()
	case KindCode:
		return fmt.Sprintf("%d %s", p.Code, p.Title)
	}
	return p.Title
}
