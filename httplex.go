package main

import (
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// lexHTTP tokenises one HTTP message as chroma.Coalesce(lexers.Get("http"))
// would: chroma's rules for the start line and the header lines, ported by
// hand, and the body handed, as chroma does, to the lexer for its
// Content-Type. Every code page has an http example, and chroma's rules
// cost 0.08 ms a block. Like lexGo it gives up (ok false) on anything its
// port does not decide exactly as chroma: carriage returns, non-ASCII in a
// header name or status code, a start line or header line that chroma
// would mark as an error. TestLexHTTPMatchesChroma and FuzzLexHTTP hold it
// to chroma's output.
func lexHTTP(code string) (tokens []chroma.Token, ok bool) {
	if strings.IndexByte(code, '\r') >= 0 || !utf8.ValidString(code) {
		return nil, false
	}
	var out []chroma.Token
	emit := func(t chroma.TokenType, v string) { out = append(out, chroma.Token{Type: t, Value: v}) }

	// The start line: a request line or a status line, each ending in a
	// newline or the end of the text.
	eol := func(i int) (int, bool) {
		if i < len(code) && code[i] == '\n' {
			return i + 1, true
		}
		return i, i == len(code)
	}
	version := func(i int) (ends []int) { // [123](\.[01])?, longest first
		if i < len(code) && code[i] >= '1' && code[i] <= '3' {
			if i+2 < len(code) && code[i+1] == '.' && (code[i+2] == '0' || code[i+2] == '1') {
				ends = append(ends, i+3)
			}
			ends = append(ends, i+1)
		}
		return ends
	}
	spaces := func(i int) int {
		for i < len(code) && code[i] == ' ' {
			i++
		}
		return i
	}
	pos, started := 0, false
	for _, m := range []string{"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "PATCH", "CONNECT"} {
		if !strings.HasPrefix(code, m) {
			continue
		}
		s1 := spaces(len(m))
		if s1 == len(m) {
			break
		}
		t := s1
		for t < len(code) && code[t] != ' ' {
			t++
		}
		if t == s1 {
			break
		}
		s2 := spaces(t)
		if s2 == t || !strings.HasPrefix(code[s2:], "HTTP/") {
			break
		}
		for _, v := range version(s2 + 5) {
			if e, ok := eol(v); ok {
				emit(chroma.NameFunction, m)
				emit(chroma.Text, code[len(m):s1])
				emit(chroma.NameNamespace, code[s1:t])
				emit(chroma.Text, code[t:s2])
				emit(chroma.KeywordReserved, "HTTP")
				emit(chroma.Operator, "/")
				emit(chroma.LiteralNumber, code[s2+5:v])
				emit(chroma.Text, code[v:e])
				pos, started = e, true
				break
			}
		}
		break
	}
	if !started && strings.HasPrefix(code, "HTTP/") {
		for _, v := range version(5) {
			s := spaces(v)
			if s == v || s+3 > len(code) {
				continue
			}
			digits := true
			for _, c := range []byte(code[s : s+3]) {
				if c >= utf8.RuneSelf {
					return nil, false // \d is Unicode
				}
				digits = digits && c >= '0' && c <= '9'
			}
			if !digits {
				continue
			}
			r := spaces(s + 3)
			end := r
			for end < len(code) && code[end] != '\n' {
				end++
			}
			e, _ := eol(end)
			emit(chroma.KeywordReserved, "HTTP")
			emit(chroma.Operator, "/")
			emit(chroma.LiteralNumber, code[5:v])
			emit(chroma.Text, code[v:s])
			emit(chroma.LiteralNumber, code[s:s+3])
			emit(chroma.Text, code[s+3:r])
			emit(chroma.NameException, code[r:end])
			emit(chroma.Text, code[end:e])
			pos, started = e, true
			break
		}
	}
	if !started {
		return nil, false // chroma would mark the first character an error
	}

	// Header lines until a blank line; then the body.
	var contentType string
	for pos < len(code) {
		if code[pos] == '\n' {
			emit(chroma.Text, "\n")
			pos++
			if pos < len(code) {
				body, ok := httpBody(code[pos:], contentType)
				if !ok {
					return nil, false
				}
				out = append(out, body...)
			}
			break
		}
		lineEnd := strings.IndexByte(code[pos:], '\n')
		next := len(code)
		if lineEnd < 0 {
			lineEnd = len(code)
		} else {
			lineEnd += pos
			next = lineEnd + 1
		}
		line := code[pos:lineEnd]
		// valueSplit splits rest into the spaces chroma's ( *) or
		// ([\t ]+) takes and the value ([^\r\n]+), which needs at
		// least one character, so it keeps the last space.
		valueSplit := func(rest string, isBlank func(byte) bool) int {
			n := 0
			for n < len(rest) && isBlank(rest[n]) {
				n++
			}
			if n == len(rest) {
				n--
			}
			return n
		}
		name := 0
		for name < len(line) && line[name] != ':' && !isSpace(line[name]) {
			if line[name] >= utf8.RuneSelf {
				return nil, false // [^\s:] is Unicode
			}
			name++
		}
		switch colon := spaces(pos+name) - pos; {
		case name > 0 && colon < len(line) && line[colon] == ':' && colon+1 < len(line):
			// ([^\s:]+)( *)(:)( *)([^\r\n]+)(\r?\n|\Z)
			rest := line[colon+1:]
			n := valueSplit(rest, func(c byte) bool { return c == ' ' })
			emit(chroma.Name, line[:name])
			emit(chroma.Text, line[name:colon])
			emit(chroma.Operator, ":")
			emit(chroma.Text, rest[:n])
			emit(chroma.Literal, rest[n:])
			emit(chroma.Text, code[lineEnd:next])
			if strings.ToLower(line[:name]) == "content-type" {
				contentType = strings.TrimSpace(rest[n:])
				if i := strings.Index(contentType, ";"); i > 0 {
					contentType = strings.TrimSpace(contentType[:i])
				}
			}
		case name == 0 && len(line) >= 2 && (line[0] == ' ' || line[0] == '\t'):
			// ([\t ]+)([^\r\n]+)(\r?\n|\Z)
			n := valueSplit(line, func(c byte) bool { return c == ' ' || c == '\t' })
			emit(chroma.Text, line[:n])
			emit(chroma.Literal, line[n:])
			emit(chroma.Text, code[lineEnd:next])
		default:
			return nil, false // chroma would mark an error here
		}
		pos = next
	}
	return coalesceTokens(out), true
}

// httpBody tokenises a message body as chroma's HTTP lexer does: with the
// lexer for its media type (or, for a type like application/problem+json,
// for its suffix), as plain text when there is none, and as Generic when
// the message has no Content-Type.
func httpBody(body, contentType string) ([]chroma.Token, bool) {
	if contentType == "" {
		return []chroma.Token{{Type: chroma.Generic, Value: body}}, true
	}
	lexer := lexers.MatchMimeType(contentType)
	if lexer == nil && strings.Contains(contentType, "+") {
		slash := strings.Index(contentType, "/")
		plus := strings.LastIndex(contentType, "+")
		lexer = lexers.MatchMimeType(contentType[:slash+1] + contentType[plus+1:])
	}
	if lexer == nil {
		return []chroma.Token{{Type: chroma.Text, Value: body}}, true
	}
	it, err := lexer.Tokenise(nil, body)
	if err != nil {
		return nil, false
	}
	return it.Tokens(), true
}

// coalesceTokens is chroma.Coalesce over a token list whose values need
// not be consecutive pieces of one string.
func coalesceTokens(in []chroma.Token) []chroma.Token {
	out := in[:0]
	for _, t := range in {
		if t.Value == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Type == t.Type && len(out[n-1].Value) < 8192 {
			out[n-1].Value += t.Value
			continue
		}
		out = append(out, t)
	}
	return out
}
