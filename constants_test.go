package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/statusdocs/statusdocs/internal/content"
	"github.com/statusdocs/statusdocs/internal/testenv"
)

// constantTable is what one language's own runtime says: the identifiers
// it has for each code, and its version.
type constantTable struct {
	Version string
	Names   map[string]int // identifier → code (Python, Go, Java)
	Texts   map[int]string // code → text (Node.js STATUS_CODES)
}

// TestConstants checks every page's constants against the languages
// installed here: the identifier exists and stands for the page's code. A
// name that only newer versions have must carry its version note
// ("(3.13+)"), and when the local version is older than the note says, the
// test checks the other way round: the new name is absent and the earlier
// name is the one that works. So a missing or wrong version note fails
// here as long as the machine runs a version from before the change (CI
// uses Debian's, the oldest still in use).
func TestConstants(t *testing.T) {
	t.Parallel()
	site := shippedSite(t)
	langs := map[string]func(*testing.T) constantTable{
		"python": pythonConstants, "node": nodeConstants, "go": goConstants, "java": javaConstants,
	}
	for lang, load := range langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			table := load(t)
			checked := 0
			for _, p := range site.Codes {
				for _, c := range p.Constants {
					if c.Lang != lang {
						continue
					}
					checked++
					if err := checkConstant(table, lang, p.Code, c); err != "" {
						t.Errorf("%s: constants: %s %q (%s %s): %s", p.File, lang, c.Ident, lang, table.Version, err)
					}
				}
			}
			if checked == 0 {
				t.Errorf("no page lists a %s constant", lang)
			}
			t.Logf("%s %s: %d constants checked", lang, table.Version, checked)
		})
	}
}

func checkConstant(table constantTable, lang string, code int, c content.Constant) string {
	has := func(name string) bool {
		if table.Texts != nil {
			return table.Texts[code] == name
		}
		n, ok := table.Names[strings.TrimPrefix(name, prefixes[lang])]
		return ok && n == code
	}
	if c.Removed != "" {
		gone := !versionLess(table.Version, c.Removed)
		switch {
		case gone && has(c.Ident):
			return "still known here although the note says it was removed in " + c.Removed
		case !gone && !has(c.Ident):
			return "not known here, before " + c.Removed + " where the note says it was removed"
		}
		return ""
	}
	older := c.Since != "" && versionLess(table.Version, c.Since)
	switch {
	case !older && !has(c.Ident):
		if c.Since == "" {
			return "not known here; if only newer versions have it, say so with (VERSION+)"
		}
		return "not known here although the note says " + c.Since + "+"
	case older && has(c.Ident):
		return "known here already, so the note " + c.Since + "+ is wrong"
	case older && c.Earlier != "" && !has(c.Earlier):
		return "the earlier name " + c.Earlier + " is not known here either"
	}
	return ""
}

// prefixes are the qualifiers pages write before a bare identifier.
var prefixes = map[string]string{"python": "HTTPStatus.", "go": "http.", "java": "HttpURLConnection."}

// versionLess compares dotted version numbers ("3.9" < "3.13").
func versionLess(a, b string) bool {
	as, bs := strings.Split(strings.TrimPrefix(a, "v"), "."), strings.Split(strings.TrimPrefix(b, "v"), ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func runJSON(t *testing.T, v any, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("%s printed %q: %v", name, out, err)
	}
}

func pythonConstants(t *testing.T) constantTable {
	py := testenv.NeedTool(t, "python3", "python3")
	var tab constantTable
	runJSON(t, &tab, py, "-c", `import json, sys
from http import HTTPStatus
print(json.dumps({"Version": "%d.%d" % sys.version_info[:2],
    "Names": {name: int(m) for name, m in HTTPStatus.__members__.items()}}))`)
	return tab
}

func nodeConstants(t *testing.T) constantTable {
	node := testenv.NeedTool(t, "node", "nodejs")
	var raw struct {
		Version string
		Texts   map[string]string
	}
	runJSON(t, &raw, node, "-e", `console.log(JSON.stringify({Version: process.versions.node, Texts: require("http").STATUS_CODES}))`)
	tab := constantTable{Version: raw.Version, Texts: map[int]string{}}
	for k, v := range raw.Texts {
		code, _ := strconv.Atoi(k)
		tab.Texts[code] = v
	}
	return tab
}

// goConstants reads the Status constants from the net/http source of the
// Go that runs this test.
func goConstants(t *testing.T) constantTable {
	path := filepath.Join(runtime.GOROOT(), "src", "net", "http", "status.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Skipf("skipping: no Go source at %s: %v", path, err)
	}
	tab := constantTable{Version: strings.TrimPrefix(runtime.Version(), "go"), Names: map[string]int{}}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.INT {
			code, _ := strconv.Atoi(lit.Value)
			tab.Names[vs.Names[0].Name] = code
		}
		return true
	})
	return tab
}

// javaConstants lists java.net.HttpURLConnection's HTTP_ fields with a
// single-file program (Java 11+ runs a .java file directly).
func javaConstants(t *testing.T) constantTable {
	java := testenv.NeedTool(t, "java", "default-jre-headless")
	src := filepath.Join(t.TempDir(), "Codes.java")
	prog := `import java.lang.reflect.Field;
public class Codes {
  public static void main(String[] a) throws Exception {
    StringBuilder b = new StringBuilder("{\"Version\":\"" + Runtime.version().feature() + "\",\"Names\":{");
    String sep = "";
    for (Field f : java.net.HttpURLConnection.class.getFields()) {
      if (f.getName().startsWith("HTTP_") && f.getType() == int.class) {
        b.append(sep).append('"').append(f.getName()).append("\":").append(f.getInt(null));
        sep = ",";
      }
    }
    System.out.println(b.append("}}"));
  }
}
`
	if err := os.WriteFile(src, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	var tab constantTable
	runJSON(t, &tab, java, src)
	return tab
}
