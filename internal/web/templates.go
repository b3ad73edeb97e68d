package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sync"
)

// The all: prefix keeps templates/_partials, which embed would skip for its
// leading underscore.
//
//go:embed all:templates static
var embedded embed.FS

// pages lists every page template with the type of the data it renders.
// Each page is parsed with the layout and partials into a template set of
// its own, so that every page can define "content".
var pages = map[string]any{
	"list.html":         ListPage{},
	"paper.html":        PaperPage{},
	"search.html":       SearchPage{},
	"error.html":        ErrorPage{},
	"auth.html":         AuthPage{},
	"account.html":      AccountPage{},
	"submit.html":       SubmitPage{},
	"notice.html":       NoticePage{},
	"password.html":     PasswordPage{},
	"moderation.html":   ModerationPage{},
	"subscribe.html":    SubscribePage{},
	"subscription.html": SubscriptionPage{},
	"digest.html":       DigestPage{},
	"lists.html":        ListsPage{},
	"readinglist.html":  ReadingListPage{},
}

const (
	pageDir    = "templates"
	partialDir = "templates/_partials"
)

// site is the parsed form of the templates and static files.
type site struct {
	pages  map[string]*template.Template
	assets *assets
}

func loadSite(fsys fs.FS) (*site, error) {
	a, err := loadAssets(fsys)
	if err != nil {
		return nil, err
	}
	p, err := parsePages(fsys, a)
	if err != nil {
		return nil, err
	}
	return &site{pages: p, assets: a}, nil
}

// parsePages parses every page in pages with the layout and partials. It
// fails when a page is missing, or when a file in templates/ is used by no
// page, so that dead templates cannot pile up.
func parsePages(fsys fs.FS, a *assets) (map[string]*template.Template, error) {
	// Path segments are escaped here: in an href, html/template leaves
	// "/", "?" and "#" alone, and a name holding one would break its link.
	funcs := template.FuncMap{"asset": a.url, "dict": dict, "authorPath": authorPath, "categoryPath": categoryPath}
	partials, err := fs.Glob(fsys, partialDir+"/*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, pageDir+"/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, ok := pages[path.Base(f)]; !ok {
			return nil, fmt.Errorf("web: template %s is not a known page", f)
		}
	}
	if err := checkPartialsUsed(fsys, partials, files); err != nil {
		return nil, err
	}

	out := make(map[string]*template.Template, len(pages))
	for name := range pages {
		t := template.New(name).Funcs(funcs)
		if len(partials) > 0 {
			if t, err = t.ParseFS(fsys, partials...); err != nil {
				return nil, fmt.Errorf("web: parsing partials: %w", err)
			}
		}
		if t, err = t.ParseFS(fsys, path.Join(pageDir, name)); err != nil {
			return nil, fmt.Errorf("web: parsing %s: %w", name, err)
		}
		for _, need := range []string{"layout", "content"} {
			if t.Lookup(need) == nil {
				return nil, fmt.Errorf("web: %s does not define %q", name, need)
			}
		}
		out[name] = t
	}
	return out, nil
}

var (
	defineRE = regexp.MustCompile(`{{-?\s*define\s+"([^"]+)"`)
	useRE    = regexp.MustCompile(`{{-?\s*(?:template|block)\s+"([^"]+)"`)
)

// checkPartialsUsed fails when a partial file defines nothing that another
// file uses. "layout" counts as used: render executes it.
func checkPartialsUsed(fsys fs.FS, partials, pageFiles []string) error {
	used := map[string]bool{"layout": true}
	defined := make(map[string][]string)
	for _, f := range slices.Concat(partials, pageFiles) {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return err
		}
		for _, m := range useRE.FindAllSubmatch(b, -1) {
			used[string(m[1])] = true
		}
		for _, m := range defineRE.FindAllSubmatch(b, -1) {
			defined[f] = append(defined[f], string(m[1]))
		}
	}
	for _, f := range partials {
		if !slices.ContainsFunc(defined[f], func(name string) bool { return used[name] }) {
			return fmt.Errorf("web: partial %s is not used by any template", f)
		}
	}
	return nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes page name with data into a pooled buffer and, only when
// that succeeds, writes it with status. A failed render leaves w untouched,
// so the caller can still send an error page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	s, err := h.currentSite()
	if err != nil {
		return err
	}
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	// Each page renders one type of data; catch a mix-up here rather than
	// as a template failing on a missing field.
	if want := reflect.PointerTo(reflect.TypeOf(pages[name])); reflect.TypeOf(data) != want {
		return fmt.Errorf("web: page %s renders %v, not %T", name, want, data)
	}
	h.fillViewer(data, r)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		// Do not keep a rare huge page's buffer alive in the pool.
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("web: rendering %s: %w", name, err)
	}
	if cw, ok := w.(*cacheWriter); ok && status == http.StatusOK {
		h.cache.Put(cw.key, buf.Bytes())
	}
	writeHTML(w, status, buf.Bytes())
	return nil
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	// A failed write means the client went away; there is no one to tell.
	w.Write(body)
}

// dict makes a map of its key and value arguments, to pass several values
// to a template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
