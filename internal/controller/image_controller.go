package controller

import (
	"context"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	imagehubv1 "github.com/labring/imagehub/api/v1"
	"github.com/labring/imagehub/internal/catalog"
	"github.com/labring/imagehub/internal/naming"
)

// ImageReconciler labels Images for kubectl -l and marks those whose
// spec.name an older Image already uses. It never changes an Image's spec.
type ImageReconciler struct {
	client.Client
	Recorder recorder.EventRecorder
}

// +kubebuilder:rbac:groups=imagehub.sealos.io,resources=images,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=imagehub.sealos.io,resources=images/status,verbs=get;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile sets the labels and the Duplicate condition of one Image.
func (r *ImageReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	img := &imagehubv1.Image{}
	if err := r.Get(ctx, req.NamespacedName, img); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !img.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	ref, err := naming.Parse(string(img.Spec.Name))
	if err != nil {
		// Admission rejects such names; an Image stored before the rule
		// existed is left alone rather than retried forever.
		log.FromContext(ctx).Error(err, "Skipping image with an invalid spec.name")
		return ctrl.Result{}, nil
	}

	if err := r.setLabels(ctx, img, ref.Labels()); err != nil {
		return resultFor(ctrl.Result{}, err)
	}
	return resultFor(ctrl.Result{}, r.markDuplicate(ctx, img))
}

// setLabels adds the organization, repository and tag labels, keeping every
// other label.
func (r *ImageReconciler) setLabels(ctx context.Context, img *imagehubv1.Image, want map[string]string) error {
	missing := false
	for key, value := range want {
		if img.Labels[key] != value {
			missing = true
		}
	}
	if !missing {
		return nil
	}
	base := img.DeepCopy()
	labels := maps.Clone(img.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, want)
	img.Labels = labels
	if err := r.Patch(ctx, img, client.MergeFrom(base)); err != nil {
		return fmt.Errorf("failed to label image %s: %w", img.Name, err)
	}
	return nil
}

// markDuplicate sets Duplicate=True when an older Image has the same
// spec.name, and Duplicate=False when an Image that had the condition is
// now the one in use. Images that were never duplicates get no condition.
func (r *ImageReconciler) markDuplicate(ctx context.Context, img *imagehubv1.Image) error {
	var same imagehubv1.ImageList
	if err := r.List(ctx, &same, client.MatchingFields{indexImageName: string(img.Spec.Name)}); err != nil {
		return fmt.Errorf("failed to list images named %s: %w", img.Spec.Name, err)
	}
	var primary *imagehubv1.Image
	if primaries := catalog.PrimaryImages(same.Items); len(primaries) > 0 {
		primary = primaries[0]
	}

	condition := metav1.Condition{
		Type:               imagehubv1.ConditionDuplicate,
		Status:             metav1.ConditionFalse,
		Reason:             imagehubv1.ReasonNameUnique,
		Message:            "This Image is the one in use for its spec.name.",
		ObservedGeneration: img.Generation,
	}
	if primary != nil && primary.UID != img.UID {
		condition.Status = metav1.ConditionTrue
		condition.Reason = imagehubv1.ReasonNameInUse
		condition.Message = fmt.Sprintf("The older Image %s has the same spec.name %s and is used instead.",
			primary.Name, img.Spec.Name)
	}

	previous := apimeta.FindStatusCondition(img.Status.Conditions, imagehubv1.ConditionDuplicate)
	if previous == nil && condition.Status == metav1.ConditionFalse {
		return nil
	}
	base := img.DeepCopy()
	apimeta.SetStatusCondition(&img.Status.Conditions, condition)
	wrote, err := patchStatus(ctx, r.Client, base, img)
	if err != nil || !wrote {
		return err
	}
	if condition.Status == metav1.ConditionTrue && (previous == nil || previous.Status != metav1.ConditionTrue) {
		log.FromContext(ctx).Info("Image duplicates an older image", "image", img.Name,
			"specName", img.Spec.Name, "olderImage", primary.Name)
		r.Recorder.Eventf(img, primary, corev1.EventTypeWarning, imagehubv1.ReasonNameInUse, "Ignore",
			"The older Image %s has the same spec.name %s; this Image is ignored until it is gone", primary.Name, img.Spec.Name)
	}
	return nil
}

// imagesWithSameName maps an Image event to every Image with the same
// spec.name, so that a duplicate takes over when the older Image goes.
func (r *ImageReconciler) imagesWithSameName(ctx context.Context, obj client.Object) []ctrl.Request {
	img, ok := obj.(*imagehubv1.Image)
	if !ok {
		return nil
	}
	var same imagehubv1.ImageList
	if err := r.List(ctx, &same, client.MatchingFields{indexImageName: string(img.Spec.Name)}); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list images with the same name", "specName", img.Spec.Name)
		return nil
	}
	var requests []ctrl.Request
	for _, other := range same.Items {
		if other.Name != img.Name {
			requests = append(requests, ctrl.Request{NamespacedName: types.NamespacedName{Name: other.Name}})
		}
	}
	return requests
}

// SetupWithManager registers the reconciler. It runs on creates, deletes
// and changes of spec or labels, not on its own status writes.
func (r *ImageReconciler) SetupWithManager(mgr ctrl.Manager) error {
	createOrDelete := predicate.Funcs{
		UpdateFunc: func(event.UpdateEvent) bool { return false },
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("image").
		For(&imagehubv1.Image{}, builder.WithPredicates(
			predicate.Or(predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{}))).
		Watches(&imagehubv1.Image{}, handler.EnqueueRequestsFromMapFunc(r.imagesWithSameName),
			builder.WithPredicates(createOrDelete)).
		Complete(r)
}
