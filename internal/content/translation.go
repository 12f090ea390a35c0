package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultLang is the language of the pages at the top of the content
// folder, served at the site's root. Another language's pages are
// translations in content/<lang>/, a tree that mirrors the top one
// (content/zh-cn/4xx/404.md translates content/4xx/404.md), served under
// /<lang>/.
const DefaultLang = "en"

// Translation is one file of another language's edition: the text of one
// page, nothing else. Every fact (status, spec, related codes, constants,
// headers, aliases, senders) comes from the page it translates, so facts
// are fixed in one place and cannot drift between languages.
type Translation struct {
	Lang      string // "zh-cn"
	Of        string // path of the page it translates: "4xx/404.md"
	Path      string // its own path: "zh-cn/4xx/404.md"
	File      string // for messages: "content/zh-cn/4xx/404.md"
	Src       []byte
	BodyStart int

	Title, Summary string
	// SourceHash is the TextHash of the page's text this translation was
	// made from. When the page's text changes, it no longer matches, and
	// the translation is shown as out of date.
	SourceHash string
	// Tells translates the page's senders' tell lines, in order.
	Tells []string
	Tree  map[string]*TreeText
	Line  map[string]int // front-matter lines of keys, for messages
}

// translationKeys are the front matter a translation may have.
var translationKeys = map[string]bool{"title": true, "summary": true, "source_hash": true, "senders": true, "tree": true}

// factKeys are the front matter keys that hold facts: a translation takes
// them from its page.
var factKeys = map[string]bool{"status": true, "spec": true, "former": true, "related": true,
	"headers": true, "constants": true, "aliases": true, "cacheable": true, "redirect": true, "codes": true, "columns": true}

type translationFM struct {
	Title      string   `yaml:"title"`
	Summary    string   `yaml:"summary"`
	SourceHash string   `yaml:"source_hash"`
	Senders    []string `yaml:"senders"`
	// Tree translates a decision guide's questions, by id: each one's
	// text and its answers' texts and notes, in order.
	Tree map[string]*TreeText `yaml:"tree"`
}

// TreeText is the text of one question of a decision guide.
type TreeText struct {
	Text    string `yaml:"text"`
	Answers []struct {
		Text string `yaml:"text"`
		Note string `yaml:"note"`
	} `yaml:"answers"`
}

// ParseTranslation reads a translation: name is its path inside the
// content folder, lang/… .
func ParseTranslation(name, display, lang string, src []byte) (*Translation, error) {
	raw, bodyStart, err := frontMatterOf(src, display)
	if err != nil {
		return nil, err
	}
	t := &Translation{Lang: lang, Of: strings.TrimPrefix(name, lang+"/"), Path: name, File: display, Src: src, BodyStart: bodyStart}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, frontMatterError(err, display, 1, raw)
	}
	var errs []error
	if len(doc.Content) > 0 && doc.Content[0].Kind == yaml.MappingNode {
		m := doc.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i]
			switch {
			case translationKeys[k.Value]:
			case factKeys[k.Value]:
				errs = append(errs, Errorf(display, k.Line+1, "%q is a fact: a translation holds only text (title, summary, source_hash, senders' tells) and takes %s from content/%s", k.Value, k.Value, t.Of))
			default:
				errs = append(errs, Errorf(display, k.Line+1, "unknown front matter key %q (a translation holds title, summary, source_hash, senders and tree)", k.Value))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var fm translationFM
	if err := frontMatterError(strictYAML(raw, &fm), display, 1, raw); err != nil {
		return nil, err
	}
	lines := keyLines(raw)
	at := func(key, format string, args ...any) {
		errs = append(errs, Errorf(display, lines[key]+1, format, args...))
	}
	if strings.TrimSpace(fm.Title) == "" {
		at("title", `missing "title" in front matter`)
	}
	if strings.TrimSpace(fm.Summary) == "" {
		at("summary", `missing "summary" in front matter`)
	}
	if fm.SourceHash == "" {
		at("source_hash", `missing "source_hash": the hash of the text this translates (statusdocs check prints it)`)
	}
	t.Title, t.Summary, t.SourceHash, t.Tells, t.Tree = fm.Title, strings.TrimSpace(fm.Summary), fm.SourceHash, fm.Senders, fm.Tree
	t.Line = lines
	return t, errors.Join(errs...)
}

