// Package static holds openmap's web pages and assets, embedded in the
// binary: the map page's script and styles, Leaflet (vendored from npm, see
// scripts/vendor-leaflet.sh), the html/template templates of the pages that
// work without JavaScript, and the French and English message catalogues
// that both the script and the templates read.
//
// Nothing here loads from a third-party host: the only outside requests a
// page makes are the base map tiles the instance configures.
package static
