package refs

import "testing"

func TestOfficialURL(t *testing.T) {
	for _, c := range []struct{ kind, id, want string }{
		{KindEUAct, "Regulation (EU) 2017/745", "http://data.europa.eu/eli/reg/2017/745/oj"},
		{KindEUAct, "Regulation (EC) 1907/2006", "http://data.europa.eu/eli/reg/2006/1907/oj"},
		{KindEUAct, "Directive 2003/87/EC", "http://data.europa.eu/eli/dir/2003/87/oj"},
		{KindEUAct, "Directive (EU) 2020/361", "http://data.europa.eu/eli/dir/2020/361/oj"},
		{KindEUAct, "Decision (EU) 2021/0001", "http://data.europa.eu/eli/dec/2021/1/oj"},
		{KindEUAct, "Règlement sans numéro", ""},
		{KindCELEX, "32017R0745", "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32017R0745"},
		{KindCFR, "29 CFR 1910.1200(j)(2)(i)", "https://www.ecfr.gov/current/title-29/section-1910.1200"},
		{KindCFR, "29 CFR 1910 subpart Q", "https://www.ecfr.gov/current/title-29/part-1910/subpart-Q"},
		{KindCFR, "21 CFR 820", "https://www.ecfr.gov/current/title-21/part-820"},
		{KindFRDoc, "89 FR 44144", "https://www.federalregister.gov/citation/89-FR-44144"},
		{KindNOR, "TREL1821693V", "https://www.legifrance.gouv.fr/search/all?query=TREL1821693V&searchField=ALL&tab_selection=all"},
		{KindFRAct, "décret n° 2021-147", "https://www.legifrance.gouv.fr/search/all?query=%22d%C3%A9cret+n%C2%B0+2021-147%22&searchField=ALL&tab_selection=all"},
		{KindFRAct, "arrêté du 1er juin 2015", ""},
		{KindICPE, "2565", ""},
		{KindStandard, "ISO 13485:2016", ""},
	} {
		if got := OfficialURL(c.kind, c.id, "en"); got != c.want {
			t.Errorf("OfficialURL(%s, %q) = %q, want %q", c.kind, c.id, got, c.want)
		}
	}
	if got := OfficialURL(KindCELEX, "32017R0745", "fr"); got != "https://eur-lex.europa.eu/legal-content/FR/TXT/?uri=CELEX:32017R0745" {
		t.Errorf("CELEX in French: %s", got)
	}
}
