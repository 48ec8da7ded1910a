# openmap in a container: build with cgo on Debian, run on Debian slim with mod_spatialite.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=docker" -o /out/openmap ./cmd/openmap

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-mod-spatialite ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data openmap \
 && mkdir -p /data && chown openmap /data
COPY --from=build /out/openmap /usr/local/bin/openmap
COPY testdata/monaco-and-french-border-2016-03-04.osm.pbf /usr/share/openmap/demo.osm.pbf
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER openmap
VOLUME /data
ENV OPENMAP_DB=/data/openmap.db OPENMAP_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["serve"]
