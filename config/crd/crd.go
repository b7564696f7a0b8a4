// Package crd embeds the imagehub CustomResourceDefinitions that
// `make manifests` generates into bases/, so that the imagehub binary can
// install them without a checkout of the repository.
package crd

import "embed"

// Bases contains the generated CRD manifests, one YAML file per kind, under
// the directory "bases".
//
//go:embed bases/*.yaml
var Bases embed.FS
