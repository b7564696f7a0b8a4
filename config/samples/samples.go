// Package samples embeds the sample objects of config/samples, so that
// `imagehub run-local` can apply them without a checkout of the repository.
package samples

import "embed"

// Files contains the sample manifests, one or more YAML documents per file.
// The kustomization.yaml beside them is left out.
//
//go:embed imagehub_v1_*.yaml
var Files embed.FS