// TextHash returns the hash that names a page's translatable text: title,
// summary, senders' tell lines and body (line endings and a byte order
// mark aside). A translation records it (source_hash) so that a change to
// any of that text shows the translation as stale; a change to facts only
// does not, since translations show the page's facts.
func TextHash(p *Page, src []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", p.Title, p.Summary)
	for _, s := range p.Senders {
		fmt.Fprintf(h, "%s\x00", s.Tell)
	}
	if p.Tree != nil {
		for _, id := range p.Tree.Order {
			q := p.Tree.Questions[id]
			fmt.Fprintf(h, "%s\x00%s\x00", id, q.Text)
			for _, a := range q.Answers {
				fmt.Fprintf(h, "%s\x00%s\x00", a.Text, a.Note)
			}
		}
	}
	body := src[min(p.BodyStart, len(src)):]
	h.Write(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")))
	return hex.EncodeToString(h.Sum(nil)[:6])
}

func byPath(pages []*Page, path string) *Page {
	for _, p := range pages {
		if p.Path == path {
			return p
		}
	}
	return nil
}

// checkTranslationText reports what of a translation's front matter
// matches nothing of the page it translates: tells beyond its senders, a
// tree on a page with none, questions it does not have, answers beyond
// theirs. Such text would be dropped without a word.
func checkTranslationText(en *Page, t *Translation) []error {
	var errs []error
	at := func(key, format string, args ...any) {
		errs = append(errs, Errorf(t.File, t.Line[key]+1, format, args...))
	}
	if len(t.Tells) > len(en.Senders) {
		at("senders", "%d senders' tells, but %s has %d senders", len(t.Tells), en.File, len(en.Senders))
	}
	if t.Tree != nil && en.Tree == nil {
		at("tree", "tree: %s has no decision tree", en.File)
	}
	if t.Tree != nil && en.Tree != nil {
		for _, id := range slices.Sorted(maps.Keys(t.Tree)) {
			q := en.Tree.Questions[id]
			switch {
			case q == nil:
				at("tree."+id, "tree: %s has no question %q", en.File, id)
			case t.Tree[id] != nil && len(t.Tree[id].Answers) > len(q.Answers):
				at("tree."+id, "tree: question %q has %d answers in %s, not %d", id, len(q.Answers), en.File, len(t.Tree[id].Answers))
			}
		}
	}
	return errs
}

// LangPrefix returns the URL prefix of the page's edition: "" for the
// default language, "/zh-cn" for zh-cn.
func (p *Page) LangPrefix() string { return langPrefix(p.Lang) }

func langPrefix(lang string) string {
	if lang == "" || lang == DefaultLang {
		return ""
	}
	return "/" + lang
}

// translated returns the page of edition lang made of en's facts and t's
// text.
func translated(en *Page, t *Translation) *Page {
	p := editionCopy(en, t.Lang)
	p.Path, p.File, p.Src, p.BodyStart = t.Path, t.File, t.Src, t.BodyStart
	p.Title, p.Summary = t.Title, t.Summary
	p.SourceHash = t.SourceHash
	p.Stale = t.SourceHash != en.TextHash
	p.Senders = slices.Clone(en.Senders)
	for i := range p.Senders {
		if i < len(t.Tells) {
			p.Senders[i].Tell = t.Tells[i]
		}
	}
	if en.Tree != nil {
		p.Tree = translatedTree(en.Tree, t.Tree)
	}
	p.TextHash = TextHash(p, t.Src) // of the translation's own text
	return p
}

// untranslated returns en as a page of edition lang that has no
// translation yet: its text is en's, and it says so.
func untranslated(en *Page, lang string) *Page {
	p := editionCopy(en, lang)
	p.Untranslated = true
	return p
}

// translatedTree returns a copy of tree with the texts of tr where it has
// them; the structure (ids, answers, codes) is tree's.
func translatedTree(tree *Tree, tr map[string]*TreeText) *Tree {
	out := &Tree{Start: tree.Start, Order: tree.Order, Line: tree.Line, Questions: map[string]*Question{}}
	for id, q := range tree.Questions {
		nq := &Question{Text: q.Text, Line: q.Line}
		t := tr[id]
		if t != nil && t.Text != "" {
			nq.Text = t.Text
		}
		for i, a := range q.Answers {
			na := *a
			if t != nil && i < len(t.Answers) {
				if t.Answers[i].Text != "" {
					na.Text = t.Answers[i].Text
				}
				if t.Answers[i].Note != "" {
					na.Note = t.Answers[i].Note
				}
			}
			nq.Answers = append(nq.Answers, &na)
		}
		out.Questions[id] = nq
	}
	return out
}

func editionCopy(en *Page, lang string) *Page {
	p := &Page{
		Kind: en.Kind, Path: en.Path, Src: en.Src, BodyStart: en.BodyStart, File: en.File,
		URL: "/" + lang + en.URL, Code: en.Code, Class: en.Class, Title: en.Title, Summary: en.Summary,
		Status: en.Status, Spec: en.Spec, Former: en.Former, Headers: en.Headers, Aliases: en.Aliases,
		Constants: en.Constants, Senders: en.Senders, RelatedCodes: en.RelatedCodes,
		Cacheable: en.Cacheable, Redirect: en.Redirect, GuideCodes: en.GuideCodes, Columns: en.Columns, Tree: en.Tree,
		Lang: lang, Source: en,
	}
	return p
}

// Editions links the pages of the default language into its site and, for
// each other language in langs, the translations of that language into
// a site of its own: one page for every page of the default site, its
// translation when there is one, else the page itself marked
// untranslated. A translation of no page is an error.
func Editions(pages []*Page, trans []*Translation, langs []string, files map[string]bool) ([]*Site, error) {
	def, err := link(pages, files, DefaultLang)
	sites := []*Site{def}
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	byLang := map[string]map[string]*Translation{}
	for _, t := range trans {
		if byLang[t.Lang] == nil {
			byLang[t.Lang] = map[string]*Translation{}
		}
		byLang[t.Lang][t.Of] = t
	}
	known := map[string]bool{}
	for _, p := range pages {
		known[p.Path] = true
	}
	for _, t := range trans {
		if !known[t.Of] {
			errs = append(errs, Errorf(t.File, 0, "translates content/%s, which does not exist", t.Of))
		}
	}
	// A top-level page or alias named after a language would take the URL
	// of that edition's home page.
	for _, p := range pages {
		first, _, _ := strings.Cut(strings.TrimPrefix(p.URL, "/"), "/")
		if p.Kind == KindPlain && IsLangDir(first, langs) {
			errs = append(errs, Errorf(p.File, 0, "URL %s is the %s edition's: a page cannot be named after a language", p.URL, first))
		}
		for _, a := range p.Aliases {
			if IsLangDir(a, langs) {
				errs = append(errs, Errorf(p.File, 0, "alias %q is the %s edition's home page", a, a))
			}
		}
	}
	for _, t := range trans {
		if en := byPath(pages, t.Of); en != nil {
			errs = append(errs, checkTranslationText(en, t)...)
		}
	}
	for _, lang := range langs {
		if lang == DefaultLang || byLang[lang] == nil {
			continue
		}
		var ed []*Page
		for _, p := range def.Pages() {
			if t := byLang[lang][p.Path]; t != nil {
				ed = append(ed, translated(p, t))
			} else {
				ed = append(ed, untranslated(p, lang))
			}
		}
		s, err := link(ed, files, lang)
		if err != nil {
			errs = append(errs, err)
		}
		sites = append(sites, s)
	}
	for _, s := range sites {
		s.Editions = sites
	}
	return sites, errors.Join(errs...)
}

// In returns the page of edition s that p is, or translates, or nil.
func (p *Page) In(s *Site) *Page {
	src := p
	if p.Source != nil {
		src = p.Source
	}
	return s.ByURL(s.Prefix() + src.URL)
}

// Prefix returns the URL prefix of the site's edition ("" or "/zh-cn").
func (s *Site) Prefix() string { return langPrefix(s.Lang) }

// IsLangDir reports whether the top-level content folder dir holds a
// language's translations, langs being the languages with a catalogue.
func IsLangDir(dir string, langs []string) bool {
	return dir != DefaultLang && slices.Contains(langs, dir)
}

// SplitLang returns the language of a content file's path when it is a
// translation, else "".
func SplitLang(name string, langs []string) string {
	first, _, ok := strings.Cut(name, "/")
	if ok && IsLangDir(first, langs) {
		return first
	}
	return ""
}
