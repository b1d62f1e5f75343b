package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

func TestEachItemFirstSeen(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for i, id := range []string{"a", "b", "c", "d"} {
		s.now = func() time.Time { return t0.Add(time.Duration(i) * time.Hour) }
		mustUpsert(t, s, item(id, "src1"))
	}
	var got []string
	err := s.EachItemFirstSeen(ctx, t0.Add(time.Hour), time.Time{}, func(it veille.Item) error {
		if it.Content == "" {
			t.Errorf("%s comes without its text", it.ID)
		}
		got = append(got, it.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v oldest first", got, want)
	}
	stop := errors.New("enough")
	got = got[:0]
	err = s.EachItemFirstSeen(ctx, t0, time.Time{}, func(it veille.Item) error {
		got = append(got, it.ID)
		if len(got) == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || len(got) != 2 {
		t.Errorf("stopping at the second item: err %v after %v", err, got)
	}
}
