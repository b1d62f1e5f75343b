package server

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// box is an element's place on the page, in CSS pixels.
type box struct {
	Top, Bottom, Left, Right, Width float64
	Visible                         bool
}

func (b *browser) box(t *testing.T, sel string) box {
	t.Helper()
	js := `(() => { const e = document.querySelector(` + "`" + sel + "`" + `); if (!e) return {Visible: false};
	  const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
	  return {Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right, Width: r.width,
	    Visible: r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"}; })()`
	return value(t, b, "box of "+sel, chromedp.Evaluate[box](js))
}

// TestPhoneLayout opens a search on a 400 px wide phone: the first result
// is in the first screen, the facets wait behind a button that opens
// them, and the language link is whole on screen, in both languages.
func TestPhoneLayout(t *testing.T) {
	b := newBrowser(t)
	f := sharedFixture(t)
	dir := artifactDir(t)
	const width, height = 400, 800
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"fr", "en"} {
		b.navigate(t, "search on a phone", chromedp.Navigate(f.ts.URL+"/?q=d%C3%A9chets&ui="+lang))
		b.do(t, "results", chromedp.WaitVisible(chromedp.CSS("ol.hits")))
		vw := value(t, b, "viewport width", chromedp.Evaluate[float64](`window.innerWidth`))
		vh := value(t, b, "viewport height", chromedp.Evaluate[float64](`window.innerHeight`))
		if vw > width+1 {
			t.Errorf("%s: the page is %v px wide on a %d px screen", lang, vw, width)
		}
		first := b.box(t, "ol.hits > li:first-child h2")
		if !first.Visible || first.Top < 0 || first.Bottom > vh {
			t.Errorf("%s: the first result's title is at %v–%v px, outside the first screen of %v px", lang, first.Top, first.Bottom, vh)
		}
		sw := b.box(t, "header.top a.switch")
		if !sw.Visible || sw.Left < 0 || sw.Right > vw || sw.Width < 20 {
			t.Errorf("%s: the language link is at %v–%v px of %v (width %v): cut or hidden", lang, sw.Left, sw.Right, vw, sw.Width)
		}
		if over := value(t, b, "overflow", chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); over > width+1 {
			t.Errorf("%s: the page is %v px wide on a %d px phone", lang, over, width)
		}
		if facets := b.box(t, "aside.facets"); facets.Visible {
			t.Errorf("%s: the facets are open before the results on a phone", lang)
		}
		b.screenshot(t, dir, "phone-search-"+lang+".png")
		// The button opens them, without script.
		b.do(t, "open the facets", chromedp.Click(chromedp.CSS("label.facets-button")))
		if facets := b.box(t, "aside.facets"); !facets.Visible {
			t.Errorf("%s: the facets button does not show the facets", lang)
		}
		if got := b.text(t, "label.facets-button"); !strings.Contains(got, map[string]string{"fr": "Filtres", "en": "Filters"}[lang]) {
			t.Errorf("%s: the facets button says %q", lang, got)
		}
		b.screenshot(t, dir, "phone-facets-"+lang+".png")
	}
	// The other pages fit the phone too: a wide table scrolls in its box,
	// the page does not.
	for _, path := range []string{"/sources?ui=fr", "/digests?ui=fr", "/items/" + url.PathEscape(hostileID) + "?ui=fr", "/nowhere?ui=en"} {
		b.do(t, "open "+path, chromedp.Navigate(f.ts.URL+path))
		b.do(t, "wait for "+path, chromedp.WaitVisible(chromedp.CSS("main")))
		// A mobile browser widens its layout to the content: a page too
		// wide shows as a window wider than the screen.
		if vw := value(t, b, "viewport width", chromedp.Evaluate[float64](`Math.max(window.innerWidth, document.documentElement.scrollWidth)`)); vw > width+1 {
			t.Errorf("%s is %v px wide on a %d px phone", path, vw, width)
		}
		if sw := b.box(t, "header.top a.switch"); !sw.Visible || sw.Right > width {
			t.Errorf("%s: the language link is cut on a phone", path)
		}
	}
	b.do(t, "open sources", chromedp.Navigate(f.ts.URL+"/sources?ui=fr"))
	b.screenshot(t, dir, "phone-sources.png")

	// On a wide screen the facets are there at once, no button.
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: 1280, Height: 900, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}
	b.navigate(t, "search on a desktop", chromedp.Navigate(f.ts.URL+"/?q=d%C3%A9chets&ui=fr"))
	if !b.box(t, "aside.facets").Visible || b.box(t, "label.facets-button").Visible {
		t.Error("on a wide screen the facets should show at once and the button not at all")
	}
}
