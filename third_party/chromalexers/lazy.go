package lexers

// This file is statusdocs's, not chroma's (see README.md). Upstream,
// GlobalLexerRegistry is built when the program starts. Here the lexers
// defined in Go register at start-up as upstream (cheaply: their rules
// compile on first use), and the XML lexers are added on the first lookup,
// in upstream's order (XML lexers in file order, then the Go ones in
// initialisation order, then what upstream's init functions did), so every
// lookup answers as upstream's does.

import (
	"io/fs"
	"sync"

	"github.com/alecthomas/chroma/v2"
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
		paths, err := fs.Glob(embedded, "embedded/*.xml")
		if err != nil {
			panic(err)
		}
		for _, path := range paths {
			GlobalLexerRegistry.Register(chroma.MustNewXMLLexer(embedded, path))
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
