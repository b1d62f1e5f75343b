package digest

import (
	"context"
	"strings"
	"testing"

	"github.com/nogentech/veille/store"
)

// A member's copy of a digest lists its register's overdue actions; a
// done action, one not yet due, another member's and the commission's
// copy list none.
func TestDigestListsMembersOverdueActions(t *testing.T) {
	e := newEnv(t, monday)
	items := seedWeek(t, e)
	ctx := context.Background()
	put := func(member, item, action, due string, done bool) {
		t.Helper()
		if err := e.store.PutMark(ctx, store.Mark{Member: member, ItemID: item, Status: "applies", Action: action, Owner: "Alice",
			Due: due, Done: done, UpdatedAt: monday, UpdatedBy: "x@y"}); err != nil {
			t.Fatal(err)
		}
	}
	put("traitement-est", items[0].ID, "Réviser la procédure déchets", "2026-11-15", false)
	put("traitement-est", items[1].ID, "Former les opérateurs", "2026-11-20", true)
	put("traitement-est", items[2].ID, "Audit à planifier", "2027-01-15", false)
	put("forge-exemple", items[0].ID, "Action de l'autre adhérent", "2026-11-01", false)
	put("traitement-est", store.ActMarkKey("celex", "32017R0745"), "Dossier technique", "2026-11-10", false) // marked on the act's page

	if _, err := e.notifier().SendDigest(ctx, "environment-weekly", w48); err != nil {
		t.Fatal(err)
	}
	forge := e.smtp.to("hse@traitement-est.example")
	if len(forge) != 1 {
		t.Fatalf("%d mails to the member", len(forge))
	}
	body := string(forge[0].Data)
	if !strings.Contains(body, "Réviser la procédure déchets") && !strings.Contains(body, "R=C3=A9viser la proc=C3=A9dure d=C3=A9chets") {
		t.Errorf("the member's copy does not list its overdue action:\n%s", body)
	}
	if unfolded := strings.ReplaceAll(body, "=\r\n", ""); !strings.Contains(unfolded, "celex 32017R0745") || !strings.Contains(unfolded, "/acts/celex/32017R0745") {
		t.Errorf("the member's copy does not list the overdue action of its act mark with the act's page:\n%s", body)
	}
	for _, not := range []string{"Former les op", "Audit =C3=A0 planifier", "Audit à planifier", "l'autre adh"} {
		if strings.Contains(body, not) {
			t.Errorf("the member's copy lists %q, which is not its overdue action", not)
		}
	}
	for _, addr := range []string{"commission-environnement@cluster.example", "veille@forge.example"} {
		for _, m := range e.smtp.to(addr) {
			if strings.Contains(string(m.Data), "viser la proc") {
				t.Errorf("%s got traitement-est's overdue action", addr)
			}
		}
	}
}
