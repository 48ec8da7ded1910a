package osmsync

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"codeberg.org/openmap/openmap/geo"
)

// ChangesetOptions are an instance's changeset conventions.
type ChangesetOptions struct {
	// Version is openmap's version, for created_by=openmap <version>.
	Version string
	// Hashtags are the instance's hashtags ("#openmap", "#ResteOuvertParis"),
	// written in the hashtags tag and at the end of the comment.
	Hashtags []string
	// Locale is the instance's language, written in the locale tag ("fr").
	Locale string
	// CommentLanguage is the language of the generated comment: "en" (the
	// default: the comment is read by mappers everywhere, and OSM's tools
	// and the Data Working Group expect English) or "fr" for a local
	// community that prefers its language.
	CommentLanguage string
	// Suffix is the crisis profile's key suffix, to name its keys.
	Suffix string
}

// ChangeItem is one element's change as the comment sees it: the diff, and
// the element's tags (which say what the place is).
type ChangeItem struct {
	Diff geo.TagDiff
	Tags map[string]string
}

// ChangesetTags returns the tags of a changeset holding items:
// created_by, comment, source=survey, hashtags, locale.
func ChangesetTags(opt ChangesetOptions, items []ChangeItem) map[string]string {
	v := opt.Version
	if v == "" {
		v = "dev"
	}
	tags := map[string]string{
		"created_by": "openmap " + v,
		"source":     "survey",
		"comment":    Comment(opt, items),
	}
	var hs []string
	for _, h := range opt.Hashtags {
		if h = strings.TrimSpace(h); h != "" {
			hs = append(hs, "#"+strings.TrimPrefix(h, "#"))
		}
	}
	if len(hs) > 0 {
		tags["hashtags"] = strings.Join(hs, ";")
	}
	if opt.Locale != "" {
		tags["locale"] = opt.Locale
	}
	return tags
}

// what a diff does, as the comment names it
type action int

const (
	actHours action = iota
	actServices
	actDescription
	actCheck
	actLifecycle
	actRemoval
)

func classify(d geo.TagDiff, suffix string) map[action]bool {
	acts := map[action]bool{}
	removal := len(d) > 0 && suffix != ""
	for _, c := range d {
		base, suf, _ := strings.Cut(c.Key, ":")
		if c.New != "" || suf != suffix {
			removal = false
		}
		switch {
		case strings.HasPrefix(c.Key, "disused:"):
			acts[actLifecycle] = true
		case base == "opening_hours" || c.Key == "check_date:opening_hours":
			acts[actHours] = true
		case base == "delivery" || base == "takeaway":
			acts[actServices] = true
		case base == "description":
			acts[actDescription] = true
		case c.Key == "check_date":
			acts[actCheck] = true
		}
	}
	if removal {
		return map[action]bool{actRemoval: true}
	}
	if acts[actLifecycle] {
		return map[action]bool{actLifecycle: true}
	}
	if len(acts) > 1 {
		delete(acts, actCheck) // check_date rides along with any other change
	}
	return acts
}

