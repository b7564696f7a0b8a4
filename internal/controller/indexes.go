package controller

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/naming"
)

// Cache index names. The reconcilers find related objects through these
// indexes, never by guessing object names or by label.
const (
	// indexImageName indexes Images by spec.name.
	indexImageName = "spec.name"
	// indexImageRepository indexes Images by the org/repo of spec.name.
	indexImageRepository = "spec.repository"
	// indexRepositoryName indexes Repositories by spec.name.
	indexRepositoryName = "spec.name"
	// indexRepositoryOrganization indexes Repositories by the org of spec.name.
	indexRepositoryOrganization = "spec.organization"
	// indexDataPackRepositories indexes DataPacks by every org/repo that
	// spec.names mentions, tagged or not.
	indexDataPackRepositories = "spec.repositories"
)

// repositoryOf returns the org/repo of an image reference, or "" when it
// does not parse.
func repositoryOf(reference string) string {
	ref, err := naming.Parse(reference)
	if err != nil {
		return ""
	}
	return ref.Repository()
}

// nonEmpty returns values without empty strings, or nil.
func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// setupIndexes registers the cache indexes the reconcilers use.
func setupIndexes(ctx context.Context, indexer client.FieldIndexer) error {
	indexes := []struct {
		obj     client.Object
		field   string
		extract client.IndexerFunc
	}{
		{&imagehubv1.Image{}, indexImageName, func(o client.Object) []string {
			return nonEmpty(string(o.(*imagehubv1.Image).Spec.Name))
		}},
		{&imagehubv1.Image{}, indexImageRepository, func(o client.Object) []string {
			return nonEmpty(repositoryOf(string(o.(*imagehubv1.Image).Spec.Name)))
		}},
		{&imagehubv1.Repository{}, indexRepositoryName, func(o client.Object) []string {
			return nonEmpty(string(o.(*imagehubv1.Repository).Spec.Name))
		}},
		{&imagehubv1.Repository{}, indexRepositoryOrganization, func(o client.Object) []string {
			ref, err := naming.Parse(string(o.(*imagehubv1.Repository).Spec.Name))
			if err != nil {
				return nil
			}
			return []string{ref.Org}
		}},
		{&imagehubv1.DataPack{}, indexDataPackRepositories, func(o client.Object) []string {
			seen := map[string]bool{}
			var repos []string
			for _, name := range o.(*imagehubv1.DataPack).Spec.Names {
				if repo := repositoryOf(string(name)); repo != "" && !seen[repo] {
					seen[repo] = true
					repos = append(repos, repo)
				}
			}
			return repos
		}},
	}
	for _, index := range indexes {
		if err := indexer.IndexField(ctx, index.obj, index.field, index.extract); err != nil {
			return fmt.Errorf("failed to add index %s on %T: %w", index.field, index.obj, err)
		}
	}
	return nil
}
