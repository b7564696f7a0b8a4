package localcp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/labring/imagehub/internal/testenv"
)

// kubeconfigName names the cluster, user and context in the kubeconfig that
// WriteKubeconfig writes.
const kubeconfigName = "imagehub-local"

// WriteKubeconfig writes a kubeconfig for cfg to path, readable only by its
// owner because it contains a client key. It writes a temporary file and
// renames it, so a reader that waits for path never sees half a file.
func WriteKubeconfig(path string, cfg *rest.Config) error {
	kubeconfig := clientcmdapi.NewConfig()
	kubeconfig.Clusters[kubeconfigName] = &clientcmdapi.Cluster{
		Server:                   cfg.Host,
		CertificateAuthorityData: cfg.CAData,
	}
	kubeconfig.AuthInfos[kubeconfigName] = &clientcmdapi.AuthInfo{
		ClientCertificateData: cfg.CertData,
		ClientKeyData:         cfg.KeyData,
		Token:                 cfg.BearerToken,
	}
	kubeconfig.Contexts[kubeconfigName] = &clientcmdapi.Context{
		Cluster:  kubeconfigName,
		AuthInfo: kubeconfigName,
	}
	kubeconfig.CurrentContext = kubeconfigName
	data, err := clientcmd.Write(*kubeconfig)
	if err != nil {
		return fmt.Errorf("failed to encode the kubeconfig: %w", err)
	}

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to create the kubeconfig directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("failed to create the kubeconfig: %w", err)
	}
	_, writeErr := tmp.Write(data)
	if err := errors.Join(writeErr, tmp.Close()); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("failed to write the kubeconfig: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("failed to write the kubeconfig: %w", err)
	}
	return nil
}

// FindAssets returns the directory with the etcd and kube-apiserver
// binaries: $KUBEBUILDER_ASSETS if set, else the directory of the running
// executable when they sit beside it (bin/imagehub next to bin/etcd), else
// bin/ under the project root found from the working directory.
func FindAssets() (string, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		if exe, err := os.Executable(); err == nil {
			if exe, err = filepath.EvalSymlinks(exe); err == nil && hasAssets(filepath.Dir(exe)) {
				return filepath.Dir(exe), nil
			}
		}
	}
	dir, err := testenv.AssetsDir()
	if err != nil {
		return "", fmt.Errorf("failed to find the control plane binaries: %w", err)
	}
	return dir, nil
}

func hasAssets(dir string) bool {
	for _, name := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}
