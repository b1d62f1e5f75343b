package i18n

import (
	"fmt"
	"maps"
	"slices"
)

// Message is one message in both languages. Both are required (a test
// fails on an empty one) and hold the same fmt verbs in the same order.
type Message struct{ FR, EN string }

// In is the message's text in l.
func (m Message) In(l Lang) string {
	if l == EN {
		return m.EN
	}
	return m.FR
}

// catalogue is every message, gathered from the area files. A key defined
// in two areas stops the program at start-up: a message has one home.
var catalogue = gather(
	searchMessages,
	jurisdictionMessages,
	sourceMessages,
	digestPageMessages,
	mailMessages,
	titleMessages,
	actMessages,
	editionMessages,
	memberMessages,
	errorMessages,
)

func gather(areas ...map[string]Message) map[string]Message {
	all := map[string]Message{}
	for _, area := range areas {
		for k, m := range area {
			if _, dup := all[k]; dup {
				panic(fmt.Sprintf("i18n: message %q is defined twice", k))
			}
			all[k] = m
		}
	}
	return all
}

// T is the message key in l, its fmt verbs filled with args. A key the
// catalogue lacks comes back as it is, so a page shows which one (the
// tests of server and digest check every key they use exists).
func (l Lang) T(key string, args ...any) string {
	m, ok := catalogue[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m.In(l)
	}
	return fmt.Sprintf(m.In(l), args...)
}

// Has reports whether key has a message, for names that may or may not
// have one ("kind."+kind, "lang."+code).
func Has(key string) bool {
	_, ok := catalogue[key]
	return ok
}

// Lookup is the message key, for the tests that check a list of formats.
func Lookup(key string) (Message, bool) {
	m, ok := catalogue[key]
	return m, ok
}

// Keys lists the catalogue's keys, sorted.
func Keys() []string { return slices.Sorted(maps.Keys(catalogue)) }
