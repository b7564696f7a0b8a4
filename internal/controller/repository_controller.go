package controller

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/catalog"
	"github.com/labring/imagehub/internal/naming"
)

// repositoryKey is the reconcile request of RepositoryReconciler: a
// repository's spec.name, org/repo. The Repository object may not exist yet,
// and its metadata.name is found through an index, never derived.
type repositoryKey string

// RepositoryReconciler keeps exactly one Repository for every org/repo that
// has Images, with the tag list and latest tag derived from those Images.
type RepositoryReconciler struct {
	client.Client
}

// +kubebuilder:rbac:groups=imagehub.sealos.io,resources=repositories,verbs=get;list;watch;create;delete
// +kubebuilder:rbac:groups=imagehub.sealos.io,resources=repositories/status,verbs=get;patch

// Reconcile creates, updates or deletes the Repository of one org/repo.
func (r *RepositoryReconciler) Reconcile(ctx context.Context, key repositoryKey) (ctrl.Result, error) {
	reader := catalogReader{Reader: r.Client}
	images, err := reader.primaryImages(ctx, string(key))
	if err != nil {
		return ctrl.Result{}, err
	}
	repos, err := reader.repositories(ctx, string(key))
	if err != nil {
		return ctrl.Result{}, err
	}

	if len(images) == 0 {
		return resultFor(ctrl.Result{}, r.deleteAll(ctx, repos, "the repository has no images left", 1))
	}
	if len(repos) > 1 {
		// Keep the conventionally named one, else the oldest; the others
		// were created by hand or by a race.
		canonical := naming.RepositoryObjectName(string(key))
		if i := slices.IndexFunc(repos, func(r imagehubv1.Repository) bool { return r.Name == canonical }); i > 0 {
			repos[0], repos[i] = repos[i], repos[0]
		}
		if err := r.deleteAll(ctx, repos[1:], "another Repository has the same spec.name", 0); err != nil {
			return resultFor(ctrl.Result{}, err)
		}
	}

	var repo *imagehubv1.Repository
	if len(repos) > 0 {
		repo = &repos[0]
	} else if repo, err = r.create(ctx, string(key)); err != nil || repo == nil {
		return resultFor(ctrl.Result{}, err)
	}
	return resultFor(ctrl.Result{}, r.updateStatus(ctx, repo, catalog.NewRepo(string(key), images)))
}

// deleteAll deletes repos and logs why at the given verbosity.
func (r *RepositoryReconciler) deleteAll(ctx context.Context, repos []imagehubv1.Repository, reason string, verbosity int) error {
	for i := range repos {
		repo := &repos[i]
		err := r.Delete(ctx, repo, client.Preconditions{UID: &repo.UID})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("failed to delete repository %s: %w", repo.Name, err)
		}
		log.FromContext(ctx).V(verbosity).Info("Deleted repository", "repository", repo.Name, "reason", reason)
	}
	return nil
}

// create makes the Repository object for name. When an object of that name
// exists but is not in the cache yet, it returns nil and no error, because
// the cache event that follows triggers the next reconcile.
func (r *RepositoryReconciler) create(ctx context.Context, name string) (*imagehubv1.Repository, error) {
	repo := &imagehubv1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: naming.RepositoryObjectName(name)},
		Spec:       imagehubv1.RepositorySpec{Name: imagehubv1.RepositoryName(name)},
	}
	err := r.Create(ctx, repo)
	if apierrors.IsAlreadyExists(err) {
		existing := &imagehubv1.Repository{}
		if getErr := r.Get(ctx, client.ObjectKeyFromObject(repo), existing); getErr == nil &&
			string(existing.Spec.Name) != name {
			return nil, fmt.Errorf("failed to create repository %s: object name %s is taken by repository %s",
				name, repo.Name, existing.Spec.Name)
		}
		return nil, nil
	}
	if apierrors.IsInvalid(err) {
		// Retrying cannot help: the Images name a repository that the
		// Repository schema rejects.
		return nil, reconcile.TerminalError(fmt.Errorf("failed to create repository %s: %w", name, err))
	}
	if err != nil {
		return nil, fmt.Errorf("failed to create repository %s: %w", name, err)
	}
	// Routine: a catalog load creates one per repository.
	log.FromContext(ctx).V(1).Info("Created repository", "repository", repo.Name)
	return repo, nil
}

// updateStatus writes the tag list and latest tag; downloadCount is kept.
func (r *RepositoryReconciler) updateStatus(ctx context.Context, repo *imagehubv1.Repository, view catalog.Repo) error {
	if equality.Semantic.DeepEqual(repo.Status.Tags, view.Tags) &&
		equality.Semantic.DeepEqual(repo.Status.LatestTag, view.Latest) {
		return nil
	}
	base := repo.DeepCopy()
	repo.Status.Tags = view.Tags
	repo.Status.LatestTag = view.Latest
	_, err := patchStatus(ctx, r.Client, base, repo)
	if err == nil {
		log.FromContext(ctx).V(1).Info("Updated repository tags", "repository", repo.Name, "tags", len(view.Tags))
	}
	return err
}

// SetupWithManager registers the reconciler, keyed by spec.name, with
// watches on Images and Repositories.
func (r *RepositoryReconciler) SetupWithManager(mgr ctrl.Manager) error {
	imageToKey := handler.TypedEnqueueRequestsFromMapFunc(
		func(_ context.Context, img *imagehubv1.Image) []repositoryKey {
			if repo := repositoryOf(string(img.Spec.Name)); repo != "" {
				return []repositoryKey{repositoryKey(repo)}
			}
			return nil
		})
	repositoryToKey := handler.TypedEnqueueRequestsFromMapFunc(
		func(_ context.Context, repo *imagehubv1.Repository) []repositoryKey {
			return []repositoryKey{repositoryKey(repo.Spec.Name)}
		})
	return builder.TypedControllerManagedBy[repositoryKey](mgr).
		Named("repository").
		WithLogConstructor(func(key *repositoryKey) logr.Logger {
			logger := mgr.GetLogger().WithValues("controller", "repository")
			if key != nil {
				logger = logger.WithValues("repositoryName", string(*key))
			}
			return logger
		}).
		WatchesRawSource(source.TypedKind(mgr.GetCache(), &imagehubv1.Image{}, imageToKey)).
		WatchesRawSource(source.TypedKind(mgr.GetCache(), &imagehubv1.Repository{}, repositoryToKey)).
		Complete(reconcile.TypedFunc[repositoryKey](r.Reconcile))
}
