package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"quire"
	"quire/internal/auth"
	"quire/internal/demo"
	"quire/internal/ingest"
	"quire/internal/search"
	"quire/internal/store/sqlite"
)

// The OpenAPI document is checked against the handlers in four ways:
// TestOpenAPIDocument reads it and checks that every schema uses only the
// keywords the checker below understands and every $ref resolves;
// TestOpenAPIRoutes that every route the package registers is described
// and every described operation is routed to a handler other than the
// catch-all; TestOpenAPIResponses sends real requests to a server on a
// SQLite store holding the demo catalogue, with every documented query
// parameter in turn (its example must be accepted, and a value its schema
// forbids refused), then the writes, and checks that each answer's status
// is documented, its media type is one the status documents (or it has no
// body, when the status documents none) and its body matches that type's
// schema.

// openAPI is the parsed document.
type openAPI struct {
	raw map[string]any
}

func mustLoadOpenAPI(tb testing.TB) *openAPI {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(openAPIDoc))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		tb.Fatalf("openapi.json: %v", err)
	}
	return &openAPI{raw: raw}
}

// operation is one method on one path of the document.
type operation struct {
	path, method string
	spec         map[string]any
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func (d *openAPI) operations() []operation {
	var ops []operation
	paths := d.raw["paths"].(map[string]any)
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		item := paths[path].(map[string]any)
		for _, m := range methods {
			if spec, ok := item[m].(map[string]any); ok {
				ops = append(ops, operation{path: path, method: strings.ToUpper(m), spec: spec})
			}
		}
	}
	return ops
}

// resolve follows a $ref ("#/components/…") to what it names.
func (d *openAPI) resolve(v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%v is not an object", v)
	}
	for range 10 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, nil
		}
		var cur any = d.raw
		for part := range strings.SplitSeq(strings.TrimPrefix(ref, "#/"), "/") {
			obj, ok := cur.(map[string]any)
			if !ok || obj[part] == nil {
				return nil, fmt.Errorf("$ref %s does not resolve", ref)
			}
			cur = obj[part]
		}
		if m, ok = cur.(map[string]any); !ok {
			return nil, fmt.Errorf("$ref %s is not an object", ref)
		}
	}
	return nil, fmt.Errorf("$ref chain too long")
}

