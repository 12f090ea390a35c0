package render

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultLang is the language of the site at the root URL. Every other
// language with a catalogue is an edition under /<lang>/.
const DefaultLang = "en"

// Catalog is the interface text of one language: the words of the
// layouts (header, search box, badges, footer, the 404 page) and of the
// pages the build makes itself, from layouts/i18n/<lang>.yaml. Keeping
// them out of templates and Go code is what lets a language be added by
// adding files.
type Catalog struct {
	Lang string // "zh-cn": the catalogue's file name, the edition's folder
	File string // for messages: layouts/i18n/zh-cn.yaml
	msgs map[string]string
	line map[string]int
}

// Tag returns the language's BCP 47 tag for lang attributes ("zh-CN").
func (c *Catalog) Tag() string { return c.msgs["lang.tag"] }

// Name returns the language's name in itself ("中文"), for the switch.
func (c *Catalog) Name() string { return c.msgs["lang.name"] }

// T returns the message key. A key the catalogue lacks is an error: the
// catalogues are checked against the layouts and each other when parsed,
// so one met here was built in Go from a key that does not exist.
func (c *Catalog) T(key string) (string, error) {
	m, ok := c.msgs[key]
	if !ok {
		return "", fmt.Errorf("message %q is not in %s", key, c.File)
	}
	return m, nil
}

// Must returns message key, or the key itself if it is missing: for Go
// code whose keys the catalogue check covers (see requiredKeys).
func (c *Catalog) Must(key string) string {
	if m, ok := c.msgs[key]; ok {
		return m
	}
	return key
}

// requiredKeys are the messages the Go code uses besides the layouts:
// every catalogue must have them.
var requiredKeys = []string{
	"lang.tag", "lang.name",
	"notfound.title", "notfound.summary", "search.title", "search.summary", "nav.home", "alias.moved",
	"status.standard", "status.temporary", "status.deprecated", "status.obsolete", "status.reserved", "status.unofficial",
	"sender.app", "sender.server", "sender.proxy", "sender.cdn", "sender.client", "sender.log",
	"error.advice4", "error.advice5", "guide.yes", "guide.no", "guide.method.kept", "guide.method.get", "guide.method.may-change",
	"list.sep", "spec.section",
	"const.go", "const.python", "const.node", "const.java", "const.spring", "const.dotnet", "const.rust", "const.symfony", "const.rails",
}

