#!/bin/sh
# Import the bundled demo extract on first start when no database exists yet,
# then run the given openmap subcommand (serve by default).
set -e
if [ ! -f "$OPENMAP_DB" ] && [ -z "$OPENMAP_SKIP_DEMO" ]; then
	openmap import --source demo /usr/share/openmap/demo.osm.pbf
fi
exec openmap "$@"
