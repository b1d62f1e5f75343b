package members

import (
	"context"
	"net/http"
	"path/filepath"
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
	}
}
