package lexers

// This file is statusdocs's, not chroma's (see README.md). Upstream,
// GlobalLexerRegistry is built when the program starts. Here the lexers
// defined in Go register at start-up as upstream (cheaply: their rules
// compile on first use), and the XML lexers are added on the first lookup,
// in upstream's order (XML lexers in file order, then the Go ones in
// initialisation order, then what upstream's init functions did), so every
// lookup answers as upstream's does.
//
// The XML lexers' configurations are not parsed then either: upstream
// decodes the <config> of all 279 files with encoding/xml (7 ms of CPU on
// our machines, in every build whose code needs the registry), though they
// never change. xmlconfigs.go holds them decoded ahead of time (generated
// from the files by statusdocs's TestChromaLexersCopy), and a file is read
// only when its lexer first tokenises, as upstream does with the rules.

import (
	"encoding/xml"
	"fmt"
	"math"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/dlclark/regexp2/v2"
)

var (
	loadOnce sync.Once
	goLexers []chroma.Lexer // registered at start-up, in order
	loaded   []func()       // upstream's init functions, run after the load
)

// register records a lexer defined in Go and points it at the registry,
// for lexers that look others up while tokenising.
func register(lexer chroma.Lexer) chroma.Lexer {
	goLexers = append(goLexers, lexer)
	lexer.SetRegistry(GlobalLexerRegistry)
	return lexer
}

// afterLoad queues f to run once the registry is filled.
func afterLoad(f func()) bool {
	loaded = append(loaded, f)
	return true
}

// registry fills GlobalLexerRegistry on first use and returns it.
func registry() *chroma.LexerRegistry {
	loadOnce.Do(func() {
		for _, x := range xmlConfigs() {
			GlobalLexerRegistry.Register(newXMLLexer(x.path, x.config))
		}
		for _, lexer := range goLexers {
			GlobalLexerRegistry.Register(lexer)
		}
		for _, f := range loaded {
			f()
		}
	})
	return GlobalLexerRegistry
}

// xmlConfig is the configuration of one embedded XML lexer, decoded ahead
// of time.
type xmlConfig struct {
	path   string
	config *chroma.Config
}

// newXMLLexer is chroma.NewXMLLexer with the configuration given: the
// same lexer, analyser included, whose rules are read from the file on
// first use.
func newXMLLexer(path string, config *chroma.Config) chroma.Lexer {
	lexer := chroma.MustNewLexer(config, func() chroma.Rules {
		rules, err := xmlRules(path)
		if err != nil {
			// The files are embedded, and statusdocs's tests tokenise
			// with every one of them.
			panic(err)
		}
		return rules
	})
	if config.Analyse != nil {
		lexer.SetAnalyser(xmlAnalyser(config))
	}
	return lexer
}

// xmlRules decodes the rules of an embedded XML lexer, as upstream does.
func xmlRules(path string) (chroma.Rules, error) {
	var lexer struct {
		chroma.Config
		Rules chroma.Rules `xml:"rules"`
	}
	f, err := embedded.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := xml.NewDecoder(f).Decode(&lexer); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return lexer.Rules, nil
}

// xmlAnalyser is the content analyser chroma.NewXMLLexer makes from a
// configuration's <analyse> element.
func xmlAnalyser(config *chroma.Config) func(string) float32 {
	type regexAnalyse struct {
		re    *regexp2.Regexp
		score float32
	}
	regexAnalysers := make([]regexAnalyse, 0, len(config.Analyse.Regexes))
	regexFlags := regexp2.None
	if config.CaseInsensitive {
		regexFlags = regexp2.IgnoreCase
	}
	for _, ra := range config.Analyse.Regexes {
		re, err := regexp2.Compile(ra.Pattern, regexFlags)
		if err != nil {
			panic(fmt.Errorf("%s: %q is not a valid analyser regex: %w", config.Name, ra.Pattern, err))
		}
		regexAnalysers = append(regexAnalysers, regexAnalyse{re, ra.Score})
	}
	return func(text string) float32 {
		var score float32
		for _, ra := range regexAnalysers {
			ok, err := ra.re.MatchString(text)
			if err != nil {
				return 0
			}
			if ok && config.Analyse.First {
				return float32(math.Min(float64(ra.score), 1.0))
			}
			if ok {
				score += ra.score
			}
		}
		return float32(math.Min(float64(score), 1.0))
	}
}
