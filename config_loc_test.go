package veille

import (
	"testing"
	"time"
)

func TestConfigLoc(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	if got := (Config{Location: paris, Timezone: "America/New_York"}).Loc(); got != paris {
		t.Errorf("Loc with Location = %v, want it", got)
	}
	if got := (Config{Timezone: "Europe/Paris"}).Loc(); got.String() != "Europe/Paris" {
		t.Errorf("Loc from Timezone = %v", got)
	}
	if got := (Config{Timezone: "Nowhere/Else"}).Loc(); got != time.UTC {
		t.Errorf("Loc of a bad zone = %v, want UTC", got)
	}
	if got := (Config{}).Loc(); got != time.UTC {
		t.Errorf("Loc of an empty config = %v, want UTC", got)
	}
}
