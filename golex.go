package main

import (
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
)

// Chroma's Go lexer is a list of regular expressions tried in order at
// every position, run by a backtracking engine over a slice of runes: about
// 0.6 ms for a ten-line block, most of a build's time on pages with Go
// examples. lexGo produces the same tokens by hand, rule by rule, in a few
// microseconds; TestLexGoMatchesChroma and FuzzLexGo hold it to chroma's
// output.
//
// The regular expressions' \s, \w, \d and \b are Unicode-aware, so where a
// decision would depend on a character outside ASCII, lexGo gives up
// (ok == false) and the caller uses chroma. It also gives up on carriage
// returns (chroma rewrites them first), an unclosed string, raw string or
// comment (whose matches depend on backtracking), and template actions
// inside raw strings (chroma lexes those with its Go template lexer).
// Giving up is always safe: it only costs the time saved.

// goLexer is the state of one lexGo call. bail is set when a rule cannot
// be decided without Unicode tables; the block then goes to chroma.
type goLexer struct {
	s    string
	out  []chroma.Token
	bail bool
}

// lexGo tokenises code as chroma.Coalesce(lexers.Get("go")) would.
func lexGo(code string) (tokens []chroma.Token, ok bool) {
	if strings.IndexByte(code, '\r') >= 0 || !utf8.ValidString(code) {
		return nil, false // chroma rewrites both before lexing
	}
	l := &goLexer{s: code, out: make([]chroma.Token, 0, len(code)/4)}
	for pos := 0; pos < len(code); {
		n := l.root(pos)
		if l.bail || n <= 0 {
			return nil, false
		}
		pos += n
	}
	return coalesceTokens(l.out), true
}

func (l *goLexer) emit(t chroma.TokenType, v string) {
	l.out = append(l.out, chroma.Token{Type: t, Value: v})
}

// Character classes, for ASCII only; callers check isASCII first.
func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// at returns the byte at i, or 0 past the end; past the end no class
// matches, as at the end of the text.
func (l *goLexer) at(i int) byte {
	if i < len(l.s) {
		return l.s[i]
	}
	return 0
}

// ascii reports whether position i is past the end or holds an ASCII
// byte; otherwise the lexer gives up, since a Unicode class decides.
func (l *goLexer) ascii(i int) bool {
	if i < len(l.s) && l.s[i] >= utf8.RuneSelf {
		l.bail = true
		return false
	}
	return true
}

// span returns the end of the run of bytes from i that satisfy class,
// giving up if the run stops at a non-ASCII character.
func (l *goLexer) span(i int, class func(byte) bool) int {
	for i < len(l.s) && l.s[i] < utf8.RuneSelf && class(l.s[i]) {
		i++
	}
	l.ascii(i)
	return i
}

// spanASCII is span for classes that hold only ASCII characters, where a
// non-ASCII character simply ends the run.
func (l *goLexer) spanASCII(i int, class func(byte) bool) int {
	for i < len(l.s) && class(l.s[i]) {
		i++
	}
	return i
}

// goWords maps the words of chroma's first keyword rules (namespace,
// declaration, keyword, constant: no word is in two) to their types.
var goWords = func() map[string]chroma.TokenType {
	m := map[string]chroma.TokenType{}
	for t, words := range map[chroma.TokenType]string{
		chroma.KeywordNamespace:   "import package",
		chroma.KeywordDeclaration: "var func struct map chan type interface const",
		chroma.Keyword:            "break default select case defer go else goto switch fallthrough if range continue for return",
		chroma.KeywordConstant:    "true false iota nil",
	} {
		for _, w := range strings.Fields(words) {
			m[w] = t
		}
	}
	return m
}()

