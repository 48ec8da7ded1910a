package geo

import "math"

// Sun events computed with the NOAA solar position equations
// (https://gml.noaa.gov/grad/solcalc/calcdetails.html): equation of time and
// declination at the day's solar noon, then the hour angle at the zenith of
// each event. Accuracy is about a minute between the polar circles; this is
// also how KDE's KHolidays (≥ 6.15) computes them, so kopeninghours agrees.

// zenith angles in degrees
const (
	zenithSunriseSet = 90.833 // refraction and the sun's radius
	zenithCivil      = 96.0   // civil twilight: dawn and dusk
)

// sunEventUTC returns the event of the civil day jdn (days since 1970-01-01)
// at lat/lon (degrees, east positive) as seconds after 00:00 UTC of that day,
// and false when the sun does not reach that zenith (polar day or night).
func sunEventUTC(jdn int, lat, lon float64, ev uint8) (float64, bool) {
	zenith := zenithSunriseSet
	if ev == evDawn || ev == evDusk {
		zenith = zenithCivil
	}
	// solar noon of the day: the Julian day number (noon UTC) shifted by the
	// longitude, corrected by the equation of time computed at that noon
	noon := float64(jdn) + 2440588.0 - lon/360
	eqt, _ := solarParams(noon)
	noon -= eqt / 1440
	_, decl := solarParams(noon)
	ha, ok := hourAngle(lat, decl, zenith)
	if !ok {
		return 0, false
	}
	if ev == evDawn || ev == evSunrise {
		ha = -ha
	}
	jd := noon + ha/360
	return (jd - 2440587.5 - float64(jdn)) * 86400, true
}

// solarParams returns the equation of time (minutes) and the declination
// (degrees) at Julian day jd.
func solarParams(jd float64) (float64, float64) {
	T := (jd - 2451545.0) / 36525.0
	L0 := math.Mod(280.46646+T*(36000.76983+T*0.0003032), 360)
	M := 357.52911 + T*(35999.05029-0.0001537*T)
	e := 0.016708634 - T*(0.000042037+0.0000001267*T)
	Mr := M * math.Pi / 180
	C := math.Sin(Mr)*(1.914602-T*(0.004817+0.000014*T)) + math.Sin(2*Mr)*(0.019993-0.000101*T) + math.Sin(3*Mr)*0.000289
	trueLong := L0 + C
	omega := 125.04 - 1934.136*T
	lambda := trueLong - 0.00569 - 0.00478*math.Sin(omega*math.Pi/180)
	eps0 := 23 + (26+(21.448-T*(46.815+T*(0.00059-T*0.001813)))/60)/60
	eps := eps0 + 0.00256*math.Cos(omega*math.Pi/180)
	epsr := eps * math.Pi / 180
	decl := math.Asin(math.Sin(epsr)*math.Sin(lambda*math.Pi/180)) * 180 / math.Pi
	y := math.Tan(epsr / 2)
	y *= y
	L0r := L0 * math.Pi / 180
	eqt := y*math.Sin(2*L0r) - 2*e*math.Sin(Mr) + 4*e*y*math.Sin(Mr)*math.Cos(2*L0r) - 0.5*y*y*math.Sin(4*L0r) - 1.25*e*e*math.Sin(2*Mr)
	return 4 * eqt * 180 / math.Pi, decl
}

func hourAngle(lat, decl, zenith float64) (float64, bool) {
	latr := lat * math.Pi / 180
	dr := decl * math.Pi / 180
	c := math.Cos(zenith*math.Pi/180)/(math.Cos(latr)*math.Cos(dr)) - math.Tan(latr)*math.Tan(dr)
	if c < -1 || c > 1 || math.IsNaN(c) {
		return 0, false
	}
	return math.Acos(c) * 180 / math.Pi, true
}
