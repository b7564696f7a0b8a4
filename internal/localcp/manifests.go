package localcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/labring/imagehub/config/crd"
	"github.com/labring/imagehub/config/samples"
)

// FieldManager is the server-side apply field manager of the objects that
// run-local applies.
const FieldManager = "imagehub-run-local"

// DecodeObjects reads a stream of YAML documents separated by "---", or of
// concatenated JSON objects, and returns one object per non-empty document.
// Every object must have an apiVersion and a kind.
func DecodeObjects(r io.Reader) ([]*unstructured.Unstructured, error) {
	decoder := utilyaml.NewYAMLOrJSONDecoder(r, 64*1024)
	var objects []*unstructured.Unstructured
	for document := 1; ; document++ {
		var raw map[string]any
		err := decoder.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, fmt.Errorf("failed to decode document %d: %w", document, err)
		}
		if len(raw) == 0 {
			continue
		}
		obj := &unstructured.Unstructured{Object: raw}
		if obj.GetAPIVersion() == "" || obj.GetKind() == "" {
			return nil, fmt.Errorf("invalid document %d: apiVersion and kind are required", document)
		}
		objects = append(objects, obj)
	}
}

// DecodeFile decodes the objects in the file at path, as DecodeObjects does.
func DecodeFile(path string) ([]*unstructured.Unstructured, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("failed to open %s: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	objects, err := DecodeObjects(f)
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", path, err)
	}
	return objects, nil
}

// Apply creates obj or updates it to match, with server-side apply. Fields
// that another manager set to other values are taken over, as
// `kubectl apply --server-side --force-conflicts` does.
func Apply(ctx context.Context, c client.Client, obj *unstructured.Unstructured) error {
	err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj),
		client.FieldOwner(FieldManager), client.ForceOwnership)
	if err != nil {
		return fmt.Errorf("failed to apply %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	return nil
}

// kindOrder is the order ApplySamples creates kinds in: a DataPack comes
// after the Images it requests.
var kindOrder = []string{"Organization", "Image", "Repository", "DataPack"}

// ApplySamples creates the embedded sample objects that do not exist yet,
// Images before the DataPack, and returns how many it created. Existing
// objects are left as they are, because a user may have changed or replaced
// them in a kept data directory, and a DataPack's spec cannot change.
func ApplySamples(ctx context.Context, c client.Client) (int, error) {
	objects, err := decodeFS(samples.Files)
	if err != nil {
		return 0, fmt.Errorf("failed to read the samples: %w", err)
	}
	slices.SortStableFunc(objects, func(a, b *unstructured.Unstructured) int {
		return slices.Index(kindOrder, a.GetKind()) - slices.Index(kindOrder, b.GetKind())
	})
	created := 0
	for _, obj := range objects {
		err := c.Create(ctx, obj, client.FieldOwner(FieldManager))
		switch {
		case apierrors.IsAlreadyExists(err):
			log.FromContext(ctx).V(1).Info("Kept existing sample", "kind", obj.GetKind(), "name", obj.GetName())
		case err != nil:
			return created, fmt.Errorf("failed to create sample %s %s: %w", obj.GetKind(), obj.GetName(), err)
		default:
			created++
		}
	}
	log.FromContext(ctx).Info("Applied the samples", "created", created, "kept", len(objects)-created)
	return created, nil
}

// InstallCRDs creates or updates the embedded imagehub CRDs on the cluster
// cfg points to and waits until the API server serves them.
func InstallCRDs(ctx context.Context, cfg *rest.Config) error {
	objects, err := decodeFS(crd.Bases)
	if err != nil {
		return fmt.Errorf("failed to read the CRDs: %w", err)
	}
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, obj := range objects {
		definition := &apiextensionsv1.CustomResourceDefinition{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, definition); err != nil {
			return fmt.Errorf("failed to convert the CRD %s: %w", obj.GetName(), err)
		}
		crds = append(crds, definition)
	}
	// envtest's installer neither takes a context nor stops on cancel, so
	// a signal during the install waits at most MaxTime.
	_, err = envtest.InstallCRDs(cfg, envtest.CRDInstallOptions{CRDs: crds, MaxTime: 30 * time.Second})
	if err != nil {
		return fmt.Errorf("failed to install the CRDs: %w", err)
	}
	names := make([]string, 0, len(crds))
	for _, definition := range crds {
		names = append(names, definition.Name)
	}
	log.FromContext(ctx).Info("Installed the CRDs", "crds", names)
	return nil
}

// decodeFS decodes every file of fsys, in lexical order of their paths.
func decodeFS(fsys fs.FS) ([]*unstructured.Unstructured, error) {
	var objects []*unstructured.Unstructured
	err := fs.WalkDir(fsys, ".", func(path string, entry fs.DirEntry, err error) error {
		if err != nil || entry.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		decoded, err := DecodeObjects(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		objects = append(objects, decoded...)
		return nil
	})
	return objects, err
}