var (
	goBuiltinCalls = wordSet("uint uint8 uint16 uint32 uint64 int int8 int16 int32 int64 float float32 float64 complex64 complex128 byte rune string bool error uintptr print println panic recover close complex real imag len cap append copy delete new make clear min max")
	goTypes        = wordSet("uint uint8 uint16 uint32 uint64 int int8 int16 int32 int64 float float32 float64 complex64 complex128 byte rune string bool error uintptr any")
	goOperators    = []string{"<<=", ">>=", "<<", ">>", "<=", ">=", "&^=", "&^", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "&&", "||", "<-", "++", "--", "==", "!=", ":=", "..."}
)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// root matches chroma's Go rules, in chroma's order, at pos; it emits the
// tokens and returns the length consumed.
func (l *goLexer) root(pos int) int {
	s, c := l.s, l.s[pos]
	if c >= utf8.RuneSelf {
		l.bail = true // every rule that could match starts with a Unicode class
		return 0
	}
	// \n and \s+
	if c == '\n' {
		l.emit(chroma.TextWhitespace, "\n")
		return 1
	}
	if isSpace(c) {
		e := l.span(pos, isSpace)
		l.emit(chroma.TextWhitespace, s[pos:e])
		return e - pos
	}
	// //[^\s\n\r][^\n\r]* and //[^\n\r]*
	if strings.HasPrefix(s[pos:], "//") {
		e := pos + 2
		for e < len(s) && s[e] != '\n' {
			e++
		}
		if !l.ascii(pos + 2) {
			return 0
		}
		if pos+2 < len(s) && !isSpace(s[pos+2]) {
			l.emit(chroma.CommentPreproc, s[pos:e])
		} else {
			l.emit(chroma.CommentSingle, s[pos:e])
		}
		return e - pos
	}
	// /(\\\n)?[*](.|\n)*?[*](\\\n)?/
	if c == '/' {
		start := -1
		if strings.HasPrefix(s[pos:], "/*") {
			start = pos + 2
		} else if strings.HasPrefix(s[pos:], "/\\\n*") {
			start = pos + 4
		}
		if start >= 0 {
			for k := start; k < len(s); k++ {
				if s[k] != '*' {
					continue
				}
				if strings.HasPrefix(s[k+1:], "\\\n/") {
					l.emit(chroma.CommentMultiline, s[pos:k+4])
					return k + 4 - pos
				}
				if strings.HasPrefix(s[k+1:], "/") {
					l.emit(chroma.CommentMultiline, s[pos:k+2])
					return k + 2 - pos
				}
			}
			l.bail = true // unclosed: chroma's backtracking decides
			return 0
		}
	}
	// The keyword rules: each is a list of words followed by \b, so a
	// word matches only as the whole run of word characters from pos;
	// builtins count only when "(" follows at once.
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		e := l.span(pos, isWord)
		if l.bail {
			return 0
		}
		w := s[pos:e]
		if t, ok := goWords[w]; ok {
			l.emit(t, w)
			return e - pos
		}
		if goBuiltinCalls[w] && l.at(e) == '(' {
			l.emit(chroma.NameBuiltin, w)
			l.emit(chroma.Punctuation, "(")
			return e - pos + 1
		}
		if goTypes[w] {
			l.emit(chroma.KeywordType, w)
			return e - pos
		}
	}
	if l.bail {
		return 0
	}
	if n := l.number(pos); n > 0 || l.bail {
		return n
	}
	if c == '\'' {
		if n := l.char(pos); n > 0 {
			l.emit(chroma.LiteralStringChar, s[pos:pos+n])
			return n
		}
	}
	if c == '`' {
		e := strings.IndexByte(s[pos+1:], '`')
		if e < 0 || strings.Contains(s[pos+1:pos+1+e], "{{") {
			l.bail = true
			return 0
		}
		l.emit(chroma.LiteralString, "`")
		// chroma lexes the inside with its Go template lexer: runs of
		// [^{]+ and single braces, all remapped to strings.
		body := s[pos+1 : pos+1+e]
		for body != "" {
			n := strings.IndexByte(body, '{')
			if n == 0 {
				n = 1
			} else if n < 0 {
				n = len(body)
			}
			l.emit(chroma.LiteralString, body[:n])
			body = body[n:]
		}
		l.emit(chroma.LiteralString, "`")
		return e + 2
	}
	if c == '"' {
		// "(\\\\|\\"|[^"])*": the greedy first try is the match
		// whenever it finds a closing quote.
		for e := pos + 1; e < len(s); e++ {
			switch s[e] {
			case '\\':
				if e+1 < len(s) && (s[e+1] == '\\' || s[e+1] == '"') {
					e++
				}
			case '"':
				l.emit(chroma.LiteralString, s[pos:e+1])
				return e + 1 - pos
			}
		}
		l.bail = true
		return 0
	}
	for _, op := range goOperators {
		if strings.HasPrefix(s[pos:], op) {
			l.emit(chroma.Operator, op)
			return len(op)
		}
	}
	if strings.IndexByte("+-*/%&", c) >= 0 {
		l.emit(chroma.Operator, s[pos:pos+1])
		return 1
	}
	// ([a-zA-Z_]\w*)(\s*)(\()
	if isWord(c) && !isDigit(c) {
		e := l.span(pos, isWord)
		if l.bail {
			return 0
		}
		w := l.span(e, isSpace)
		if l.bail {
			return 0
		}
		if l.at(w) == '(' {
			l.emit(chroma.NameFunction, s[pos:e])
			// The space is lexed by the root rules: a newline alone,
			// then any other run.
			for i := e; i < w; {
				n := l.root(i)
				i += n
			}
			l.emit(chroma.Punctuation, "(")
			return w + 1 - pos
		}
	}
	if strings.IndexByte("|^<>=!()[]{}.,;:~", c) >= 0 {
		l.emit(chroma.Punctuation, s[pos:pos+1])
		return 1
	}
	// [^\W\d]\w*
	if isWord(c) && !isDigit(c) {
		e := l.span(pos, isWord)
		l.emit(chroma.NameOther, s[pos:e])
		return e - pos
	}
	// No rule matches: one character as an error.
	l.emit(chroma.Error, s[pos:pos+1])
	return 1
}

