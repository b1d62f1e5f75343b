package server

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded file served under a name carrying its content
// hash, so that it can be cached for a year and still change on upgrade.
type asset struct {
	name        string // hashed name, e.g. style.3f2a1b9c.css
	contentType string
	body        []byte
}

// assetSet maps logical names (style.css) to hashed ones and serves them.
type assetSet struct {
	byLogical map[string]*asset
	byHashed  map[string]*asset
}

func loadAssets() (*assetSet, error) {
	set := &assetSet{byLogical: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		logical := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(logical)
		a := &asset{
			name:        strings.TrimSuffix(logical, ext) + "." + hex.EncodeToString(sum[:5]) + ext,
			contentType: mime.TypeByExtension(ext),
			body:        body,
		}
		if a.contentType == "" {
			a.contentType = "application/octet-stream"
		}
		set.byLogical[logical] = a
		set.byHashed[a.name] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load embedded assets: %w", err)
	}
	return set, nil
}

// URL is the path of an asset by its logical name; templates call it, and a
// name that does not exist fails the template at start-up, not in a browser.
func (s *assetSet) URL(logical string) (string, error) {
	a, ok := s.byLogical[logical]
	if !ok {
		return "", fmt.Errorf("no embedded asset %q", logical)
	}
	return "/static/" + a.name, nil
}

// ServeHTTP serves /static/{name}. Hashed names never change content, so
// they are immutable; a logical name still works, revalidated each time.
func (s *assetSet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	a, ok := s.byHashed[name]
	cache := "public, max-age=31536000, immutable"
	if !ok {
		if a, ok = s.byLogical[name]; !ok {
			http.NotFound(w, r)
			return
		}
		cache = "no-cache"
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", cache)
	w.Header().Set("ETag", `"`+a.name+`"`)
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, `"`+a.name+`"`) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	w.Write(a.body)
}
