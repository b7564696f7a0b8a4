// Package v1 contains the imagehub.sealos.io/v1 API: Image, Repository,
// Organization and DataPack. All four kinds are cluster-scoped.
//
// +kubebuilder:object:generate=true
// +groupName=imagehub.sealos.io
package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the group and version of every kind in this package.
	GroupVersion = schema.GroupVersion{Group: "imagehub.sealos.io", Version: "v1"}

	// SchemeBuilder registers the kinds of this package with a runtime.Scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the kinds of this package to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion,
		&Image{}, &ImageList{},
		&Repository{}, &RepositoryList{},
		&Organization{}, &OrganizationList{},
		&DataPack{}, &DataPackList{},
	)
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}
