# Builds the controller image that config/manager deploys:
#   docker build -t REGISTRY/imagehub:TAG .
# NOTE: no Docker engine runs on the machines this project is developed and
# tested on, so this file has not been built there.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY api/ api/
COPY cmd/ cmd/
COPY internal/ internal/
# config/ holds the CRDs and samples that the binary embeds.
COPY config/ config/
RUN CGO_ENABLED=0 go build -trimpath -o /out/imagehub ./cmd/imagehub

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/imagehub /usr/local/bin/imagehub
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/imagehub"]
