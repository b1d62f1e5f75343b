package veille

import (
	"reflect"
	"testing"
)

func TestSplitWhy(t *testing.T) {
	tests := []struct {
		why  []string
		want Reasons
	}{
		{[]string{"déchets", "déchets dangereux"}, Reasons{Terms: []string{"déchets dangereux"}}},
		{[]string{"Déchets dangereux", "dechets"}, Reasons{Terms: []string{"Déchets dangereux"}}},
		{[]string{"ICPE", "icpe"}, Reasons{Terms: []string{"ICPE"}}},
		{[]string{"LPP", "source:ameli-lpp"}, Reasons{Terms: []string{"LPP"}, Sources: []string{"ameli-lpp"}}},
		{[]string{"source:inrs", "source:inrs"}, Reasons{Sources: []string{"inrs"}}},
		{[]string{"via:surgical-instruments"}, Reasons{Via: []string{"surgical-instruments"}}},
		{[]string{"anodi*", "anodisation dure"}, Reasons{Terms: []string{"anodisation dure"}}},
		{[]string{"or", "forge"}, Reasons{Terms: []string{"or", "forge"}}},
		{[]string{"amiante", "silice cristalline"}, Reasons{Terms: []string{"amiante", "silice cristalline"}}},
	}
	for _, tc := range tests {
		if got := SplitWhy(tc.why); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitWhy(%q) = %+v, want %+v", tc.why, got, tc.want)
		}
	}
}
