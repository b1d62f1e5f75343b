package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// A sign-in token is used once, even by requests racing each other, and
// not at all once expired.
func TestSignInTokenSingleUse(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Now()
	if err := s.SaveSignInToken(ctx, "h1", "a@b.example", now, now.Add(15*time.Minute)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email, err := s.UseSignInToken(ctx, "h1", now)
			if err == nil && email == "a@b.example" {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if !errors.Is(err, ErrTokenRefused) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("the token was used %d times", ok)
	}
	if err := s.SaveSignInToken(ctx, "h2", "a@b.example", now, now.Add(15*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseSignInToken(ctx, "h2", now.Add(15*time.Minute)); !errors.Is(err, ErrTokenRefused) {
		t.Fatalf("expired token: %v", err)
	}
	if _, err := s.PeekSignInToken(ctx, "h2", now); err != nil {
		t.Fatalf("peek before expiry: %v", err)
	}
}

// A session is found until its idle deadline, by its id hash only, and is
// gone once deleted; saving prunes the expired ones.
func TestSessionExpiryAndDelete(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Now()
	if err := s.SaveSession(ctx, "h1", Session{Email: "a@b.example", Data: []byte(`{"email":"a@b.example"}`), Expiry: now.Add(time.Hour)}, now); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.FindSession(ctx, "h1", now.Add(59*time.Minute)); err != nil || !ok || got.Email != "a@b.example" {
		t.Fatalf("before the deadline: %+v %v %v", got, ok, err)
	}
	if _, ok, _ := s.FindSession(ctx, "h1", now.Add(time.Hour)); ok {
		t.Fatal("found at its deadline")
	}
	if err := s.SaveSession(ctx, "h2", Session{Email: "c@d.example", Data: []byte(`{}`), Expiry: now.Add(3 * time.Hour)}, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountSessions(ctx, "a@b.example"); n != 0 {
		t.Errorf("an expired session was not pruned: %d", n)
	}
	if err := s.DeleteSession(ctx, "h2"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.FindSession(ctx, "h2", now); ok {
		t.Fatal("found after delete")
	}
}
