package api

import (
	"github.com/labstack/echo/v4"
)

// routes lists every route of the API, in one place. Pages (Deps.Pages) add
// theirs after these.
func (s *Server) routes(e *echo.Echo) {
	e.Use(s.observe, s.secure, s.limitBody)

	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metricsText)

	v1 := e.Group("/api/v1")
	v1.GET("/places", s.listPlaces, s.limitReads)
	v1.GET("/places/:type/:id", s.getPlace, s.limitReads)
	v1.POST("/places/:type/:id/reports", s.postReport, s.limitReports)
	v1.GET("/hours/check", s.checkHours, s.limitReads)
	v1.GET("/search", s.search, s.limitReads)
	v1.GET("/categories", s.categories, s.limitReads)
	v1.GET("/stats", s.getStats, s.limitReads)
	v1.GET("/config", s.config, s.limitReads)
	v1.GET("/export.geojson", s.exportGeoJSON, s.limitReads)
	v1.GET("/export.csv", s.exportCSV, s.limitReads)
	v1.GET("/openapi.json", s.openAPI, s.limitReads)

	// Moderators clearing a wave of spam are not held to the budget of
	// anonymous report posts; the read budget still bounds token guessing.
	mod := v1.Group("/moderation", s.limitReads, s.requireRole("moderator"))
	mod.POST("/reports/:rid/hide", s.hideReport)
	mod.POST("/reports/:rid/unhide", s.unhideReport)
	mod.POST("/contributors/block", s.blockContributor)
	mod.POST("/places/:type/:id/lock", s.lockPlace)
	mod.POST("/places/:type/:id/unlock", s.unlockPlace)

	// Posters as PDF, and the form that makes them (no JavaScript needed).
	e.GET("/signs", s.signsForm, s.limitReads)
	e.GET("/signs/shop/:type/:file", s.shopPDF, s.limitReads)
	e.GET("/signs/neighbour.pdf", s.neighbourPDF, s.limitReads)
	e.GET("/signs/area.pdf", s.areaPDF, s.limitReads)

	// The mapper pages: OSM login, review queue, upload, export (issue 7).
	mp := e.Group("/mapper", s.limitReads)
	mp.GET("", s.mapperHome)
	mp.GET("/login", s.mapperLogin)
	mp.GET("/callback", s.mapperCallback)
	mp.POST("/logout", s.mapperLogout)
	mp.POST("/approve", s.mapperApprove)
	mp.POST("/reject", s.mapperReject)
	mp.POST("/upload", s.mapperUpload)
	mp.GET("/export.osc", s.mapperExport)
}
