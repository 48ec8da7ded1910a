package signs

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status is what residents say of a place, as in openmap's reports, plus
// unknown when nobody said anything yet.
type Status string

// The statuses a poster can show.
const (
	StatusOpen        Status = "open"
	StatusOpenAdapted Status = "open_adapted"
	StatusPartial     Status = "partial"
	StatusClosed      Status = "closed"
	StatusGone        Status = "gone"
	StatusUnknown     Status = "unknown"
)

// statusInfo is how a status prints: its words and the colour of its band.
type statusInfo struct {
	big   [2]string // the shop poster's headline, fr then en
	small [2]string // the area sheet's word, fr then en
	rgb   [3]int
}

func statusOf(s Status) (statusInfo, bool) {
	switch s {
	case StatusOpen:
		return statusInfo{[2]string{"OUVERT", "OPEN"}, [2]string{"ouvert", "open"}, [3]int{0x1b, 0x7a, 0x3d}}, true
	case StatusOpenAdapted:
		return statusInfo{[2]string{"HORAIRES ADAPTÉS", "ADAPTED HOURS"}, [2]string{"horaires adaptés", "adapted hours"}, [3]int{0x1f, 0x5f, 0xa8}}, true
	case StatusPartial:
		return statusInfo{[2]string{"OUVERT PARTIELLEMENT", "PARTLY OPEN"}, [2]string{"ouvert en partie", "partly open"}, [3]int{0xb3, 0x5c, 0x00}}, true
	case StatusClosed:
		return statusInfo{[2]string{"FERMÉ TEMPORAIREMENT", "TEMPORARILY CLOSED"}, [2]string{"fermé temporairement", "temporarily closed"}, [3]int{0xb0, 0x1e, 0x1e}}, true
	case StatusGone:
		return statusInfo{[2]string{"FERMÉ DÉFINITIVEMENT", "PERMANENTLY CLOSED"}, [2]string{"fermé définitivement", "permanently closed"}, [3]int{0x33, 0x33, 0x33}}, true
	case StatusUnknown, "":
		return statusInfo{[2]string{"HORAIRES", "OPENING HOURS"}, [2]string{"statut inconnu", "status unknown"}, [3]int{0x55, 0x55, 0x55}}, true
	}
	return statusInfo{}, false
}

// msg is one fixed text in both languages.
type msg [2]string

func (m msg) in(l Lang) string {
	if l == English {
		return m[1]
	}
	return m[0]
}

func (s statusInfo) bigIn(l Lang) string   { return msg(s.big).in(l) }
func (s statusInfo) smallIn(l Lang) string { return msg(s.small).in(l) }

// The fixed texts of the posters.
var (
	msgPrinted     = msg{"Imprimé le %s", "Printed on %s"}
	msgScanShop    = msg{"Scannez pour voir ou mettre à jour ces informations", "Scan to see or update this information"}
	msgScanPad     = msg{"Scannez ou tapez l'adresse pour écrire ensemble", "Scan or type the address to write together"}
	msgHours       = msg{"Horaires", "Opening hours"}
	msgNoHours     = msg{"Horaires non renseignés", "Opening hours not known"}
	msgServices    = msg{"Services", "Services"}
	msgDelivery    = msg{"Livraison", "Delivery"}
	msgTakeaway    = msg{"À emporter", "Takeaway"}
	msgPickup      = msg{"Retrait de commandes", "Order pickup"}
	msgYes         = msg{"oui", "yes"}
	msgNo          = msg{"non", "no"}
	msgRemark      = msg{"Remarque", "Remark"}
	msgOSM         = msg{"Données © OpenStreetMap contributors (ODbL)", "Data © OpenStreetMap contributors (ODbL)"}
	msgLitter      = msg{"Ne pas jeter sur la voie publique", "Do not litter"}
	msgPadHost     = msg{"Pad hébergé par %s", "Pad hosted by %s"}
	msgAreaWithin  = msg{"Lieux à moins de %s de %s", "Places within %s of %s"}
	msgAreaNone    = msg{"Aucun lieu connu dans ce rayon.", "No known place within this radius."}
	msgPage        = msg{"Page %d / %d", "Page %d of %d"}
	msgMapQR       = msg{"La carte ici", "The map here"}
	msgPadQR       = msg{"Le pad du quartier", "The neighbourhood pad"}
	msgContinued   = msg{"(suite)", "(continued)"}
	msgAreaUpdate  = msg{"Ces informations changent : vérifiez sur la carte.", "This information changes: check the map."}
	msgTruncated   = "…"
	frenchMonths   = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	englishMonths  = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	frenchFirstDay = "1er"
)

// date prints a day as people write it: "1er décembre 2026", "1 December 2026".
func date(t time.Time, l Lang) string {
	if l == English {
		return fmt.Sprintf("%d %s %d", t.Day(), englishMonths[t.Month()-1], t.Year())
	}
	d := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		d = frenchFirstDay
	}
	return fmt.Sprintf("%s %s %d", d, frenchMonths[t.Month()-1], t.Year())
}

// distance prints metres as "80 m" or "1,2 km" (French decimal comma).
func distance(m float64, l Lang) string {
	if m < 0 {
		m = 0
	}
	if m < 1000 {
		return fmt.Sprintf("%d m", int(m+0.5))
	}
	s := strconv.FormatFloat(m/1000, 'f', 1, 64)
	if l == French {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " km"
}

// yesNo prints a service flag.
func yesNo(b bool, l Lang) string {
	if b {
		return msgYes.in(l)
	}
	return msgNo.in(l)
}
