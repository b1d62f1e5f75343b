package digest

import (
	"testing"

	"github.com/nogentech/veille/internal/i18n"
)

func TestScheduleWords(t *testing.T) {
	tests := []struct{ expr, fr, en string }{
		{"0 8 * * 1", "chaque lundi à 8\u00a0h", "every Monday at 8:00"},
		{"30 7 * * 1-5", "du lundi au vendredi à 7\u00a0h\u00a030", "Monday to Friday at 7:30"},
		{"0 8 * * *", "chaque jour à 8\u00a0h", "every day at 8:00"},
		{"0 8,14 * * 1,4", "chaque lundi et jeudi à 8\u00a0h et 14\u00a0h", "every Monday and Thursday at 8:00 and 14:00"},
		{"0 9 1 * *", "le 1er de chaque mois à 9\u00a0h", "on the 1st of every month at 9:00"},
		{"0 9 1,15 * *", "le 1er et 15 de chaque mois à 9\u00a0h", "on the 1st and 15th of every month at 9:00"},
		{"0 9 1 * 1", "le 1er de chaque mois et chaque lundi à 9\u00a0h", "on the 1st of every month and every Monday at 9:00"},
		{"0 0 * * 0", "chaque dimanche à 0\u00a0h", "every Sunday at 0:00"},
		{"0 6 * 1,7 0,6", "chaque samedi et dimanche en janvier et juillet à 6\u00a0h", "every Saturday and Sunday in January and July at 6:00"},
		{"5 * * * 1", "selon le calendrier cron «\u00a05 * * * 1\u00a0»", "on the cron schedule \u201c5 * * * 1\u201d"},
	}
	for _, tc := range tests {
		s, err := ParseSchedule(tc.expr, paris)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got := s.Words(i18n.FR); got != tc.fr {
			t.Errorf("%s in French: %q, want %q", tc.expr, got, tc.fr)
		}
		if got := s.Words(i18n.EN); got != tc.en {
			t.Errorf("%s in English: %q, want %q", tc.expr, got, tc.en)
		}
	}
}
