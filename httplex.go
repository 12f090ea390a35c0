package main

import (
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	lexers "statusdocs.local/chromalexers"
)

// lexHTTP tokenises the head of an HTTP message (start line, header lines,
// the blank line) as chroma.Coalesce(lexers.Get("http")) would: chroma's
// rules, ported by hand. Every code page has an http example, and chroma's
// rules cost 0.05–0.08 ms a block. Like lexGo it gives up (ok false) on
// anything its port does not decide exactly as chroma: carriage returns,
// non-ASCII in a header name or status code, a start line or header line
// that chroma would mark as an error, or a body (tokeniseHTTP splits it
// off). TestLexHTTPMatchesChroma and FuzzLexHTTP hold it to chroma.
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

	// Header lines until a blank line.
	for pos < len(code) {
		if code[pos] == '\n' {
			emit(chroma.Text, "\n")
			if pos+1 < len(code) {
				return nil, false // a body: tokeniseHTTP lexes it
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

// tokeniseHTTP tokenises one HTTP message: the head with lexHTTP (when fast)
// or, where it declines, chroma's HTTP lexer; the body with
// the lexer for its Content-Type, chosen as chroma's HTTP lexer chooses
// but for text/plain. The result equals chroma's HTTP lexer's except for
// text/plain bodies and extension methods (see httpHead): chroma picks the
// Nu shell lexer for text/plain (nu.xml lists it, and ranks above the
// plain-text lexer), so prose such as "Rate limit of 60 requests" came out
// with numbers and keywords highlighted; here it is plain text.
func tokeniseHTTP(lexer chroma.Lexer, code string, fast bool) (tokens []chroma.Token, slow bool, err error) {
	code = chromaText(code)
	head, body := code, ""
	if i := strings.Index(code, "\n\n"); i >= 0 {
		head, body = code[:i+2], code[i+2:]
	}
	tokens, ok, err := httpHead(lexer, head, fast)
	if err != nil {
		return nil, true, err
	}
	if body == "" {
		return tokens, !ok, nil
	}
	bodyTokens, bodySlow, err := httpBody(body, httpContentType(tokens), fast)
	if err != nil {
		return nil, true, err
	}
	return coalesceTokens(append(tokens, bodyTokens...)), !ok || bodySlow, nil
}

// httpHead tokenises a message head with lexHTTP (when fast) or chroma's
// HTTP lexer; ok reports that lexHTTP did. chroma's lexer knows only RFC
// 9110's methods, and a request with an extension method (WebDAV's COPY or
// PROPFIND, a cache's PURGE) came out as one block of errors: such a head
// is lexed with GET in the method's place, which is then put back, unless
// even that leaves the request line an error.
func httpHead(lexer chroma.Lexer, head string, fast bool) (tokens []chroma.Token, ok bool, err error) {
	lex := func(head string) ([]chroma.Token, bool, error) {
		if fast {
			if tokens, ok := lexHTTP(head); ok {
				return tokens, true, nil
			}
		}
		tokens, err := chromaTokens(lexer, head)
		return tokens, false, err
	}
	if method := extensionMethod(head); method != "" {
		tokens, ok, err := lex("GET" + head[len(method):])
		if err == nil && len(tokens) > 0 && tokens[0] == (chroma.Token{Type: chroma.NameFunction, Value: "GET"}) {
			tokens[0].Value = method
			return tokens, ok, nil
		}
	}
	return lex(head)
}

// extensionMethod returns the method of a request line that is not one of
// the methods chroma's HTTP lexer knows but looks like one (capitals,
// digits, "-" and "_", then a space), or "".
func extensionMethod(head string) string {
	method, _, ok := strings.Cut(head, " ")
	if !ok || method == "" || strings.IndexByte(method, '\n') >= 0 {
		return ""
	}
	switch method {
	case "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "PATCH", "CONNECT":
		return ""
	}
	for _, c := range []byte(method) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return ""
		}
	}
	return method
}

// chromaText returns code as chroma's lexers read it: as runes (invalid
// UTF-8 becomes U+FFFD) with line ends made \n. tokeniseHTTP starts from
// it, so both parts of a message see what chroma saw.
func chromaText(code string) string {
	if !utf8.ValidString(code) {
		code = string([]rune(code))
	}
	if strings.IndexByte(code, '\r') >= 0 {
		code = strings.ReplaceAll(strings.ReplaceAll(code, "\r\n", "\n"), "\r", "\n")
	}
	return code
}

// httpContentType returns the media type of the last Content-Type header
// among a message head's tokens, as chroma's HTTP lexer reads it: the
// header's value, trimmed, up to a ";" past its start.
func httpContentType(tokens []chroma.Token) string {
	var ct string
	for i, t := range tokens {
		if t.Type != chroma.Name || strings.ToLower(t.Value) != "content-type" {
			continue
		}
		for _, v := range tokens[i+1:] {
			if v.Type == chroma.Literal {
				ct = strings.TrimSpace(v.Value)
				if i := strings.Index(ct, ";"); i > 0 {
					ct = strings.TrimSpace(ct[:i])
				}
				break
			}
		}
	}
	return ct
}

// httpBody tokenises a message body as chroma's HTTP lexer does: with the
// lexer for its media type (or, for a type like application/problem+json,
// for its suffix), as Text when there is none, and as Generic when the
// message has no Content-Type; text/plain is plain text.
func httpBody(body, contentType string, fast bool) (tokens []chroma.Token, slow bool, err error) {
	if contentType == "" {
		return []chroma.Token{{Type: chroma.Generic, Value: body}}, false, nil
	}
	if fast && jsonMIMETypes[contentType] {
		if tokens, ok := lexJSON(body); ok {
			return tokens, false, nil
		}
	}
	var lexer chroma.Lexer
	if contentType == "text/plain" {
		if fast && utf8.ValidString(body) && strings.IndexByte(body, '\r') < 0 {
			return plainTokens(body), false, nil
		}
		lexer = lexers.Get("plaintext")
	} else {
		lexer = mediaTypeLexer(contentType)
	}
	if lexer == nil {
		return []chroma.Token{{Type: chroma.Text, Value: body}}, false, nil
	}
	it, err := lexer.Tokenise(nil, body)
	if err != nil {
		return nil, true, err
	}
	return it.Tokens(), true, nil
}

// mediaTypeLexer returns chroma's lexer for a media type as its HTTP lexer
// finds it: by the type, else by a structured suffix ("+json" as
// application/json), else none.
func mediaTypeLexer(contentType string) chroma.Lexer {
	lexer := lexers.MatchMimeType(contentType)
	if lexer == nil && strings.Contains(contentType, "+") {
		slash := strings.Index(contentType, "/")
		plus := strings.LastIndex(contentType, "+")
		lexer = lexers.MatchMimeType(contentType[:slash+1] + contentType[plus+1:])
	}
	return lexer
}

// plainTokens is chroma's plain-text lexer: each line, then its newline,
// as Text (".+" and "\n").
func plainTokens(body string) []chroma.Token {
	var out []chroma.Token
	for body != "" {
		n := strings.IndexByte(body, '\n')
		switch {
		case n < 0:
			n = len(body)
		case n == 0:
			n = 1
		}
		out = append(out, chroma.Token{Type: chroma.Text, Value: body[:n]})
		body = body[n:]
	}
	return out
}
