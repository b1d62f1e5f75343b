package server

import "fmt"

// editionMessages are the commission's edition's messages, added to the
// catalogue at start-up: kept beside the pages they serve so that the
// catalogue file, edited by every page, gains no block of them. A key
// already in the catalogue is a mistake (one home for each message).
var editionMessages = map[string]map[string]string{
	langFR: {
		"nav.editions":            "Éditions",
		"edition.title":           "Édition de la commission",
		"edition.list":            "Éditions de la commission",
		"edition.list.intro":      "Chaque semaine, l'équipe garde les textes qui comptent, dit en une ligne ce qu'ils changent pour les adhérents et envoie l'édition à la commission.",
		"edition.none":            "Aucune édition envoyée pour l'instant.",
		"edition.feed":            "Flux Atom des éditions",
		"edition.status.draft":    "brouillon",
		"edition.status.approved": "approuvée, en cours d'envoi",
		"edition.status.sent":     "envoyée",
		"edition.sent":            "Envoyée le %s.",
		"edition.discussed":       "Examinée en réunion le %s.",
		"edition.note":            "Impact pour les adhérents",
		"edition.read":            "Lire la source",
		"edition.itempage":        "Fiche",
		"edition.print":           "Imprimer",
		"edition.edit":            "Modifier l'édition",
		"edition.current":         "Semaine en cours : %s",
		"edition.draftnote":       "Brouillon (version %d) : visible de l'équipe seulement.",
		"edition.intro":           "Introduction (français)",
		"edition.intro.en":        "Introduction (anglais, facultatif)",
		"edition.items":           "Textes retenus (%d)",
		"edition.heading":         "Rubrique",
		"edition.note.fr":         "Impact pour les adhérents (français)",
		"edition.note.en":         "Impact (anglais, facultatif)",
		"edition.position":        "Rang",
		"edition.up":              "Monter",
		"edition.down":            "Descendre",
		"edition.remove":          "Retirer",
		"edition.save":            "Enregistrer",
		"edition.saved":           "Enregistré (version %d).",
		"edition.conflict":        "Quelqu'un d'autre a enregistré l'édition entre-temps (version %d) : vos changements n'ont pas été enregistrés. Rechargez la page, puis refaites-les.",
		"edition.frozen":          "L'édition est approuvée : elle ne se modifie plus.",
		"edition.reload":          "Recharger la dernière version",
		"edition.removed":         "Textes retirés (ils ne reviennent pas d'eux-mêmes)",
		"edition.restore":         "Remettre",
		"edition.add":             "Ajouter un texte trouvé par la recherche",
		"edition.search":          "Chercher",
		"edition.addbtn":          "Ajouter",
		"edition.noresult":        "Aucun résultat.",
		"edition.approve":         "Approuver et envoyer",
		"edition.approve.help":    "L'envoi part tout de suite, une seule fois par destinataire ; l'édition ne se modifie plus ensuite.",
		"edition.approved":        "Édition approuvée et envoyée à %d destinataire(s).",
		"edition.history":         "Historique",
		"edition.meeting":         "Examinée en réunion le",
		"edition.meeting.save":    "Enregistrer la date",
		"edition.of":              "Dans l'édition de la commission du %s",
		"edition.sendfail":        "L'envoi n'a pas pu se faire : %s",
	},
	langEN: {
		"nav.editions":            "Editions",
		"edition.title":           "Commission's edition",
		"edition.list":            "Commission's editions",
		"edition.list.intro":      "Each week the staff keep the texts that matter, say in one line what each changes for the members, and send the edition to the commission.",
		"edition.none":            "No edition sent yet.",
		"edition.feed":            "Atom feed of the editions",
		"edition.status.draft":    "draft",
		"edition.status.approved": "approved, being sent",
		"edition.status.sent":     "sent",
		"edition.sent":            "Sent on %s.",
		"edition.discussed":       "Discussed at the meeting of %s.",
		"edition.note":            "Impact for members",
		"edition.read":            "Read the source",
		"edition.itempage":        "Item page",
		"edition.print":           "Print",
		"edition.edit":            "Edit the edition",
		"edition.current":         "Current week: %s",
		"edition.draftnote":       "Draft (version %d): visible to staff only.",
		"edition.intro":           "Introduction (French)",
		"edition.intro.en":        "Introduction (English, optional)",
		"edition.items":           "Texts kept (%d)",
		"edition.heading":         "Heading",
		"edition.note.fr":         "Impact for members (French)",
		"edition.note.en":         "Impact (English, optional)",
		"edition.position":        "Position",
		"edition.up":              "Up",
		"edition.down":            "Down",
		"edition.remove":          "Remove",
		"edition.save":            "Save",
		"edition.saved":           "Saved (version %d).",
		"edition.conflict":        "Someone else saved the edition meanwhile (version %d): your changes were not saved. Reload the page, then make them again.",
		"edition.frozen":          "The edition is approved: it can no longer be edited.",
		"edition.reload":          "Reload the latest version",
		"edition.removed":         "Removed texts (they do not come back on their own)",
		"edition.restore":         "Put back",
		"edition.add":             "Add a text found by search",
		"edition.search":          "Search",
		"edition.addbtn":          "Add",
		"edition.noresult":        "No result.",
		"edition.approve":         "Approve and send",
		"edition.approve.help":    "It is sent at once, once per recipient; the edition can no longer be edited afterwards.",
		"edition.approved":        "Edition approved and sent to %d recipient(s).",
		"edition.history":         "History",
		"edition.meeting":         "Discussed at the meeting of",
		"edition.meeting.save":    "Save the date",
		"edition.of":              "In the commission's edition of %s",
		"edition.sendfail":        "The edition could not be sent: %s",
	},
}

// hasEditions reports whether a digest of the config is editorial.
func (s *Server) hasEditions() bool {
	for _, dg := range s.o.Config.Digests {
		if dg.Editorial {
			return true
		}
	}
	return false
}

func init() {
	for lang, msgs := range editionMessages {
		for k, v := range msgs {
			if _, dup := messages[lang][k]; dup {
				panic(fmt.Sprintf("server: message %s (%s) defined twice", k, lang))
			}
			messages[lang][k] = v
		}
	}
}
