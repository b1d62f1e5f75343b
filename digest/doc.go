// Package digest is the notifier: it decides what to tell whom and
// delivers it once. Its files follow the steps.
//
//   - select: select.go reads which items the watch first saw in a stretch
//     of time concern the readers, from what the store keeps beside each
//     item (store.Selected), and decodes only those it lists.
//   - build: build.go makes a period's digest (items, coverage of the
//     sources, deadlines.go, overdue.go for a member's register), cut per
//     member's competences; archive.go keeps it as first built and reads
//     it back (Archive, which the web pages use without a Notifier).
//   - render: view.go and render.go lay a digest out as one HTML and text
//     mail per recipient and language (page.go, data.go and pdf.go for the
//     web, JSON and PDF); edition*.go is the commission's edition.
//   - deliver: recipients.go says who gets which copy (a member's stored
//     profile chooses weekly, daily or none), send.go claims each message
//     in the store's ledger before it is sent, deliver.go sends it by SMTP
//     or webhook (mail.go, webhook.go) and retries with backoff, so a
//     restart neither loses nor repeats one.
//   - alert: alert.go matches a rule's query against the new items with
//     one index call (index.MatchIDs), alert_send.go and alert_render.go
//     deliver the matches, alert_replay.go tries a rule on past items;
//     saved.go mails followed saved searches the same way.
//   - schedule: digests run on a cron schedule in the config's time zone
//     (schedule.go), but what is due is decided from the ledger by
//     Reconcile.
//
// check.go holds the config rules only a sending process needs
// (ConfigChecks: the mail server, recipients, alert queries read by the
// index's parser), which veille.ParseConfig runs and places at their line.
package digest
