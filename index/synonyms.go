package index

import "github.com/nogentech/veille"

// synonyms expands a query word that regulatory texts usually spell out:
// people search "ICPE" or "UDI", acts write "installations classées" or
// "identifiant unique des dispositifs". Keys are folded single words; each
// expansion is searched as a phrase in both languages at a lower weight than
// the word itself, so an item using the word still ranks first. A few
// French/English pairs of core terms let an English query reach French acts
// and the reverse.
var synonyms = map[string][]string{
	// Acronyms of French, EU and US regulation.
	"icpe":    {"installations classées"},
	"udi":     {"identifiant unique des dispositifs", "unique device identification", "unique device identifier", "IUD"},
	"iud":     {"identifiant unique des dispositifs", "UDI"},
	"pfas":    {"polyfluoroalkylées", "perfluoroalkylées", "polyfluoroalkyl", "perfluoroalkyl"},
	"mdr":     {"2017/745", "medical device regulation", "règlement relatif aux dispositifs médicaux"},
	"ivdr":    {"2017/746", "in vitro diagnostic"},
	"ied":     {"émissions industrielles", "industrial emissions"},
	"deee":    {"équipements électriques et électroniques", "WEEE"},
	"weee":    {"electrical and electronic equipment", "DEEE"},
	"vhu":     {"véhicules hors d'usage", "end-of-life vehicles"},
	"elv":     {"end-of-life vehicles", "véhicules hors d'usage"},
	"ets":     {"emissions trading", "échange de quotas", "quotas d'émission"},
	"seqe":    {"échange de quotas", "emissions trading"},
	"cbam":    {"carbon border adjustment", "ajustement carbone aux frontières", "MACF"},
	"macf":    {"ajustement carbone aux frontières", "CBAM"},
	"lpp":     {"liste des produits et prestations"},
	"cmr":     {"cancérogènes", "mutagènes", "reprotoxiques", "carcinogenic", "mutagenic"},
	"epi":     {"équipements de protection individuelle", "personal protective equipment"},
	"ppe":     {"personal protective equipment", "équipements de protection individuelle"},
	"rep":     {"responsabilité élargie des producteurs", "extended producer responsibility"},
	"epr":     {"extended producer responsibility", "responsabilité élargie des producteurs"},
	"mtd":     {"meilleures techniques disponibles", "best available techniques"},
	"bat":     {"best available techniques", "meilleures techniques disponibles"},
	"cov":     {"composés organiques volatils", "volatile organic compounds"},
	"voc":     {"volatile organic compounds", "composés organiques volatils"},
	"qmsr":    {"quality management system regulation", "21 CFR 820"},
	"fsn":     {"field safety notice", "avis de sécurité"},
	"fsca":    {"field safety corrective action", "mesure corrective de sécurité"},
	"eudamed": {"base de données européenne sur les dispositifs médicaux", "european database on medical devices"},
	"ssi":     {"sauveteur secouriste du travail"},
	"sst":     {"sauveteur secouriste du travail", "santé et sécurité au travail"},
	"osh":     {"occupational safety and health", "santé et sécurité au travail"},
	"tms":     {"troubles musculosquelettiques", "musculoskeletal disorders"},
	"msd":     {"musculoskeletal disorders", "troubles musculosquelettiques"},

	// Core terms across the two languages.
	"waste":            {"déchets"},
	"dechet":           {"waste"},
	"dechets":          {"waste"},
	"asbestos":         {"amiante"},
	"amiante":          {"asbestos"},
	"recall":           {"rappel"},
	"recalls":          {"rappel"},
	"rappel":           {"recall"},
	"noise":            {"bruit"},
	"bruit":            {"noise"},
	"dust":             {"poussières"},
	"poussieres":       {"dust"},
	"machinery":        {"machines"},
	"chromium":         {"chrome"},
	"chrome":           {"chromium"},
	"implant":          {"implants", "implantable"},
	"prosthesis":       {"prothèse", "endoprothèse"},
	"protheses":        {"prostheses"},
	"prothese":         {"prosthesis"},
	"sterilisation":    {"sterilization", "stérilisation"},
	"sterilization":    {"stérilisation", "sterilisation"},
	"vigilance":        {"matériovigilance"},
	"materiovigilance": {"vigilance", "incident reporting"},
	"reimbursement":    {"remboursement", "prise en charge"},
	"remboursement":    {"reimbursement"},
	"water":            {"eau", "eaux"},
	"air":              {"atmosphère"},
	"emissions":        {"rejets"},
	"rejets":           {"emissions"},
	"forging":          {"forge", "forgeage"},
	"forge":            {"forging"},
	"machining":        {"usinage"},
	"usinage":          {"machining"},
	"polishing":        {"polissage"},
	"polissage":        {"polishing"},
	"plating":          {"galvanoplastie", "revêtement métallique"},
	"galvanoplastie":   {"electroplating", "plating"},
}

// synonymBoost keeps an expansion below the word the user typed.
const synonymBoost = 0.6

// expansions returns the synonyms of a single query word.
func expansions(word string) []string {
	return synonyms[veille.Fold(word)]
}
