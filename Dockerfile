# syntax=docker/dockerfile:1
# fraiseql-http as a container image: a static binary on a distroless base,
# running as a non-root user, with a HEALTHCHECK on /health.
#
#   docker build -t fraiseql-http --build-arg VCS_REVISION=$(git rev-parse --short=12 HEAD) .
#   docker run -p 8000:8000 -e FRAISEQL_DATABASE_URL=postgres://… \
#     -v $PWD/app.graphql:/app/app.graphql:ro fraiseql-http
#
# The build runs the same command as `make bin/fraiseql-http`, with cgo off so
# the binary links nothing (pgx and the rest are pure Go).
# examples/compose/ runs PostgreSQL, two instances and a load balancer.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY . .
ARG VCS_REVISION=unknown
# The module and build caches survive between builds (BuildKit).
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 make bin/fraiseql-http VCS_REVISION=$VCS_REVISION && ./bin/fraiseql-http version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/fraiseql-http /usr/local/bin/fraiseql-http
COPY --from=build /src/examples/blog/app.graphql /app/app.graphql
# Listen on every interface inside the container; the rest comes from
# FRAISEQL_* variables (docs/configuration.md).
ENV FRAISEQL_HOST=0.0.0.0 \
    FRAISEQL_PORT=8000 \
    FRAISEQL_SCHEMA=/app/app.graphql \
    FRAISEQL_ENVIRONMENT=production \
    FRAISEQL_LOG_FORMAT=json
USER nonroot:nonroot
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=4s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/fraiseql-http", "health"]
ENTRYPOINT ["/usr/local/bin/fraiseql-http"]
CMD ["serve"]
