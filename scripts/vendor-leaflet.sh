#!/bin/sh
# Reproduces static/vendor/leaflet/ from the npm package leaflet@1.9.4:
# only the files the map page uses (script and stylesheet) and the licence.
# Run from the repository root; needs npm.
set -eu
version=1.9.4
dest=static/vendor/leaflet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "leaflet@$version" >/dev/null && tar xzf "leaflet-$version.tgz")
pkg=$tmp/package
rm -rf "$dest"
mkdir -p "$dest"
cp "$pkg/dist/leaflet.js" "$pkg/dist/leaflet.css" "$pkg/LICENSE" "$dest/"
# No image: places are drawn as the page's own SVG shapes and no layer control is shown.
echo "leaflet $version -> $dest"
