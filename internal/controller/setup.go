// Package controller holds the imagehub reconcilers: Images get labels and
// duplicate detection, Repositories and Organizations are derived from
// Images, and DataPacks are answered, refreshed and expired.
package controller

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"

	imagehubv1 "github.com/labring/imagehub/api/v1"
)

// DefaultMaxStatusBytes is the default size budget of a DataPack status. It
// stays below etcd's default request limit of 1.5 MiB so that the object,
// spec and metadata included, can still be stored.
//
// NOTE: the budget counts the status alone. The API server also records
// managedFields for every datas key, so a pack of 1000 long names near the
// budget can approach the etcd limit. In one trial on kube-apiserver 1.37,
// the server then dropped the managedFields rather than failing the write.
const DefaultMaxStatusBytes = 1 << 20

// Options configure the reconcilers.
type Options struct {
	// MaxStatusBytes is the largest serialized DataPack status the
	// controller writes; a larger answer becomes an ERROR.
	MaxStatusBytes int
}

// NewScheme returns a scheme with the built-in kinds and the imagehub kinds.
func NewScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		panic(err)
	}
	if err := imagehubv1.AddToScheme(scheme); err != nil {
		panic(err)
	}
	return scheme
}

// Setup registers the cache indexes and all reconcilers with mgr.
func Setup(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	if opts.MaxStatusBytes <= 0 {
		opts.MaxStatusBytes = DefaultMaxStatusBytes
	}
	if err := setupIndexes(ctx, mgr.GetFieldIndexer()); err != nil {
		return err
	}
	recorder := mgr.GetEventRecorder("imagehub")
	reconcilers := []interface {
		SetupWithManager(ctrl.Manager) error
	}{
		&ImageReconciler{Client: mgr.GetClient(), Recorder: recorder},
		&RepositoryReconciler{Client: mgr.GetClient()},
		&OrganizationReconciler{Client: mgr.GetClient()},
		&DataPackReconciler{Client: mgr.GetClient(), Recorder: recorder, MaxStatusBytes: opts.MaxStatusBytes},
	}
	for _, r := range reconcilers {
		if err := r.SetupWithManager(mgr); err != nil {
			return fmt.Errorf("failed to set up %T: %w", r, err)
		}
	}
	return nil
}
