package controller

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/naming"
	"github.com/labring/imagehub/internal/pack"
)

// DataPackReconciler answers DataPacks from the catalog, rebuilds an answer
// when an Image or Repository it names changes, and deletes each DataPack
// when its expireTime has passed.
type DataPackReconciler struct {
	client.Client
	Recorder recorder.EventRecorder
	// MaxStatusBytes is the largest serialized status the reconciler writes.
	MaxStatusBytes int
	// Now returns the current time; tests may replace it.
	Now func() time.Time
}

// +kubebuilder:rbac:groups=imagehub.sealos.io,resources=datapacks,verbs=get;list;watch;delete
// +kubebuilder:rbac:groups=imagehub.sealos.io,resources=datapacks/status,verbs=get;patch

// Reconcile expires, answers or refreshes one DataPack.
func (r *DataPackReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	dp := &imagehubv1.DataPack{}
	if err := r.Get(ctx, req.NamespacedName, dp); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !dp.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}

	expiry, specErr := expiresAt(dp)
	if remaining := expiry.Sub(r.Now()); remaining <= 0 {
		return resultFor(ctrl.Result{}, r.expire(ctx, dp, expiry))
	}

	base := dp.DeepCopy()
	// Stored times have whole seconds; a finer value would differ from the
	// stored one on every pass and cause a write each time.
	expires := metav1.NewTime(expiry).Rfc3339Copy()
	dp.Status.ExpiresAt = &expires
	if err := r.answer(ctx, dp, specErr); err != nil {
		return ctrl.Result{}, err
	}
	wrote, err := patchStatus(ctx, r.Client, base, dp)
	if err != nil {
		return resultFor(ctrl.Result{}, err)
	}
	if wrote {
		r.reportAnswer(ctx, dp, base.Status.Codes)
	}
	return ctrl.Result{RequeueAfter: expiry.Sub(r.Now())}, nil
}

// answer fills dp.Status with the answer to its spec, or with an ERROR when
// the spec cannot be answered or the answer is over the size budget. It
// returns an error only for failures worth a retry, such as a cache error.
func (r *DataPackReconciler) answer(ctx context.Context, dp *imagehubv1.DataPack, specErr error) error {
	if specErr != nil {
		failedStatus(&dp.Status, imagehubv1.ReasonInvalidSpec, specErr.Error(), dp.Generation)
		return nil
	}
	answer, err := pack.Build(ctx, dp.Spec, catalogReader{Reader: r.Client})
	switch {
	case errors.Is(err, naming.ErrInvalidReference):
		failedStatus(&dp.Status, imagehubv1.ReasonInvalidSpec, err.Error(), dp.Generation)
		return nil
	case err != nil:
		return err
	}

	answeredStatus(&dp.Status, answer, dp.Generation)
	tooLarge, err := checkSize(&dp.Status, dp.Spec, r.MaxStatusBytes)
	if err != nil {
		return err
	}
	if tooLarge != "" {
		failedStatus(&dp.Status, imagehubv1.ReasonTooLarge, tooLarge, dp.Generation)
	}
	return nil
}

// reportAnswer logs and records an event when the answer's code changed.
func (r *DataPackReconciler) reportAnswer(ctx context.Context, dp *imagehubv1.DataPack, previous imagehubv1.Codes) {
	logger := log.FromContext(ctx)
	if dp.Status.Codes == previous {
		logger.V(1).Info("Refreshed datapack", "names", len(dp.Spec.Names), "notFound", len(dp.Status.NotFound))
		return
	}
	switch dp.Status.Codes {
	case imagehubv1.OK:
		logger.Info("Answered datapack", "type", dp.Spec.Type, "names", len(dp.Spec.Names),
			"notFound", len(dp.Status.NotFound))
		r.Recorder.Eventf(dp, nil, corev1.EventTypeNormal, imagehubv1.ReasonAnswered, "Pack",
			"Answered: found %d, not found %d", len(dp.Status.Datas), len(dp.Status.NotFound))
	case imagehubv1.ERROR:
		logger.Info("Failed to answer datapack", "type", dp.Spec.Type, "names", len(dp.Spec.Names),
			"message", dp.Status.Message)
		reason := imagehubv1.ReasonInvalidSpec
		if ready := apimeta.FindStatusCondition(dp.Status.Conditions, imagehubv1.ConditionReady); ready != nil {
			reason = ready.Reason
		}
		r.Recorder.Eventf(dp, nil, corev1.EventTypeWarning, reason, "Pack", "%s", dp.Status.Message)
	}
}

// expire deletes dp. The UID precondition keeps a pack recreated under the
// same name, as clients do for a repeated request, from being deleted.
func (r *DataPackReconciler) expire(ctx context.Context, dp *imagehubv1.DataPack, expiry time.Time) error {
	err := r.Delete(ctx, dp, client.Preconditions{UID: &dp.UID})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to delete expired datapack %s: %w", dp.Name, err)
	}
	log.FromContext(ctx).Info("Deleted expired datapack", "expiresAt", expiry.UTC().Format(time.RFC3339))
	r.Recorder.Eventf(dp, nil, corev1.EventTypeNormal, "Expired", "Delete",
		"Deleted because its expireTime %s passed at %s", dp.Spec.ExpireTime, expiry.UTC().Format(time.RFC3339))
	return nil
}

// packsNaming returns a map function from an object to the DataPacks whose
// spec.names mention the repository repositoryOf returns for it.
func (r *DataPackReconciler) packsNaming(repositoryOf func(client.Object) string) handler.MapFunc {
	return func(ctx context.Context, obj client.Object) []ctrl.Request {
		repo := repositoryOf(obj)
		if repo == "" {
			return nil
		}
		var packs imagehubv1.DataPackList
		if err := r.List(ctx, &packs, client.MatchingFields{indexDataPackRepositories: repo}); err != nil {
			log.FromContext(ctx).Error(err, "Failed to list datapacks of a repository", "repositoryName", repo)
			return nil
		}
		requests := make([]ctrl.Request, 0, len(packs.Items))
		for _, dp := range packs.Items {
			requests = append(requests, ctrl.Request{NamespacedName: types.NamespacedName{Name: dp.Name}})
		}
		return requests
	}
}

// SetupWithManager registers the reconciler. Every DataPack event is
// reconciled, so a status edited by hand is rewritten; the reconcile that
// follows the controller's own write finds nothing to change. Image spec
// changes and Repository changes rebuild the packs that name them.
func (r *DataPackReconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Now == nil {
		r.Now = time.Now
	}
	imageRepository := func(obj client.Object) string {
		return repositoryOf(string(obj.(*imagehubv1.Image).Spec.Name))
	}
	repositoryName := func(obj client.Object) string {
		return string(obj.(*imagehubv1.Repository).Spec.Name)
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("datapack").
		For(&imagehubv1.DataPack{}).
		Watches(&imagehubv1.Image{}, handler.EnqueueRequestsFromMapFunc(r.packsNaming(imageRepository)),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&imagehubv1.Repository{}, handler.EnqueueRequestsFromMapFunc(r.packsNaming(repositoryName))).
		WithOptions(controller.Options{MaxConcurrentReconciles: 4}).
		Complete(r)
}
