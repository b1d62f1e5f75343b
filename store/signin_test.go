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
