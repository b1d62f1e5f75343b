package members

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// The session cookie is Secure exactly when base_url is https, and always
// HttpOnly and SameSite=Lax.
func TestSessionCookieAttributes(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "veille.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for base, secure := range map[string]bool{"https://veille.example": true, "http://127.0.0.1:8080": false} {
		a, err := New(context.Background(), Options{Config: veille.Config{Server: veille.Server{BaseURL: base}}, Store: st})
		if err != nil {
			t.Fatal(err)
		}
		c := a.sessions.options
		if c.Secure != secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Errorf("%s: cookie %+v", base, c)
		}
		if time.Duration(c.MaxAge)*time.Second != IdleTimeout {
			t.Errorf("%s: cookie max-age %ds, want the idle timeout %s", base, c.MaxAge, IdleTimeout)
		}
		// The cookie a saved session sends, as the browser reads it.
		r := httptest.NewRequest("GET", base+"/", nil)
		sess, err := a.sessions.Get(r, CookieName)
		if err != nil {
			t.Fatal(err)
		}
		sess.Values[emailKey] = "a@b.example"
		w := httptest.NewRecorder()
		if err := a.sessions.Save(r, w, sess); err != nil {
			t.Fatal(err)
		}
		sc := w.Header().Get("Set-Cookie")
		if !strings.HasPrefix(sc, CookieName+"="+sess.ID+";") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") ||
			strings.Contains(sc, "Secure") != secure || !strings.Contains(sc, "Max-Age=2592000") || len(sess.ID) < 40 {
			t.Errorf("%s: Set-Cookie %q", base, sc)
		}
	}
}