// parseCatalogs reads every layouts/i18n/*.yaml and checks that each has
// the same keys as the default language's, every key the layouts use
// (srcs: layout file name → source) and every key Go code uses.
func parseCatalogs(fsys fs.FS, dir string, srcs map[string]string) (map[string]*Catalog, error) {
	names, err := fs.Glob(fsys, "i18n/*.yaml")
	if err != nil {
		return nil, err
	}
	cats := map[string]*Catalog{}
	var errs []error
	for _, name := range names {
		lang := strings.TrimSuffix(path.Base(name), ".yaml")
		file := dir + "/" + name
		if !langRE.MatchString(lang) {
			errs = append(errs, fmt.Errorf("%s: a catalogue is named after its language in lower case, e.g. zh-cn.yaml", file))
			continue
		}
		c, err := parseCatalog(fsys, name, file, lang)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cats[lang] = c
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	def := cats[DefaultLang]
	if def == nil {
		return nil, fmt.Errorf("%s/i18n/%s.yaml: missing: the layouts' text in the default language", dir, DefaultLang)
	}
	for _, key := range requiredKeys {
		if _, ok := def.msgs[key]; !ok {
			errs = append(errs, fmt.Errorf("%s: message %q is missing (the program uses it)", def.File, key))
		}
	}
	for _, file := range slices.Sorted(maps.Keys(srcs)) {
		for n, line := range strings.Split(srcs[file], "\n") {
			for _, m := range msgUse.FindAllStringSubmatch(line, -1) {
				if _, ok := def.msgs[m[1]]; !ok {
					errs = append(errs, fmt.Errorf("%s:%d: message %q is not in %s", file, n+1, m[1], def.File))
				}
			}
		}
	}
	for _, lang := range slices.Sorted(maps.Keys(cats)) {
		c := cats[lang]
		if c == def {
			continue
		}
		for _, key := range slices.Sorted(maps.Keys(def.msgs)) {
			if _, ok := c.msgs[key]; !ok {
				errs = append(errs, fmt.Errorf("%s: message %q is missing (%s:%d has it)", c.File, key, def.File, def.line[key]))
			}
		}
		for _, key := range slices.Sorted(maps.Keys(c.msgs)) {
			d, ok := def.msgs[key]
			if !ok {
				errs = append(errs, fmt.Errorf("%s:%d: message %q is not in %s", c.File, c.line[key], key, def.File))
				continue
			}
			// The program fills the verbs in order: every language needs
			// the same ones, or a page shows %!(EXTRA …).
			if got, want := verbs.FindAllString(c.msgs[key], -1), verbs.FindAllString(d, -1); !slices.Equal(got, want) {
				errs = append(errs, fmt.Errorf("%s:%d: message %q has the verbs %v, %s has %v", c.File, c.line[key], key, got, def.File, want))
			}
		}
	}
	return cats, errors.Join(errs...)
}

// msgUse finds a layout's uses of messages: {{t "key"}}, (tf "key" …),
// {{th "key"}}.
var msgUse = regexp.MustCompile(`\b(?:t|tf|th|thf) "([^"]+)"`)

// verbs finds a message's fmt verbs; %% is text.
var verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z]`)

var langRE = regexp.MustCompile(`^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$`)

// IsLang reports whether name has the shape of a catalogue's language.
func IsLang(name string) bool { return langRE.MatchString(name) }

func parseCatalog(fsys fs.FS, name, file, lang string) (*Catalog, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c := &Catalog{Lang: lang, File: file, msgs: map[string]string{}, line: map[string]int{}}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty catalogue", file)
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a map of message keys to text", file, m.Line)
	}
	var errs []error
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			errs = append(errs, fmt.Errorf("%s:%d: message %q: want text", file, k.Line, k.Value))
			continue
		}
		if _, dup := c.msgs[k.Value]; dup {
			errs = append(errs, fmt.Errorf("%s:%d: message %q is defined twice", file, k.Line, k.Value))
		}
		c.msgs[k.Value], c.line[k.Value] = v.Value, k.Line
	}
	return c, errors.Join(errs...)
}

// funcs returns the template functions that give the layouts c's text:
// t (text), tf (text with fmt verbs filled from the arguments) and th
// (text holding HTML, trusted as the layouts are).
func (c *Catalog) funcs() template.FuncMap {
	return template.FuncMap{
		"t": c.T,
		"tf": func(key string, args ...any) (string, error) {
			m, err := c.T(key)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf(m, args...), nil
		},
		"th": func(key string) (template.HTML, error) {
			m, err := c.T(key)
			return template.HTML(m), err
		},
		"join":     strings.Join,
		"specname": c.SpecName,
		"code":     inlineCode,
		// thf fills an HTML message's verbs with escaped text.
		"thf": func(key string, args ...any) (template.HTML, error) {
			m, err := c.T(key)
			if err != nil {
				return "", err
			}
			for i, a := range args {
				args[i] = template.HTMLEscapeString(fmt.Sprint(a))
			}
			return template.HTML(fmt.Sprintf(m, args...)), nil
		},
	}
}

var specRE = regexp.MustCompile(`^RFC ([0-9]+), section ([0-9A-Z.]+)(.*)$`)

// SpecName returns a defining document's name in the catalogue's
// language: "RFC 9110, section 15.5.5" as spec.section says it
// ("RFC 9110 第 15.5.5 节"); other names (a vendor's page) as they are.
func (c *Catalog) SpecName(name string) string {
	m := specRE.FindStringSubmatch(name)
	f, ok := c.msgs["spec.section"]
	if m == nil || !ok {
		return name
	}
	return fmt.Sprintf(f, m[1], m[2], m[3])
}

// inlineCode returns text as HTML, its `backticked` parts as code: the
// only markup a front-matter sentence (a sender's tell) may have.
func inlineCode(s string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(part) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(part))
		}
	}
	return template.HTML(b.String())
}
