package main

import (
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
)

// jsonMIMETypes are the Content-Types whose bodies httpBody hands to
// lexJSON: each one chroma's registry resolves to its JSON lexer, directly
// or through the "+json" suffix (TestJSONMIMETypes). Others, however
// JSON-like, go to the registry as before.
var jsonMIMETypes = map[string]bool{
	"application/json":             true,
	"application/problem+json":     true,
	"application/merge-patch+json": true,
	"application/json-patch+json":  true,
	"application/vnd.api+json":     true,
	"application/hal+json":         true,
	"application/geo+json":         true,
	"application/manifest+json":    true,
	"application/reports+json":     true,
}

// lexJSON tokenises the JSON body of an HTTP message as chroma's JSON
// lexer does (uncoalesced), by its rules (chroma's lexers/embedded/json.xml)
// ported by hand. Most bodies in the examples are JSON, and chroma's
// regular expressions take 0.2–0.5 ms for a 100-byte body, plus ~4 ms to
// load and compile the lexer in every process: more than all the rest of
// highlighting the shipped site. Like lexGo and lexHTTP it gives up (ok
// false) wherever its port could part from chroma: invalid UTF-8, non-ASCII
// outside strings (where Unicode classes would decide), and anything the
// rules do not match (an unclosed string or comment, a stray character),
// which chroma marks as an error, and carriage returns (chroma's Tokenise
// turns them into newlines first). TestLexJSONMatchesChroma and FuzzLexJSON
// hold it to chroma.
func lexJSON(body string) (tokens []chroma.Token, ok bool) {
	if !utf8.ValidString(body) || strings.IndexByte(body, '\r') >= 0 {
		return nil, false // chroma replaces bad bytes and carriage returns
	}
	// The lexer's states; each allows what json.xml lists, in its order.
	const (
		value     = iota // root: whitespace, a simple value, a comment, { or [
		object           // objectvalue: whitespace, a comment, a key, }
		attribute        // objectattribute: a value, then : , or }
		array            // arrayvalue: whitespace, a value, a comment, , or ]
	)
	stack := []int{value}
	var out []chroma.Token
	emit := func(t chroma.TokenType, from, to int) { out = append(out, chroma.Token{Type: t, Value: body[from:to]}) }
	for pos := 0; pos < len(body); {
		state := stack[len(stack)-1]
		c := body[pos]
		if c >= utf8.RuneSelf {
			return nil, false
		}
		if isSpace(c) {
			end := pos + 1
			for end < len(body) && isSpace(body[end]) {
				end++
			}
			emit(chroma.Text, pos, end)
			pos = end
			continue
		}
		if c == '/' {
			// //.*?\n, where . matches newlines too (dot_all): to the
			// first newline, which must exist.
			if end := jsonComment(body, pos); end > pos {
				emit(chroma.CommentSingle, pos, end)
				pos = end
				continue
			}
			return nil, false
		}
		if c == '"' {
			end, ok := jsonString(body, pos)
			if !ok {
				return nil, false
			}
			if state == object {
				emit(chroma.NameTag, pos, end)
				stack = append(stack, attribute)
			} else {
				emit(chroma.LiteralStringDouble, pos, end)
			}
			pos = end
			continue
		}
		if state != object {
			// The simple values and the openers of "value".
			if end := jsonKeyword(body, pos); end > pos {
				emit(chroma.KeywordConstant, pos, end)
				pos = end
				continue
			}
			if end, float := jsonNumber(body, pos); end > pos {
				if float {
					emit(chroma.LiteralNumberFloat, pos, end)
				} else {
					emit(chroma.LiteralNumberInteger, pos, end)
				}
				pos = end
				continue
			}
			switch c {
			case '{':
				emit(chroma.Punctuation, pos, pos+1)
				stack = append(stack, object)
				pos++
				continue
			case '[':
				emit(chroma.Punctuation, pos, pos+1)
				stack = append(stack, array)
				pos++
				continue
			}
		}
		pop := -1
		switch {
		case state == object && c == '}':
			pop = 1
		case state == attribute && c == ':', state == array && c == ',':
			pop = 0
		case state == attribute && c == ',', state == array && c == ']':
			pop = 1
		case state == attribute && c == '}':
			pop = 2
		}
		if pop < 0 {
			return nil, false // chroma: an error token
		}
		emit(chroma.Punctuation, pos, pos+1)
		stack = stack[:len(stack)-pop]
		pos++
	}
	return out, true
}

// jsonComment returns the end of the comment //.*?\n at i, or i.
func jsonComment(s string, i int) int {
	if i+1 >= len(s) || s[i+1] != '/' {
		return i
	}
	for j := i + 2; j < len(s); j++ {
		if s[j] == '\n' {
			return j + 1
		}
	}
	return i
}

// jsonString returns the end of the string "(\\\\|\\"|[^"])*" at i. The
// expression's first match is the usual scan (\\ and \" are pairs, a
// quote ends it); where that finds no closing quote, backtracking would
// find a shorter string, which ok false leaves to chroma.
func jsonString(s string, i int) (end int, ok bool) {
	for j := i + 1; j < len(s); {
		switch {
		case s[j] == '\\' && j+1 < len(s) && (s[j+1] == '\\' || s[j+1] == '"'):
			j += 2
		case s[j] == '"':
			return j + 1, true
		default:
			j++
		}
	}
	return 0, false
}

// jsonKeyword returns the end of (true|false|null)\b at i, or i. The byte
// after must not be a word character (ASCII here: lexJSON declines
// non-ASCII outside strings).
func jsonKeyword(s string, i int) int {
	for _, k := range [...]string{"true", "false", "null"} {
		if len(s)-i >= len(k) && s[i:i+len(k)] == k {
			end := i + len(k)
			if end < len(s) {
				c := s[end]
				if c >= utf8.RuneSelf || isWord(c) {
					return i
				}
			}
			return end
		}
	}
	return i
}

// jsonNumber returns the end of the number at i and whether it is a float,
// trying the float expression
//
//	-?(0|[1-9]\d*)(\.\d+[eE](\+|-)?\d+|[eE](\+|-)?\d+|\.\d+)
//
// before the integer one, -?(0|[1-9]\d*), alternatives in order: "012"
// is the integer 0, then 12. It returns i when neither matches.
func jsonNumber(s string, i int) (end int, float bool) {
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	if j >= len(s) || !isDigit(s[j]) {
		return i, false
	}
	if s[j] == '0' {
		j++
	} else {
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	fraction := func(k int) int { // \.\d+
		if k+1 < len(s) && s[k] == '.' && isDigit(s[k+1]) {
			k += 2
			for k < len(s) && isDigit(s[k]) {
				k++
			}
		}
		return k
	}
	exponent := func(k int) int { // [eE](\+|-)?\d+
		if k >= len(s) || s[k]|0x20 != 'e' {
			return k
		}
		m := k + 1
		if m < len(s) && (s[m] == '+' || s[m] == '-') {
			m++
		}
		if m >= len(s) || !isDigit(s[m]) {
			return k
		}
		for m < len(s) && isDigit(s[m]) {
			m++
		}
		return m
	}
	if f := fraction(j); f > j {
		if e := exponent(f); e > f {
			return e, true
		}
	}
	if e := exponent(j); e > j {
		return e, true
	}
	if f := fraction(j); f > j {
		return f, true
	}
	return j, false
}