// digits returns the end of the run of decimal digits from i.
func (l *goLexer) digits(i int) int { return l.span(i, isDigit) }

// exponent matches [Ee][-+]\d+ (sign required when signed) at i and
// returns its end, or -1.
func (l *goLexer) exponent(i int, signRequired bool) int {
	if c := l.at(i); c != 'e' && c != 'E' {
		return -1
	}
	j := i + 1
	if c := l.at(j); c == '+' || c == '-' {
		j++
	} else if signRequired {
		return -1
	}
	if !l.ascii(j) || !isDigit(l.at(j)) {
		return -1
	}
	return l.digits(j)
}

// number tries chroma's number rules in order.
func (l *goLexer) number(pos int) int {
	s := l.s
	c := s[pos]
	emit := func(t chroma.TokenType, end int) int {
		if l.bail {
			return 0
		}
		l.emit(t, s[pos:end])
		return end - pos
	}
	if isDigit(c) {
		d := l.digits(pos)
		if l.bail {
			return 0
		}
		// \d+i
		if l.at(d) == 'i' {
			return emit(chroma.LiteralNumber, d+1)
		}
		// \d+\.\d*([Ee][-+]\d+)?i
		if l.at(d) == '.' {
			f := l.digits(d + 1)
			if e := l.exponent(f, true); e >= 0 && l.at(e) == 'i' {
				return emit(chroma.LiteralNumber, e+1)
			}
			if l.at(f) == 'i' {
				return emit(chroma.LiteralNumber, f+1)
			}
		}
		// \d+[Ee][-+]\d+i
		if e := l.exponent(d, true); e >= 0 && l.at(e) == 'i' {
			return emit(chroma.LiteralNumber, e+1)
		}
		if l.bail {
			return 0
		}
		// \d+(\.\d+[eE][+\-]?\d+|\.\d*|[eE][+\-]?\d+)
		if l.at(d) == '.' {
			if l.ascii(d+1) && isDigit(l.at(d+1)) {
				f := l.digits(d + 1)
				if e := l.exponent(f, false); e >= 0 {
					return emit(chroma.LiteralNumberFloat, e)
				}
			}
			return emit(chroma.LiteralNumberFloat, l.digits(d+1))
		}
		if e := l.exponent(d, false); e >= 0 {
			return emit(chroma.LiteralNumberFloat, e)
		}
		if l.bail {
			return 0
		}
	}
	if c == '.' && l.ascii(pos+1) && isDigit(l.at(pos+1)) {
		f := l.digits(pos + 1)
		// \.\d+([Ee][-+]\d+)?i
		if e := l.exponent(f, true); e >= 0 && l.at(e) == 'i' {
			return emit(chroma.LiteralNumber, e+1)
		}
		if l.at(f) == 'i' {
			return emit(chroma.LiteralNumber, f+1)
		}
		// \.\d+([eE][+\-]?\d+)?
		if e := l.exponent(f, false); e >= 0 {
			return emit(chroma.LiteralNumberFloat, e)
		}
		return emit(chroma.LiteralNumberFloat, f)
	}
	if c == '0' {
		// 0[0-7]+
		if e := l.spanASCII(pos+1, func(b byte) bool { return b >= '0' && b <= '7' }); e > pos+1 {
			return emit(chroma.LiteralNumberOct, e)
		}
		// 0[xX][0-9a-fA-F_]+
		if x := l.at(pos + 1); x == 'x' || x == 'X' {
			if e := l.spanASCII(pos+2, func(b byte) bool {
				return isDigit(b) || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' || b == '_'
			}); e > pos+2 {
				return emit(chroma.LiteralNumberHex, e)
			}
		}
		// 0b[01_]+
		if l.at(pos+1) == 'b' {
			if e := l.spanASCII(pos+2, func(b byte) bool { return b == '0' || b == '1' || b == '_' }); e > pos+2 {
				return emit(chroma.LiteralNumberBin, e)
			}
		}
		return emit(chroma.LiteralNumberInteger, pos+1)
	}
	// [1-9][0-9_]*
	if c >= '1' && c <= '9' {
		e := pos + 1
		for e < len(s) && (isDigit(s[e]) || s[e] == '_') {
			e++
		}
		return emit(chroma.LiteralNumberInteger, e)
	}
	return 0
}

