// Package digest is the notifier: it decides what to tell whom and
// delivers it once. A digest is built for a period from the items the
// watch first saw in it (build.go), cut per member's competences, rendered
// as one HTML and text mail per recipient (view.go, render.go, page.go
// for the same view on the web, data.go for its JSON) and archived; an
// alert matches a query against new items (alert.go). Every message is
// claimed in the store's ledger before it is sent (send.go), sent by SMTP
// or webhook (mail.go, webhook.go) and retried with backoff
// (notifier.go), so a restart neither loses nor repeats one. Digests run
// on a cron schedule in the config's time zone (schedule.go), but what is
// due is decided from the ledger by Reconcile. check.go holds the
// config rules only a sending process needs (ConfigChecks: the mail server,
// recipients, alert queries read by the index's parser), which
// veille.ParseConfig runs and places at their line.
package digest
