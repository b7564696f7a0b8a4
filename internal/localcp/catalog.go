package localcp

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/sets"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/naming"
)

// catalogProgressStep is how many applied Images make one progress line.
const catalogProgressStep = 100

// CatalogOptions configure LoadCatalog.
type CatalogOptions struct {
	// Path is a file of Image objects, as YAML documents or JSON objects.
	Path string
	// Timeout bounds the wait for the Repositories after the Images are
	// applied. Zero skips the wait.
	Timeout time.Duration
	// SettleTime ends the wait early when the count of ready Repositories
	// has not changed for this long, for example because the file lists
	// repositories that the controller does not create.
	SettleTime time.Duration
	// PollInterval is how often the Repositories are listed while waiting.
	PollInterval time.Duration
}

// CatalogResult is the outcome of LoadCatalog.
type CatalogResult struct {
	// Images is how many Images were applied.
	Images int
	// Repositories is how many distinct org/repo the Images name.
	Repositories int
	// RepositoriesReady is how many of those Repositories exist and list
	// at least one tag when the wait ends.
	RepositoriesReady int
	// Duration is the time from reading the file to the end of the wait.
	Duration time.Duration
}

// LoadCatalog applies every Image in the file opts.Path, creating or
// updating it, then waits until the controller has built the Repositories
// those Images belong to. It logs a progress line per hundred Images and a
// summary. It stops at the first Image that fails to apply.
func LoadCatalog(ctx context.Context, c client.Client, opts CatalogOptions) (CatalogResult, error) {
	start := time.Now()
	logger := log.FromContext(ctx).WithValues("catalog", opts.Path)
	images, repositories, err := readCatalog(opts.Path)
	if err != nil {
		return CatalogResult{}, err
	}
	logger.Info("Loading the catalog", "images", len(images), "repositories", repositories.Len())
	for i, image := range images {
		if err := Apply(ctx, c, image); err != nil {
			return CatalogResult{Images: i}, err
		}
		if applied := i + 1; applied%catalogProgressStep == 0 {
			logger.Info("Applied catalog images", "applied", applied, "total", len(images))
		}
	}
	ready, err := waitForRepositories(ctx, c, repositories, opts)
	if err != nil {
		return CatalogResult{Images: len(images)}, err
	}
	result := CatalogResult{
		Images:            len(images),
		Repositories:      repositories.Len(),
		RepositoriesReady: ready,
		Duration:          time.Since(start),
	}
	logger.Info("Loaded the catalog", "images", result.Images, "repositoriesReady", result.RepositoriesReady,
		"repositories", result.Repositories, "duration", result.Duration.Round(time.Millisecond).String())
	return result, nil
}

// readCatalog decodes the catalog file and returns its Images and the
// distinct org/repo they name. Any object that is not an imagehub Image is
// an error, so that a wrong file is caught before anything is applied.
func readCatalog(path string) ([]*unstructured.Unstructured, sets.Set[string], error) {
	objects, err := DecodeFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to load the catalog: %w", err)
	}
	repositories := sets.New[string]()
	for i, obj := range objects {
		gvk := obj.GroupVersionKind()
		if gvk != imagehubv1.GroupVersion.WithKind("Image") {
			return nil, nil, fmt.Errorf("invalid catalog object %d (%s %s) in %s: only %s Image objects are accepted",
				i+1, gvk.Kind, obj.GetName(), path, imagehubv1.GroupVersion)
		}
		name, _, _ := unstructured.NestedString(obj.Object, "spec", "name")
		ref, err := naming.Parse(name)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid catalog Image %s in %s: %w", obj.GetName(), path, err)
		}
		repositories.Insert(ref.Repository())
	}
	return objects, repositories, nil
}

// waitForRepositories polls the Repositories until all of the expected ones are
// ready, the count has not changed for opts.SettleTime, or opts.Timeout has
// passed, and returns the last count. Only a failed list or a cancelled ctx
// is an error: a partial count is reported, not treated as a failure.
func waitForRepositories(ctx context.Context, c client.Client, expected sets.Set[string], opts CatalogOptions) (int, error) {
	if opts.Timeout <= 0 || expected.Len() == 0 {
		return countReadyRepositories(ctx, c, expected)
	}
	deadline := time.Now().Add(opts.Timeout)
	lastCount, lastChange := -1, time.Now()
	for {
		count, err := countReadyRepositories(ctx, c, expected)
		if err != nil {
			return 0, err
		}
		now := time.Now()
		if count != lastCount {
			lastCount, lastChange = count, now
		}
		if count == expected.Len() || now.Sub(lastChange) >= opts.SettleTime || now.After(deadline) {
			return count, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("failed to wait for the catalog repositories: %w", ctx.Err())
		case <-time.After(opts.PollInterval):
		}
	}
}

// countReadyRepositories counts the expected Repositories that exist and list
// at least one tag.
func countReadyRepositories(ctx context.Context, c client.Client, expected sets.Set[string]) (int, error) {
	var list imagehubv1.RepositoryList
	if err := c.List(ctx, &list); err != nil {
		return 0, fmt.Errorf("failed to list the repositories: %w", err)
	}
	count := 0
	for _, repository := range list.Items {
		if expected.Has(string(repository.Spec.Name)) && len(repository.Status.Tags) > 0 {
			count++
		}
	}
	return count, nil
}