// char matches chroma's rune literal rule at pos and returns its length,
// or 0:
// '(\\['"\\abfnrtv]|\\x[0-9a-fA-F]{2}|\\[0-7]{1,3}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|[^\\])'
func (l *goLexer) char(pos int) int {
	s := l.s[pos+1:]
	closes := func(n int) bool { return len(s) > n && s[n] == '\'' }
	hex := func(from, n int) bool {
		if len(s) < from+n {
			return false
		}
		for _, b := range []byte(s[from : from+n]) {
			if !(isDigit(b) || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F') {
				return false
			}
		}
		return true
	}
	if strings.HasPrefix(s, "\\") {
		if len(s) > 1 && strings.IndexByte(`'"\abfnrtv`, s[1]) >= 0 && closes(2) {
			return 4
		}
		if strings.HasPrefix(s, `\x`) && hex(2, 2) && closes(4) {
			return 6
		}
		oct := 0
		for oct < 3 && len(s) > 1+oct && s[1+oct] >= '0' && s[1+oct] <= '7' {
			oct++
		}
		for ; oct > 0; oct-- {
			if closes(1 + oct) {
				return oct + 3
			}
		}
		if strings.HasPrefix(s, `\u`) && hex(2, 4) && closes(6) {
			return 8
		}
		if strings.HasPrefix(s, `\U`) && hex(2, 8) && closes(10) {
			return 12
		}
		return 0
	}
	if s == "" {
		return 0
	}
	_, n := utf8.DecodeRuneInString(s)
	if closes(n) {
		return n + 2
	}
	return 0
}
