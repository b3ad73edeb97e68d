package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"quire"
)

const staticDir = "static"

// asset is one static file, kept in memory and addressed by a hash of its
// content so that browsers may cache it forever.
type asset struct {
	name        string
	hash        string
	contentType string
	data        []byte
}

// assets are the static files by name.
type assets struct {
	byName map[string]*asset
}

// contentTypes covers the static files Quire ships; the system MIME table
// differs between machines.
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
	".ico": "image/x-icon",
	".png": "image/png",
}

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{byName: make(map[string]*asset)}
	entries, err := fs.ReadDir(fsys, staticDir)
	if err != nil {
		return nil, fmt.Errorf("web: reading static files: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		ct, ok := contentTypes[path.Ext(name)]
		if !ok {
			return nil, fmt.Errorf("web: static file %s has no known content type", name)
		}
		data, err := fs.ReadFile(fsys, path.Join(staticDir, name))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		a.byName[name] = &asset{name: name, hash: hex.EncodeToString(sum[:6]), contentType: ct, data: data}
	}
	return a, nil
}

// url returns the content-hashed URL of the named static file. Templates call
// it as {{asset "style.css"}}; an unknown name fails the render.
func (a *assets) url(name string) (string, error) {
	f, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + f.hash + "/" + f.name, nil
}

// static serves GET /static/{hash}/{name}. A hash that is not the file's
// current one is a 404: an old URL must not be cached forever under new
// content.
func (h *Handler) static(w http.ResponseWriter, r *http.Request) error {
	s, err := h.currentSite()
	if err != nil {
		return err
	}
	f, ok := s.assets.byName[r.PathValue("name")]
	if !ok || f.hash != r.PathValue("hash") {
		return quire.NotFoundf("There is no such file.")
	}
	serveAsset(w, f, "public, max-age=31536000, immutable")
	return nil
}

// favicon serves GET /favicon.ico, which browsers ask for by that fixed name.
func (h *Handler) favicon(w http.ResponseWriter, r *http.Request) error {
	s, err := h.currentSite()
	if err != nil {
		return err
	}
	f, ok := s.assets.byName["favicon.ico"]
	if !ok {
		return quire.NotFoundf("There is no such file.")
	}
	serveAsset(w, f, "public, max-age=86400")
	return nil
}

func serveAsset(w http.ResponseWriter, f *asset, cacheControl string) {
	hd := w.Header()
	hd.Set("Content-Type", f.contentType)
	hd.Set("Cache-Control", cacheControl)
	hd.Set("Content-Length", fmt.Sprint(len(f.data)))
	if strings.HasSuffix(f.name, ".svg") {
		// An SVG opened directly must not run scripts in the site's origin.
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	}
	w.WriteHeader(http.StatusOK)
	w.Write(f.data)
}
