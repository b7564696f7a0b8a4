package controller

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/catalog"
	"github.com/labring/imagehub/internal/pack"
)

// catalogReader reads catalog objects from the manager's cache through the
// indexes in indexes.go. It implements pack.Source.
type catalogReader struct {
	client.Reader
}

// primaryImages returns the Images of a repository, one per spec.name.
func (r catalogReader) primaryImages(ctx context.Context, repository string) ([]*imagehubv1.Image, error) {
	var images imagehubv1.ImageList
	if err := r.List(ctx, &images, client.MatchingFields{indexImageRepository: repository}); err != nil {
		return nil, fmt.Errorf("failed to list images of %s: %w", repository, err)
	}
	return catalog.PrimaryImages(images.Items), nil
}

// repositories returns the Repository objects with the given spec.name,
// oldest first, skipping those being deleted.
func (r catalogReader) repositories(ctx context.Context, repository string) ([]imagehubv1.Repository, error) {
	var list imagehubv1.RepositoryList
	if err := r.List(ctx, &list, client.MatchingFields{indexRepositoryName: repository}); err != nil {
		return nil, fmt.Errorf("failed to list repositories named %s: %w", repository, err)
	}
	repos := slices.DeleteFunc(list.Items, func(repo imagehubv1.Repository) bool {
		return !repo.DeletionTimestamp.IsZero()
	})
	slices.SortFunc(repos, func(a, b imagehubv1.Repository) int {
		if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
			return c
		}
		return compareStrings(a.Name, b.Name)
	})
	return repos, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Repository implements pack.Source.
func (r catalogReader) Repository(ctx context.Context, name string) (pack.Repo, error) {
	images, err := r.primaryImages(ctx, name)
	if err != nil {
		return pack.Repo{}, err
	}
	repo := pack.Repo{Repo: catalog.NewRepo(name, images)}
	if repo.Empty() {
		return repo, nil
	}
	objects, err := r.repositories(ctx, name)
	if err != nil {
		return pack.Repo{}, err
	}
	if len(objects) > 0 {
		repo.DownloadCount = objects[0].Status.DownloadCount
	}
	return repo, nil
}

// patchStatus sends the difference between base and obj, if any, as a merge
// patch of the status subresource. The patch carries base's resourceVersion,
// so a write based on a stale cache fails with a conflict instead of
// overwriting newer data. It reports whether it wrote.
func patchStatus(ctx context.Context, c client.Client, base, obj client.Object) (bool, error) {
	diff, err := client.MergeFrom(base).Data(obj)
	if err != nil {
		return false, fmt.Errorf("failed to compute the status patch: %w", err)
	}
	if string(diff) == "{}" {
		return false, nil
	}
	patch := client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})
	if err := c.Status().Patch(ctx, obj, patch); err != nil {
		return false, fmt.Errorf("failed to patch status: %w", err)
	}
	return true, nil
}

// conflictRetryDelay is how long a reconcile waits after a conflict. A
// conflict means the cache had not yet seen the latest write, and the cache
// usually catches up within milliseconds.
const conflictRetryDelay = 250 * time.Millisecond

// resultFor turns a reconcile error into a result: a conflict from a stale
// cache is retried without being logged as an error, and neither a deleted
// object nor a stopping manager needs a retry.
func resultFor(result ctrl.Result, err error) (ctrl.Result, error) {
	switch {
	case err == nil:
		return result, nil
	case errors.Is(err, context.Canceled):
		// The manager is stopping; the work is done again on its next start.
		return ctrl.Result{}, nil
	case apierrors.IsConflict(err):
		return ctrl.Result{RequeueAfter: conflictRetryDelay}, nil
	case apierrors.IsNotFound(err):
		return ctrl.Result{}, nil
	}
	return result, err
}
