// Package e2e holds openmap's end-to-end tests: a real server on a database
// imported from a real OSM extract, driven by Debian's headless chromium
// through chromedp, with base tiles served by the test itself. Screenshots
// of each step go to artifacts/e2e/ at the repository root (git-ignored).
//
// Without chromium the browser tests skip, unless CI is set, where they
// fail. The page-weight test needs no browser.
package e2e
