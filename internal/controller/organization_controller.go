package controller

import (
	"context"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/naming"
)

// OrganizationReconciler lists each Organization's repositories in its
// status. It never creates or deletes Organizations.
type OrganizationReconciler struct {
	client.Client
}

// +kubebuilder:rbac:groups=imagehub.sealos.io,resources=organizations,verbs=get;list;watch
// +kubebuilder:rbac:groups=imagehub.sealos.io,resources=organizations/status,verbs=get;patch

// Reconcile writes status.repos of one Organization.
func (r *OrganizationReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	org := &imagehubv1.Organization{}
	if err := r.Get(ctx, req.NamespacedName, org); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !org.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}

	var list imagehubv1.RepositoryList
	if err := r.List(ctx, &list, client.MatchingFields{indexRepositoryOrganization: string(org.Spec.Name)}); err != nil {
		return ctrl.Result{}, fmt.Errorf("failed to list repositories of %s: %w", org.Spec.Name, err)
	}
	var repos []string
	for _, repo := range list.Items {
		if repo.DeletionTimestamp.IsZero() {
			repos = append(repos, string(repo.Spec.Name))
		}
	}
	slices.Sort(repos)
	repos = slices.Compact(repos)

	base := org.DeepCopy()
	org.Status.Repos = repos
	_, err := patchStatus(ctx, r.Client, base, org)
	return resultFor(ctrl.Result{}, err)
}

// SetupWithManager registers the reconciler. Repository events map to the
// Organization named by the repository's org, whether it exists or not.
func (r *OrganizationReconciler) SetupWithManager(mgr ctrl.Manager) error {
	repositoryToOrg := func(_ context.Context, obj client.Object) []ctrl.Request {
		repo, ok := obj.(*imagehubv1.Repository)
		if !ok {
			return nil
		}
		ref, err := naming.Parse(string(repo.Spec.Name))
		if err != nil {
			return nil
		}
		return []ctrl.Request{{NamespacedName: types.NamespacedName{Name: ref.Org}}}
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("organization").
		For(&imagehubv1.Organization{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&imagehubv1.Repository{}, handler.EnqueueRequestsFromMapFunc(repositoryToOrg),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Complete(r)
}