// Comment generates the changeset comment, e.g. "Updated opening hours of
// 3 bakeries, from residents' reports on openmap reviewed by the mapper
// #openmap", in English unless opt.CommentLanguage is "fr". At most 255
// characters.
func Comment(opt ChangesetOptions, items []ChangeItem) string {
	fr := opt.CommentLanguage == "fr"
	acts := map[action]int{}
	counts := map[string]int{} // noun key → count
	for _, it := range items {
		for a := range classify(it.Diff, opt.Suffix) {
			acts[a]++
		}
		counts[kindOf(it.Tags)]++
	}
	what := countsPhrase(counts, fr)
	only := func(a action) bool { return len(acts) == 1 && acts[a] > 0 }
	var s string
	switch {
	case len(items) == 0:
		s = map[bool]string{false: "No change", true: "Aucune modification"}[fr]
	case only(actRemoval):
		s = pick(fr, fmt.Sprintf("Removed the temporary %s tags of %s", opt.Suffix, what),
			fmt.Sprintf("Retrait des clés temporaires %s de %s", opt.Suffix, what))
	case only(actLifecycle):
		s = pick(fr, fmt.Sprintf("Marked %s as closed for good (disused)", what),
			fmt.Sprintf("Fermeture définitive de %s (disused)", what))
	case only(actCheck):
		s = pick(fr, fmt.Sprintf("Confirmed that %s are still in business (check_date)", what),
			fmt.Sprintf("Confirmation que %s sont toujours en activité (check_date)", what))
	default:
		var parts []string
		crisis := ""
		if opt.Suffix != "" {
			crisis = opt.Suffix + " "
		}
		if acts[actHours] > 0 {
			parts = append(parts, pick(fr, crisis+"opening hours", "horaires "+crisis))
		}
		if acts[actServices] > 0 {
			parts = append(parts, pick(fr, crisis+"delivery/takeaway", "livraison/vente à emporter "+crisis))
		}
		if acts[actDescription] > 0 {
			parts = append(parts, pick(fr, crisis+"description", "description "+crisis))
		}
		if acts[actCheck] > 0 {
			parts = append(parts, pick(fr, "check date", "date de vérification"))
		}
		s = pick(fr, "Updated "+join(parts, "and")+" of "+what,
			"Mise à jour : "+strings.TrimSpace(join(parts, "et"))+" de "+what)
	}
	if !only(actRemoval) {
		s += pick(fr, ", from residents' reports on openmap reviewed by the mapper",
			", d'après les signalements d'habitants sur openmap, relus par le contributeur")
	}
	for _, h := range opt.Hashtags {
		if h = strings.TrimSpace(h); h != "" {
			s += " #" + strings.TrimPrefix(h, "#")
		}
	}
	if utf8.RuneCountInString(s) > geo.MaxTagLength {
		r := []rune(s)
		s = string(r[:geo.MaxTagLength-1]) + "…"
	}
	return s
}

func pick(fr bool, en, frs string) string {
	if fr {
		return frs
	}
	return en
}

func join(parts []string, and string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + and + " " + parts[len(parts)-1]
}

// countsPhrase says "3 bakeries and 1 pharmacy" (at most three kinds, the
// rest as "other places").
func countsPhrase(counts map[string]int, fr bool) string {
	type kc struct {
		k string
		n int
	}
	var ks []kc
	for k, n := range counts {
		ks = append(ks, kc{k, n})
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].n != ks[j].n {
			return ks[i].n > ks[j].n
		}
		return noun(ks[i].k, ks[i].n, fr) < noun(ks[j].k, ks[j].n, fr)
	})
	var parts []string
	other := 0
	for i, x := range ks {
		if i >= 3 && len(ks) > 4 {
			other += x.n
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s", x.n, noun(x.k, x.n, fr)))
	}
	if other > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", other, pick(fr, "other places", "autres lieux")))
	}
	return join(parts, pick(fr, "and", "et"))
}

// kindOf names what a place is from its main tag: "shop=bakery".
func kindOf(tags map[string]string) string {
	for _, k := range []string{"shop", "amenity", "craft", "healthcare", "office", "disused:shop", "disused:amenity"} {
		if v := tags[k]; v != "" {
			return strings.TrimPrefix(k, "disused:") + "=" + v
		}
	}
	return ""
}