// parameters returns the operation's parameters, resolved.
func (d *openAPI) parameters(op operation) ([]map[string]any, error) {
	var out []map[string]any
	list, _ := op.spec["parameters"].([]any)
	for _, p := range list {
		r, err := d.resolve(p)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// response returns the documented response of op for status.
func (d *openAPI) response(op operation, status int) (map[string]any, bool) {
	resps := op.spec["responses"].(map[string]any)
	r, ok := resps[strconv.Itoa(status)]
	if !ok {
		return nil, false
	}
	m, err := d.resolve(r)
	return m, err == nil
}

// schemaKeywords are the keywords validate understands; annotations that
// do not constrain values are listed too.
var schemaKeywords = map[string]bool{
	"$ref": true, "type": true, "properties": true, "required": true, "additionalProperties": true,
	"items": true, "enum": true, "const": true, "format": true, "minimum": true, "maximum": true,
	"minLength": true, "maxLength": true, "pattern": true,
	"description": true, "default": true, "example": true,
}

// knownFormats are the formats validate checks.
var knownFormats = map[string]bool{"date-time": true, "date": true}

// validate checks v against schema and returns what does not match, each
// with its place in v.
func (d *openAPI) validate(schema any, v any, at string) []string {
	s, err := d.resolve(schema)
	if err != nil {
		return []string{at + ": " + err.Error()}
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return hasType(v, t) }) {
			fail("%s is not of type %v", clipValue(v), types)
			return errs
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return equalJSON(e, v) }) {
		fail("%s is not one of %v", clipValue(v), enum)
	}
	if c, ok := s["const"]; ok && !equalJSON(c, v) {
		fail("%s is not %v", clipValue(v), c)
	}
	switch v := v.(type) {
	case string:
		if f, ok := s["format"].(string); ok {
			layout := map[string]string{"date-time": time.RFC3339, "date": quire.DayLayout}[f]
			if _, err := time.Parse(layout, v); err != nil {
				fail("%q is not a %s", v, f)
			}
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(v) {
			fail("%q does not match %s", v, p)
		}
		if n, ok := s["maxLength"].(json.Number); ok && utf8.RuneCountInString(v) > mustInt(n) {
			fail("%q is longer than %s", v, n)
		}
		if n, ok := s["minLength"].(json.Number); ok && utf8.RuneCountInString(v) < mustInt(n) {
			fail("%q is shorter than %s", v, n)
		}
	case json.Number:
		f, _ := v.Float64()
		if n, ok := s["minimum"].(json.Number); ok && f < float64(mustInt(n)) {
			fail("%s is below %s", v, n)
		}
		if n, ok := s["maximum"].(json.Number); ok && f > float64(mustInt(n)) {
			fail("%s is above %s", v, n)
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, it := range v {
				errs = append(errs, d.validate(items, it, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, name := range req {
				if _, ok := v[name.(string)]; !ok {
					fail("required property %q is missing", name)
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(v)) {
			if ps, ok := props[name]; ok {
				errs = append(errs, d.validate(ps, v[name], at+"."+name)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("property %q is not documented", name)
				}
			case map[string]any:
				errs = append(errs, d.validate(ap, v[name], at+"."+name)...)
			}
		}
	}
	return errs
}

func hasType(v any, t string) bool {
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		return ok && !strings.ContainsAny(n.String(), ".eE")
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func mustInt(n json.Number) int {
	i, err := n.Int64()
	if err != nil {
		panic(fmt.Sprintf("openapi.json: %s is not a whole number", n))
	}
	return int(i)
}

func clipValue(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// schemas calls fn on every schema the document holds, nested ones
// included, with where it is.
func (d *openAPI) schemas(fn func(at string, s map[string]any)) {
	var walk func(at string, s map[string]any)
	walk = func(at string, s map[string]any) {
		fn(at, s)
		if props, ok := s["properties"].(map[string]any); ok {
			for name, p := range props {
				walk(at+".properties."+name, p.(map[string]any))
			}
		}
		for _, k := range []string{"items", "additionalProperties"} {
			if sub, ok := s[k].(map[string]any); ok {
				walk(at+"."+k, sub)
			}
		}
	}
	comps := d.raw["components"].(map[string]any)
	for name, s := range comps["schemas"].(map[string]any) {
		walk("components.schemas."+name, s.(map[string]any))
	}
	var inContent func(at string, obj map[string]any)
	inContent = func(at string, obj map[string]any) {
		if s, ok := obj["schema"].(map[string]any); ok {
			walk(at+".schema", s)
		}
		if c, ok := obj["content"].(map[string]any); ok {
			for mt, media := range c {
				inContent(at+".content."+mt, media.(map[string]any))
			}
		}
		if hs, ok := obj["headers"].(map[string]any); ok {
			for name, h := range hs {
				inContent(at+".headers."+name, h.(map[string]any))
			}
		}
	}
	for _, kind := range []string{"parameters", "responses", "headers"} {
		for name, obj := range comps[kind].(map[string]any) {
			inContent("components."+kind+"."+name, obj.(map[string]any))
		}
	}
	for _, op := range d.operations() {
		at := op.method + " " + op.path
		list, _ := op.spec["parameters"].([]any)
		for i, p := range list {
			inContent(fmt.Sprintf("%s.parameters[%d]", at, i), p.(map[string]any))
		}
		if rb, ok := op.spec["requestBody"].(map[string]any); ok {
			inContent(at+".requestBody", rb)
		}
		for status, r := range op.spec["responses"].(map[string]any) {
			inContent(at+".responses."+status, r.(map[string]any))
		}
	}
}

func TestOpenAPIDocument(t *testing.T) {
	d := mustLoadOpenAPI(t)
	if v := d.raw["openapi"]; v != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", v)
	}
	n := 0
	d.schemas(func(at string, s map[string]any) {
		n++
		for k := range s {
			if !schemaKeywords[k] {
				t.Errorf("%s: keyword %q is not one the checker knows", at, k)
			}
		}
		if f, ok := s["format"].(string); ok && !knownFormats[f] {
			t.Errorf("%s: format %q is not one the checker knows", at, f)
		}
		if p, ok := s["pattern"].(string); ok {
			if _, err := regexp.Compile(p); err != nil {
				t.Errorf("%s: pattern: %v", at, err)
			}
		}
		if _, err := d.resolve(s); err != nil {
			t.Errorf("%s: %v", at, err)
		}
	})
	if n < 30 {
		t.Errorf("walked only %d schemas", n)
	}
	ids := map[string]bool{}
	for _, op := range d.operations() {
		id, _ := op.spec["operationId"].(string)
		if id == "" || ids[id] {
			t.Errorf("%s %s: operationId %q missing or repeated", op.method, op.path, id)
		}
		ids[id] = true
		params, err := d.parameters(op)
		if err != nil {
			t.Errorf("%s %s: %v", op.method, op.path, err)
		}
		for _, p := range params {
			if p["in"] == "path" && !strings.Contains(op.path, "{"+p["name"].(string)+"}") {
				t.Errorf("%s %s: path parameter %v is not in the path", op.method, op.path, p["name"])
			}
		}
		if sec, ok := op.spec["security"].([]any); ok {
			for _, req := range sec {
				for name := range req.(map[string]any) {
					if _, err := d.resolve(map[string]any{"$ref": "#/components/securitySchemes/" + name}); err != nil {
						t.Errorf("%s %s: security scheme %s: %v", op.method, op.path, name, err)
					}
				}
			}
		}
	}
}

// registeredRoutes reads the patterns that the package's source registers
// with h.handle, in routes.go and wherever else.
func registeredRoutes(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		tb.Fatal(err)
	}
	var patterns []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			tb.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "handle" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				tb.Errorf("%s registers a route whose pattern is not a literal", name)
				return true
			}
			p, err := strconv.Unquote(lit.Value)
			if err != nil {
				tb.Fatal(err)
			}
			patterns = append(patterns, p)
			return true
		})
	}
	if len(patterns) < 5 {
		tb.Fatalf("found only %d routes", len(patterns))
	}
	return patterns
}

// catchAll is the route that answers every path no endpoint takes.
const catchAll = "/api/"

// pathParamRE matches a path parameter of the document.
var pathParamRE = regexp.MustCompile(`\{[A-Za-z_]+\}`)

// concretePath fills the path parameters of a documented path: {id} with
// the paper id, any other with 1.
func concretePath(path, id string) string {
	return pathParamRE.ReplaceAllStringFunc(path, func(p string) string {
		if p == "{id}" {
			return id
		}
		return "1"
	})
}

func TestOpenAPIRoutes(t *testing.T) {
	d := mustLoadOpenAPI(t)
	h := New(mustOpenStore(t), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	registered := registeredRoutes(t)
	hit := map[string]bool{}
	for _, op := range d.operations() {
		for _, id := range []string{"2506.10892", "hep-th/9901001"} {
			req := httptest.NewRequest(op.method, concretePath(op.path, id), nil)
			_, pattern := h.mux.Handler(req)
			if pattern == "" || pattern == catchAll || !slices.Contains(registered, pattern) {
				t.Errorf("%s %s (id %s) is documented but routed to %q", op.method, op.path, id, pattern)
			}
			hit[pattern] = true
		}
	}
	for _, p := range registered {
		if p != catchAll && !hit[p] {
			t.Errorf("route %q is registered but no documented operation reaches it", p)
		}
	}
}

// mustOpenStore opens a migrated SQLite store on a file in a temporary
// folder.
func mustOpenStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "quire.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// apiFixture is a server on the demo catalogue, with search, an account
// and its token, and a clock set just after the newest paper appeared.
type apiFixture struct {
	srv    *httptest.Server
	db     *sqlite.DB
	token  string
	paper  string // a listed paper
	fresh  string // a paper that may be submitted today
	others []string
	now    time.Time // the server's clock
}

// distinct returns n different papers of the catalogue, f.paper first.
func (f *apiFixture) distinct(tb testing.TB, n int) []string {
	tb.Helper()
	ids := []string{f.paper}
	for _, id := range f.others {
		if len(ids) < n && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) < n {
		tb.Fatalf("the demo catalogue has fewer than %d papers", n)
	}
	return ids
}

// mustAccountToken creates an account, made at created, and an API token
// for it.
func mustAccountToken(tb testing.TB, db *sqlite.DB, name string, created time.Time) (*quire.Account, string) {
	tb.Helper()
	acct, err := db.CreateAccount(tb.Context(), &quire.Account{
		Username: name, Email: name + "@example.org",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$a2V5", CreatedAt: created,
	})
	if err != nil {
		tb.Fatal(err)
	}
	raw, hash := auth.NewAPIToken()
	if _, err := db.CreateAPIToken(tb.Context(), &quire.APIToken{AccountID: acct.ID, Name: "openapi", Hash: hash, Prefix: raw[:8]}); err != nil {
		tb.Fatal(err)
	}
	return acct, raw
}

func mustAPIFixture(tb testing.TB) *apiFixture {
	tb.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := mustOpenStore(tb)
	ctx := tb.Context()
	if _, err := demo.Load(ctx, &ingest.Importer{Store: db, Logger: quiet}); err != nil {
		tb.Fatal(err)
	}
	eng, err := search.New(db, search.Options{Logger: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := eng.Sync(ctx); err != nil {
		tb.Fatal(err)
	}
	f := &apiFixture{db: db}
	// The newest paper decides the clock: submissions must be recent.
	var newest *quire.Paper
	for after := int64(0); ; {
		changes, err := db.FindPaperChanges(ctx, after, 1000)
		if err != nil {
			tb.Fatal(err)
		}
		if len(changes) == 0 {
			break
		}
		for _, c := range changes {
			if newest == nil || c.Paper.PublishedAt.After(newest.PublishedAt) {
				p := c.Paper
				newest = &p
			}
			if f.paper == "" && c.Upvotes > 0 {
				f.paper = c.Paper.ID
			}
			if len(f.others) < 3 {
				f.others = append(f.others, c.Paper.ID)
			}
		}
		after = changes[len(changes)-1].Seq
	}
	if newest == nil || f.paper == "" {
		tb.Fatal("the demo catalogue has no listed paper")
	}
	f.fresh = newest.ID
	// Two days on: no list of that day holds the paper yet.
	now := quire.TruncateDay(newest.PublishedAt).Add(2*24*time.Hour + 9*time.Hour)
	f.now = now
	var acct *quire.Account
	acct, f.token = mustAccountToken(tb, db, "reader", now.Add(-30*24*time.Hour))
	// Reading list 1, which the document's examples name: public, with a
	// paper read and another annotated, so that every field shows.
	l, err := db.CreateList(ctx, &quire.ReadingList{AccountID: acct.ID, Name: "To read", Description: "For Friday.", Public: true})
	if err != nil {
		tb.Fatal(err)
	}
	if l.ID != 1 {
		tb.Fatalf("the first list has id %d, not the 1 of the examples", l.ID)
	}
	saved := f.distinct(tb, 2)
	if _, err := db.SavePapers(ctx, l.ID, acct.ID, saved, now); err != nil {
		tb.Fatal(err)
	}
	if err := db.SetSavedRead(ctx, l.ID, acct.ID, saved[0], true, now); err != nil {
		tb.Fatal(err)
	}
	if err := db.SetSavedNote(ctx, l.ID, acct.ID, saved[1], "Section 3 first."); err != nil {
		tb.Fatal(err)
	}
	h := New(db, Options{Logger: quiet, Search: eng, Now: func() time.Time { return now }})
	f.srv = httptest.NewServer(h)
	tb.Cleanup(f.srv.Close)
	return f
}

// moreWrites are write exercises of TestOpenAPIResponses that live with
// their endpoints' tests: each sends its calls through run, which checks
// every answer against the document, and finds operations in byID.
var moreWrites []writeExercise

type writeExercise struct {
	name string
	run  func(t *testing.T, f *apiFixture, run func(call) answer, byID map[string]operation)
}

// call is one request of TestOpenAPIResponses.
type call struct {
	op    operation
	path  string // with its query
	token string
	body  string
	// contentType is the body's; "" for application/json.
	contentType string
	wantStatus  int // 0: any documented 2xx; anyStatus: any documented one
}

// anyStatus lets a call be answered with any documented status.
const anyStatus = -1

// answer is a finished call.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (f *apiFixture) do(tb testing.TB, c call) answer {
	tb.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(tb.Context(), c.op.method, f.srv.URL+c.path, body)
	if err != nil {
		tb.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.body != "" {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// linkRE reads the target of a Link header's rel="next".
var linkRE = regexp.MustCompile(`^<(/api/[^>]*)>; rel="next"$`)

// check sends c and checks the answer against the document: a documented
// status (the wanted one), its media type, its schema, and the headers it
// may carry. It returns the answer.
func (d *openAPI) check(t *testing.T, f *apiFixture, c call) answer {
	t.Helper()
	a := f.do(t, c)
	name := c.op.method + " " + c.path
	if c.wantStatus > 0 && a.status != c.wantStatus {
		t.Errorf("%s: status %d, want %d; body %s", name, a.status, c.wantStatus, clipBody(a.body))
	}
	if c.wantStatus == 0 && a.status/100 != 2 {
		t.Errorf("%s: status %d, want success; body %s", name, a.status, clipBody(a.body))
	}
	resp, ok := d.response(c.op, a.status)
	if !ok {
		t.Errorf("%s: status %d is not documented", name, a.status)
		return a
	}
	for _, e := range d.checkBody(resp, a) {
		t.Errorf("%s (%d): %s", name, a.status, e)
	}
	headers, _ := resp["headers"].(map[string]any)
	for _, hdr := range []string{"Link", "Retry-After", "WWW-Authenticate"} {
		if a.header.Get(hdr) != "" && headers[hdr] == nil {
			t.Errorf("%s (%d): header %s is sent but not documented", name, a.status, hdr)
		}
	}
	if link := a.header.Get("Link"); link != "" && !linkRE.MatchString(link) {
		t.Errorf("%s: Link %q is not an RFC 8288 next link", name, link)
	}
	if a.status == http.StatusUnauthorized && a.header.Get("WWW-Authenticate") == "" {
		t.Errorf("%s: 401 without WWW-Authenticate", name)
	}
	return a
}

// checkBody checks an answer's body against its documented response: none
// when the response documents no content (204), else one of the documented
// media types, its body matching that type's schema. JSON types (+json
// included) are decoded; any other is text, checked as a string.
func (d *openAPI) checkBody(resp map[string]any, a answer) []string {
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(a.body) > 0 {
			return []string{fmt.Sprintf("body %s, but the response documents none", clipBody(a.body))}
		}
		return nil
	}
	ct := a.header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	media, ok := content[mt].(map[string]any)
	if err != nil || !ok {
		return []string{fmt.Sprintf("Content-Type %q, documented %v", ct, slices.Sorted(maps.Keys(content)))}
	}
	var v any
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		dec := json.NewDecoder(bytes.NewReader(a.body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return []string{fmt.Sprintf("body is not JSON: %v", err)}
		}
	} else {
		if !utf8.Valid(a.body) {
			return []string{"body is not UTF-8 text"}
		}
		v = string(a.body)
	}
	return d.validate(media["schema"], v, "body")
}

func clipBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// badValue is a value a parameter's schema forbids, or "" when the schema
// allows any text.
func badValue(schema map[string]any) string {
	if schema["type"] == "array" {
		schema = schema["items"].(map[string]any)
	}
	switch {
	case schema["enum"] != nil:
		return "no-such-value"
	case schema["maximum"] != nil:
		return strconv.Itoa(mustInt(schema["maximum"].(json.Number)) + 1)
	case schema["minimum"] != nil:
		return strconv.Itoa(mustInt(schema["minimum"].(json.Number)) - 1)
	case schema["format"] == "date":
		return "2025-02-30"
	case schema["pattern"] != nil:
		return "x!"
	case schema["maxLength"] != nil:
		return strings.Repeat("a", mustInt(schema["maxLength"].(json.Number))+1)
	}
	return ""
}

// exampleValues are the example of a query parameter as query values.
func exampleValues(p map[string]any) []string {
	switch ex := p["example"].(type) {
	case []any:
		out := make([]string, len(ex))
		for i, e := range ex {
			out[i] = fmt.Sprint(e)
		}
		return out
	case nil:
		return nil
	default:
		return []string{fmt.Sprint(ex)}
	}
}

func TestOpenAPIResponses(t *testing.T) {
	d := mustLoadOpenAPI(t)
	f := mustAPIFixture(t)
	exercised := map[string]map[int]bool{} // operationId → statuses seen
	run := func(c call) answer {
		t.Helper()
		a := d.check(t, f, c)
		id := c.op.spec["operationId"].(string)
		if exercised[id] == nil {
			exercised[id] = map[int]bool{}
		}
		exercised[id][a.status] = true
		return a
	}
	byID := map[string]operation{}
	for _, op := range d.operations() {
		byID[op.spec["operationId"].(string)] = op
	}

	// Reads: the plain request, then each query parameter alone with its
	// example (accepted) and with a value its schema forbids (refused).
	for _, op := range d.operations() {
		if op.method != http.MethodGet {
			continue
		}
		base := concretePath(op.path, f.paper)
		t.Run(op.spec["operationId"].(string), func(t *testing.T) {
			// A read that needs a token is sent with the account's, and
			// refused without; one that may go without is sent without.
			var token string
			if needsToken(op) {
				token = f.token
				run(call{op: op, path: base, wantStatus: http.StatusUnauthorized})
			}
			a := run(call{op: op, path: base, token: token})
			if next := linkRE.FindStringSubmatch(a.header.Get("Link")); next != nil {
				run(call{op: op, path: next[1], token: token})
			}
			params, err := d.parameters(op)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range params {
				if p["in"] != "query" {
					continue
				}
				name := p["name"].(string)
				ex := exampleValues(p)
				if len(ex) == 0 {
					t.Errorf("%s: parameter %s has no example", op.path, name)
					continue
				}
				q := make([]string, len(ex))
				for i, v := range ex {
					q[i] = name + "=" + url.QueryEscape(v)
				}
				if name == "cursor" {
					// A cursor is only ever one the server gave out.
					next := linkRE.FindStringSubmatch(run(call{op: op, path: base + "?limit=2", token: token}).header.Get("Link"))
					if next == nil {
						t.Fatalf("%s: no next link to take a cursor from", op.path)
					}
					q = []string{next[1][strings.Index(next[1], "cursor="):]}
				}
				a := run(call{op: op, path: base + "?" + strings.Join(q, "&"), token: token})
				if next := linkRE.FindStringSubmatch(a.header.Get("Link")); next != nil {
					run(call{op: op, path: next[1], token: token})
				}
				schema, err := d.resolve(p["schema"])
				if err != nil {
					t.Fatal(err)
				}
				if bad := badValue(schema); bad != "" {
					run(call{op: op, path: base + "?" + name + "=" + url.QueryEscape(bad), token: token, wantStatus: http.StatusBadRequest})
				}
				if name == "cursor" {
					run(call{op: op, path: base + "?cursor=x!", token: token, wantStatus: http.StatusBadRequest})
				}
			}
			if strings.Contains(op.path, "{lid}") {
				// No list, and no list id: both not found.
				for _, lid := range []string{"999", "0", "abc"} {
					run(call{op: op, path: strings.ReplaceAll(op.path, "{lid}", lid), token: f.token, wantStatus: http.StatusNotFound})
				}
			}
			if strings.Contains(op.path, "{id}") {
				run(call{op: op, path: concretePath(op.path, "not-an-id"), token: token, wantStatus: http.StatusBadRequest})
				run(call{op: op, path: concretePath(op.path, "2501.99999"), token: token, wantStatus: http.StatusNotFound})
			}
		})
	}

	// Writes, with the account's token.
	t.Run("writes", func(t *testing.T) {
		for _, id := range []string{"addComment", "upvote", "removeUpvote", "submitPaper", "listComments", "listDailyPapers"} {
			if _, ok := byID[id]; !ok {
				t.Fatalf("operation %s is not documented", id)
			}
		}
		comments, vote, unvote, submit := byID["addComment"], byID["upvote"], byID["removeUpvote"], byID["submitPaper"]
		commentsPath := concretePath(comments.path, f.paper)
		run(call{op: vote, path: concretePath(vote.path, f.paper), token: f.token})
		run(call{op: vote, path: concretePath(vote.path, f.paper), token: f.token}) // again: same state
		run(call{op: unvote, path: concretePath(unvote.path, f.paper), token: f.token})
		run(call{op: vote, path: concretePath(vote.path, f.paper), wantStatus: http.StatusUnauthorized})
		run(call{op: vote, path: concretePath(vote.path, f.paper), token: "qk_nonsense", wantStatus: http.StatusUnauthorized})
		run(call{op: vote, path: concretePath(vote.path, "2501.99999"), token: f.token, wantStatus: http.StatusNotFound})
		run(call{op: unvote, path: concretePath(unvote.path, "not-an-id"), token: f.token, wantStatus: http.StatusBadRequest})

		a := run(call{op: comments, path: commentsPath, token: f.token, body: `{"body": "A **fine** paper; see arXiv:` + f.others[0] + `."}`, wantStatus: http.StatusCreated})
		var made struct{ ID int64 }
		if err := json.Unmarshal(a.body, &made); err != nil || made.ID == 0 {
			t.Fatalf("new comment: %s (%v)", a.body, err)
		}
		run(call{op: comments, path: commentsPath, token: f.token, body: fmt.Sprintf(`{"body": "A reply.", "parentId": %d}`, made.ID), wantStatus: http.StatusCreated})
		run(call{op: comments, path: commentsPath, token: f.token, body: `{"body": "Top level.", "parentId": null}`, wantStatus: http.StatusCreated})
		run(call{op: comments, path: commentsPath, token: f.token, body: `{"text": "misspelt"}`, wantStatus: http.StatusBadRequest})
		run(call{op: comments, path: commentsPath, token: f.token, body: `{"body": "` + strings.Repeat("a", 70<<10) + `"}`, wantStatus: http.StatusRequestEntityTooLarge})
		run(call{op: comments, path: commentsPath, body: `{"body": "No token."}`, wantStatus: http.StatusUnauthorized})
		run(call{op: comments, path: concretePath(comments.path, "2501.99999"), token: f.token, body: `{"body": "Nowhere."}`, wantStatus: http.StatusNotFound})
		// The comment endpoint's read side now has comments and replies.
		list := byID["listComments"]
		run(call{op: list, path: concretePath(list.path, f.paper)})

		run(call{op: submit, path: submit.path, token: f.token, body: `{"id": "https://arxiv.org/abs/` + f.fresh + `v1"}`, wantStatus: http.StatusCreated})
		run(call{op: submit, path: submit.path, token: f.token, body: `{"id": "` + f.fresh + `"}`, wantStatus: http.StatusConflict})
		run(call{op: submit, path: submit.path, token: f.token, body: `{"id": "not an id"}`, wantStatus: http.StatusBadRequest})
		// Not in the catalogue, and this server cannot ask arXiv.
		run(call{op: submit, path: submit.path, token: f.token, body: `{"id": "2501.99999"}`, wantStatus: http.StatusServiceUnavailable})
		run(call{op: submit, path: submit.path, body: `{"id": "` + f.fresh + `"}`, wantStatus: http.StatusUnauthorized})
		// The daily list of today now holds the submission.
		daily := byID["listDailyPapers"]
		run(call{op: daily, path: daily.path + "?sort=trending"})

		// Comments past the rate limit.
		var last answer
		for range DefaultLimits.Comments.Limit {
			last = run(call{op: comments, path: commentsPath, token: f.token, body: `{"body": "Again."}`, wantStatus: anyStatus})
			if last.status == http.StatusTooManyRequests {
				break
			}
		}
		if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
			t.Errorf("comments past the limit: status %d, Retry-After %q; want 429 with one", last.status, last.header.Get("Retry-After"))
		}
	})

	// Reading lists, with the account's token.
	t.Run("lists", func(t *testing.T) { exerciseLists(t, f, run, byID) })

	// The writes of other endpoints, each registered by its own tests.
	for _, ex := range moreWrites {
		t.Run(ex.name, func(t *testing.T) { ex.run(t, f, run, byID) })
	}

	// Every operation was answered with success at least once.
	for _, op := range d.operations() {
		id := op.spec["operationId"].(string)
		ok := false
		for s := range exercised[id] {
			ok = ok || s/100 == 2
		}
		if !ok {
			t.Errorf("%s was never answered with success (statuses seen: %v)", id, slices.Sorted(maps.Keys(exercised[id])))
		}
	}
}

// needsToken reports whether op is documented as refused without a token:
// it has security requirements, and none of them is empty (anonymous).
func needsToken(op operation) bool {
	sec, _ := op.spec["security"].([]any)
	for _, req := range sec {
		if m, _ := req.(map[string]any); len(m) == 0 {
			return false
		}
	}
	return len(sec) > 0
}

// exerciseLists sends the reading-list writes, and the reads of a private
// list, through run. The reads of list 1 (see mustAPIFixture) ran before;
// this leaves it as it was, and the account over its list-write limit.
func exerciseLists(t *testing.T, f *apiFixture, run func(call) answer, byID map[string]operation) {
	op := func(id string) operation {
		t.Helper()
		o, ok := byID[id]
		if !ok {
			t.Fatalf("operation %s is not documented", id)
		}
		return o
	}
	index, create, show, update := op("listReadingLists"), op("createReadingList"), op("getReadingList"), op("updateReadingList")
	save, note, read, remove := op("saveToReadingList"), op("setSavedNote"), op("setSavedRead"), op("removeFromReadingList")
	del, imp, export := op("deleteReadingList"), op("importBibTeX"), op("exportReadingList")
	_, stranger := mustAccountToken(t, f.db, "stranger", f.now.Add(-48*time.Hour))
	ids := f.distinct(t, 3)
	tooLarge := `{"name": "` + strings.Repeat("a", 70<<10) + `"}`
	decode := func(a answer, v any) {
		t.Helper()
		if err := json.Unmarshal(a.body, v); err != nil {
			t.Fatalf("%s: %v", clipBody(a.body), err)
		}
	}

	// A new list, private.
	a := run(call{op: create, path: create.path, token: f.token, body: `{"name": " Later ", "description": "Some day."}`, wantStatus: http.StatusCreated})
	var made ReadingList
	decode(a, &made)
	if made.ID == 0 || made.Name != "Later" || made.Owner != "reader" || made.Public || made.Papers != nil {
		t.Errorf("created %+v", made)
	}
	at := func(o operation) string { return strings.ReplaceAll(o.path, "{lid}", strconv.FormatInt(made.ID, 10)) }
	run(call{op: create, path: create.path, token: f.token, body: `{"name": "LATER"}`, wantStatus: http.StatusConflict})
	for _, body := range []string{`{"name": " "}`, `{"name": "x", "colour": "red"}`, `{"name": "x", "public": "yes"}`, `[]`, ``} {
		run(call{op: create, path: create.path, token: f.token, body: body, wantStatus: http.StatusBadRequest})
	}
	run(call{op: create, path: create.path, token: f.token, body: tooLarge, wantStatus: http.StatusRequestEntityTooLarge})
	run(call{op: create, path: create.path, body: `{"name": "x"}`, wantStatus: http.StatusUnauthorized})
	run(call{op: create, path: create.path, token: "qk_nonsense", body: `{"name": "x"}`, wantStatus: http.StatusUnauthorized})

	// Private: its owner reads it; for anyone else it does not exist. A
	// token sent for it must be valid.
	run(call{op: show, path: at(show), token: f.token})
	run(call{op: export, path: at(export), token: f.token})
	for _, o := range []operation{show, export} {
		run(call{op: o, path: at(o), wantStatus: http.StatusNotFound})
		run(call{op: o, path: at(o), token: stranger, wantStatus: http.StatusNotFound})
		run(call{op: o, path: at(o), token: "qk_nonsense", wantStatus: http.StatusUnauthorized})
	}
	if a := run(call{op: index, path: index.path, token: stranger}); strings.TrimSpace(string(a.body)) != "[]" {
		t.Errorf("another account's lists: %s, want []", a.body)
	}

	// Papers: saved (a repeat once), annotated, marked read.
	a = run(call{op: save, path: at(save), token: f.token,
		body: `{"ids": ["` + ids[0] + `", "https://arxiv.org/abs/` + ids[1] + `v2", "arXiv:` + ids[0] + `"]}`})
	if got := strings.TrimSpace(string(a.body)); got != `{"added":2}` {
		t.Errorf("save: %s, want {\"added\":2}", got)
	}
	run(call{op: save, path: at(save), token: f.token, body: `{"ids": ["2501.99999"]}`, wantStatus: http.StatusNotFound})
	run(call{op: save, path: at(save), token: f.token, body: `{"ids": ["nonsense"]}`, wantStatus: http.StatusBadRequest})
	run(call{op: save, path: at(save), token: f.token, body: `{"ids": "` + ids[0] + `"}`, wantStatus: http.StatusBadRequest})
	run(call{op: save, path: at(save), token: f.token, body: tooLarge, wantStatus: http.StatusRequestEntityTooLarge})
	run(call{op: save, path: at(save), token: stranger, body: `{"ids": ["` + ids[0] + `"]}`, wantStatus: http.StatusNotFound})
	run(call{op: save, path: at(save), body: `{"ids": ["` + ids[0] + `"]}`, wantStatus: http.StatusUnauthorized})

	run(call{op: note, path: at(note), token: f.token, body: `{"paper": "` + ids[0] + `", "note": "Compare with\r\nthe baseline."}`, wantStatus: http.StatusNoContent})
	run(call{op: note, path: at(note), token: f.token, body: `{"paper": "` + ids[0] + `"}`, wantStatus: http.StatusBadRequest})
	run(call{op: note, path: at(note), token: f.token, body: `{"paper": "nonsense", "note": "x"}`, wantStatus: http.StatusBadRequest})
	run(call{op: note, path: at(note), token: f.token, body: `{"paper": "` + ids[2] + `", "note": "x"}`, wantStatus: http.StatusNotFound})
	run(call{op: note, path: at(note), token: stranger, body: `{"paper": "` + ids[0] + `", "note": "x"}`, wantStatus: http.StatusNotFound})
	run(call{op: note, path: at(note), body: `{"paper": "` + ids[0] + `", "note": "x"}`, wantStatus: http.StatusUnauthorized})
	run(call{op: note, path: at(note), token: f.token, body: tooLarge, wantStatus: http.StatusRequestEntityTooLarge})
	run(call{op: read, path: at(read), token: f.token, body: `{"paper": "` + ids[1] + `", "read": true}`, wantStatus: http.StatusNoContent})
	run(call{op: read, path: at(read), token: f.token, body: `{"paper": "` + ids[1] + `", "read": "yes"}`, wantStatus: http.StatusBadRequest})
	run(call{op: read, path: at(read), token: f.token, body: `{"paper": "` + ids[1] + `"}`, wantStatus: http.StatusBadRequest})
	run(call{op: read, path: at(read), token: f.token, body: `{"paper": "` + ids[2] + `", "read": true}`, wantStatus: http.StatusNotFound})
	run(call{op: read, path: at(read), body: `{"paper": "` + ids[1] + `", "read": true}`, wantStatus: http.StatusUnauthorized})

	var got ReadingList
	decode(run(call{op: show, path: at(show), token: f.token}), &got)
	type row struct {
		ID, Note string
		Read     bool
	}
	var rows []row
	for _, p := range got.Papers {
		rows = append(rows, row{p.ID, p.Note, p.Read})
		if p.Read != (p.ReadAt != nil) || p.Title == "" {
			t.Errorf("saved paper %+v", p)
		}
	}
	// Saved at the same second: by id.
	want := []row{{ids[0], "Compare with\nthe baseline.", false}, {ids[1], "", true}}
	slices.SortFunc(want, func(x, y row) int { return strings.Compare(x.ID, y.ID) })
	if diff := cmp.Diff(want, rows); diff != "" || got.NumPapers != 2 {
		t.Errorf("list %d: numPapers %d, papers mismatch (-want +got):\n%s", made.ID, got.NumPapers, diff)
	}
	for _, format := range []string{"bibtex", "ris", "csl-json"} {
		a := run(call{op: export, path: at(export) + "?format=" + format, token: f.token})
		if !strings.Contains(string(a.body), "baseline") {
			t.Errorf("export as %s leaves out the note: %s", format, clipBody(a.body))
		}
	}

	// A BibTeX file: a saved paper, a new one, one the catalogue lacks,
	// one without an id.
	bib := "@misc{saved, eprint = {" + ids[0] + "}, archivePrefix = {arXiv}}\n" +
		"@misc{new, url = {https://arxiv.org/abs/" + ids[2] + "}}\n" +
		"@misc{gone, eprint = {2501.99999}}\n@book{knuth, title = {TeX}}\n"
	var res ImportResult
	decode(run(call{op: imp, path: at(imp), token: f.token, body: bib, contentType: "application/x-bibtex"}), &res)
	if diff := cmp.Diff(ImportResult{Entries: 4, Added: 1, Already: 1, Unknown: []string{"gone"}, NoID: []string{"knuth"}}, res); diff != "" {
		t.Errorf("import mismatch (-want +got):\n%s", diff)
	}
	run(call{op: imp, path: at(imp), token: f.token, body: "@misc{k, title = {x", contentType: "application/x-bibtex", wantStatus: http.StatusBadRequest})
	run(call{op: imp, path: at(imp), token: stranger, body: bib, contentType: "application/x-bibtex", wantStatus: http.StatusNotFound})
	run(call{op: imp, path: at(imp), body: bib, contentType: "application/x-bibtex", wantStatus: http.StatusUnauthorized})
	run(call{op: imp, path: at(imp), token: f.token, body: "%" + strings.Repeat("x", 1<<20), contentType: "application/x-bibtex",
		wantStatus: http.StatusRequestEntityTooLarge})

	// Off the list again, twice: the second changes nothing.
	for range 2 {
		run(call{op: remove, path: at(remove), token: f.token, body: `{"paper": "` + ids[2] + `"}`, wantStatus: http.StatusNoContent})
	}
	run(call{op: remove, path: at(remove), token: f.token, body: `{"paper": "nonsense"}`, wantStatus: http.StatusBadRequest})
	run(call{op: remove, path: at(remove), token: f.token, body: tooLarge, wantStatus: http.StatusRequestEntityTooLarge})
	run(call{op: remove, path: at(remove), token: stranger, body: `{"paper": "` + ids[0] + `"}`, wantStatus: http.StatusNotFound})
	run(call{op: remove, path: at(remove), body: `{"paper": "` + ids[0] + `"}`, wantStatus: http.StatusUnauthorized})

	// Renamed and made public: anyone reads it then. An update replaces
	// the description too.
	var updated ReadingList
	decode(run(call{op: update, path: at(update), token: f.token, body: `{"name": "Someday", "public": true}`}), &updated)
	if updated.Name != "Someday" || !updated.Public || updated.Description != "" || updated.NumPapers != 2 {
		t.Errorf("updated %+v", updated)
	}
	run(call{op: update, path: at(update), token: f.token, body: `{"name": "to read"}`, wantStatus: http.StatusConflict})
	run(call{op: update, path: at(update), token: f.token, body: `{"description": "No name."}`, wantStatus: http.StatusBadRequest})
	run(call{op: update, path: at(update), token: f.token, body: tooLarge, wantStatus: http.StatusRequestEntityTooLarge})
	run(call{op: update, path: at(update), token: stranger, body: `{"name": "Mine"}`, wantStatus: http.StatusNotFound})
	run(call{op: update, path: at(update), body: `{"name": "Mine"}`, wantStatus: http.StatusUnauthorized})
	run(call{op: show, path: at(show)})
	run(call{op: export, path: at(export) + "?format=csl-json", token: stranger})
	var mine []ReadingList
	decode(run(call{op: index, path: index.path, token: f.token}), &mine)
	if len(mine) != 2 || mine[0].Name != "Someday" || mine[1].ID != 1 {
		t.Errorf("the account's lists = %+v, want Someday and list 1", mine)
	}

	// Deleted: gone for its owner too.
	run(call{op: del, path: at(del), token: stranger, wantStatus: http.StatusNotFound})
	run(call{op: del, path: at(del), wantStatus: http.StatusUnauthorized})
	run(call{op: del, path: at(del), token: f.token, wantStatus: http.StatusNoContent})
	run(call{op: del, path: at(del), token: f.token, wantStatus: http.StatusNotFound})
	run(call{op: show, path: at(show), token: f.token, wantStatus: http.StatusNotFound})

	// List writes past the limit (the server's clock stands still).
	var last answer
	for range 121 {
		last = run(call{op: del, path: strings.ReplaceAll(del.path, "{lid}", "999"), token: f.token, wantStatus: anyStatus})
		if last.status == http.StatusTooManyRequests {
			break
		}
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Errorf("list writes past the limit: status %d, Retry-After %q; want 429 with one", last.status, last.header.Get("Retry-After"))
	}
}