// nouns are the English and French names (singular, plural) of the most
// common kinds; the others get a generic name.
var nouns = map[string][4]string{
	"shop=bakery":           {"bakery", "bakeries", "boulangerie", "boulangeries"},
	"shop=pastry":           {"pastry shop", "pastry shops", "pâtisserie", "pâtisseries"},
	"shop=butcher":          {"butcher", "butchers", "boucherie", "boucheries"},
	"shop=supermarket":      {"supermarket", "supermarkets", "supermarché", "supermarchés"},
	"shop=convenience":      {"convenience store", "convenience stores", "épicerie", "épiceries"},
	"shop=greengrocer":      {"greengrocer", "greengrocers", "primeur", "primeurs"},
	"shop=hairdresser":      {"hairdresser", "hairdressers", "coiffeur", "coiffeurs"},
	"shop=clothes":          {"clothes shop", "clothes shops", "magasin de vêtements", "magasins de vêtements"},
	"shop=newsagent":        {"newsagent", "newsagents", "marchand de journaux", "marchands de journaux"},
	"shop=tobacco":          {"tobacconist", "tobacconists", "bureau de tabac", "bureaux de tabac"},
	"shop=florist":          {"florist", "florists", "fleuriste", "fleuristes"},
	"amenity=pharmacy":      {"pharmacy", "pharmacies", "pharmacie", "pharmacies"},
	"amenity=restaurant":    {"restaurant", "restaurants", "restaurant", "restaurants"},
	"amenity=fast_food":     {"fast-food restaurant", "fast-food restaurants", "restauration rapide", "restaurations rapides"},
	"amenity=cafe":          {"café", "cafés", "café", "cafés"},
	"amenity=bar":           {"bar", "bars", "bar", "bars"},
	"amenity=pub":           {"pub", "pubs", "pub", "pubs"},
	"amenity=bank":          {"bank", "banks", "banque", "banques"},
	"amenity=post_office":   {"post office", "post offices", "bureau de poste", "bureaux de poste"},
	"amenity=doctors":       {"doctor's office", "doctors' offices", "cabinet médical", "cabinets médicaux"},
	"amenity=dentist":       {"dentist", "dentists", "dentiste", "dentistes"},
	"amenity=fuel":          {"fuel station", "fuel stations", "station-service", "stations-service"},
	"amenity=library":       {"library", "libraries", "bibliothèque", "bibliothèques"},
	"amenity=townhall":      {"town hall", "town halls", "mairie", "mairies"},
	"amenity=marketplace":   {"market", "markets", "marché", "marchés"},
	"amenity=ice_cream":     {"ice cream shop", "ice cream shops", "glacier", "glaciers"},
	"healthcare=pharmacy":   {"pharmacy", "pharmacies", "pharmacie", "pharmacies"},
	"healthcare=doctor":     {"doctor", "doctors", "médecin", "médecins"},
	"shop=books":            {"bookshop", "bookshops", "librairie", "librairies"},
	"shop=optician":         {"optician", "opticians", "opticien", "opticiens"},
	"shop=beauty":           {"beauty salon", "beauty salons", "institut de beauté", "instituts de beauté"},
	"shop=car_repair":       {"car repair shop", "car repair shops", "garage", "garages"},
	"shop=wine":             {"wine shop", "wine shops", "caviste", "cavistes"},
	"shop=alcohol":          {"liquor store", "liquor stores", "caviste", "cavistes"},
	"shop=hardware":         {"hardware store", "hardware stores", "quincaillerie", "quincailleries"},
	"shop=doityourself":     {"DIY store", "DIY stores", "magasin de bricolage", "magasins de bricolage"},
	"shop=mobile_phone":     {"phone shop", "phone shops", "magasin de téléphonie", "magasins de téléphonie"},
	"shop=dry_cleaning":     {"dry cleaner", "dry cleaners", "pressing", "pressings"},
	"shop=laundry":          {"laundry", "laundries", "laverie", "laveries"},
	"shop=seafood":          {"fishmonger", "fishmongers", "poissonnerie", "poissonneries"},
	"shop=cheese":           {"cheese shop", "cheese shops", "fromagerie", "fromageries"},
	"shop=deli":             {"delicatessen", "delicatessens", "traiteur", "traiteurs"},
	"shop=department_store": {"department store", "department stores", "grand magasin", "grands magasins"},
}

func noun(kind string, n int, fr bool) string {
	i := 0
	if n != 1 {
		i = 1
	}
	if fr {
		i += 2
	}
	if w, ok := nouns[kind]; ok {
		return w[i]
	}
	key, val, _ := strings.Cut(kind, "=")
	switch {
	case fr:
		return [2]string{"lieu", "lieux"}[i-2]
	case kind == "":
		return [2]string{"place", "places"}[i]
	case key == "shop":
		return strings.ReplaceAll(val, "_", " ") + [2]string{" shop", " shops"}[i]
	}
	return [2]string{"place", "places"}[i] + " (" + kind + ")"
}
