package e2e_test

import (
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/labring/imagehub/internal/localcp"
)

const (
	deployNamespace = "imagehub-system"
	serviceAccount  = "system:serviceaccount:imagehub-system:imagehub-controller-manager"
)

// renderDefault renders config/default with kubectl's built-in kustomize.
func renderDefault(t *testing.T) string {
	t.Helper()
	requireKubectl(t)
	rendered, err := runKubectl("", "kustomize", filepath.Join("config", "default"))
	if err != nil {
		t.Fatalf("failed to render config/default: %v", err)
	}
	return rendered
}

// findObject returns the rendered object of kind and name, converted to out.
func findObject(g *WithT, objects []*unstructured.Unstructured, kind, name string, out any) {
	for _, obj := range objects {
		if obj.GetKind() == kind && obj.GetName() == name {
			g.Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, out)).To(Succeed())
			return
		}
	}
	g.Expect(false).To(BeTrue(), "config/default renders no %s %s", kind, name)
}

func TestDefaultManifestsRender(t *testing.T) {
	g := NewWithT(t)
	objects, err := localcp.DecodeObjects(strings.NewReader(renderDefault(t)))
	g.Expect(err).NotTo(HaveOccurred())

	var crds []string
	for _, obj := range objects {
		if obj.GetKind() == "CustomResourceDefinition" {
			crds = append(crds, obj.GetName())
		}
	}
	g.Expect(crds).To(ConsistOf("images.imagehub.sealos.io", "repositories.imagehub.sealos.io",
		"organizations.imagehub.sealos.io", "datapacks.imagehub.sealos.io"))

	var binding rbacv1.ClusterRoleBinding
	findObject(g, objects, "ClusterRoleBinding", "imagehub-manager", &binding)
	g.Expect(binding.RoleRef).To(Equal(rbacv1.RoleRef{
		APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "imagehub-manager"}))
	g.Expect(binding.Subjects).To(ConsistOf(rbacv1.Subject{
		Kind: "ServiceAccount", Name: "imagehub-controller-manager", Namespace: deployNamespace}))
	findObject(g, objects, "ClusterRole", "imagehub-manager", &rbacv1.ClusterRole{})

	var deployment appsv1.Deployment
	findObject(g, objects, "Deployment", "imagehub-controller-manager", &deployment)
	g.Expect(deployment.Namespace).To(Equal(deployNamespace))
	pod := deployment.Spec.Template.Spec
	g.Expect(pod.ServiceAccountName).To(Equal("imagehub-controller-manager"))
	g.Expect(pod.Containers).To(HaveLen(1))
	container := pod.Containers[0]
	g.Expect(container.Command).To(Equal([]string{"imagehub"}))
	g.Expect(container.Args).To(Equal([]string{"controller", "--leader-elect",
		"--metrics-bind-address=:8080", "--health-probe-bind-address=:8081"}))
	g.Expect(container.LivenessProbe).NotTo(BeNil())
	g.Expect(container.LivenessProbe.HTTPGet.Path).To(Equal("/healthz"))
	g.Expect(container.ReadinessProbe).NotTo(BeNil())
	g.Expect(container.ReadinessProbe.HTTPGet.Path).To(Equal("/readyz"))

	var leaderElection rbacv1.Role
	findObject(g, objects, "Role", "imagehub-leader-election", &leaderElection)
	g.Expect(leaderElection.Namespace).To(Equal(deployNamespace))
	g.Expect(leaderElection.Rules).To(ContainElement(HaveField("Resources", ContainElement("leases"))))
}

// TestDefaultManifestsApply applies config/default to a real API server and
// checks with its RBAC authorizer what the manager's ServiceAccount may do.
func TestDefaultManifestsApply(t *testing.T) {
	requireKubectl(t)
	g := NewWithT(t)
	kubeconfig := clusterKubeconfig(t)

	_, err := kubectl(kubeconfig, "", "apply", "-k", filepath.Join("config", "default"))
	g.Expect(err).NotTo(HaveOccurred())
	args, err := kubectl(kubeconfig, "", "get", "deployment", "-n", deployNamespace, "imagehub-controller-manager",
		"-o", "jsonpath={.spec.template.spec.containers[0].args}")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(args).To(ContainSubstring("--leader-elect"))

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "images.imagehub.sealos.io"}, "yes"},
		{[]string{"patch", "datapacks.imagehub.sealos.io", "--subresource=status"}, "yes"},
		{[]string{"create", "repositories.imagehub.sealos.io"}, "yes"},
		{[]string{"create", "leases.coordination.k8s.io", "-n", deployNamespace}, "yes"},
		{[]string{"create", "events", "-n", deployNamespace}, "yes"},
		{[]string{"create", "leases.coordination.k8s.io", "-n", "default"}, "no"},
		{[]string{"get", "secrets", "-n", deployNamespace}, "no"},
		{[]string{"delete", "customresourcedefinitions.apiextensions.k8s.io"}, "no"},
	} {
		// can-i exits 1 for no, and for cluster-scoped resources it prints a
		// namespace warning first, so only the last line counts.
		output, _ := kubectl(kubeconfig, "", append([]string{"auth", "can-i", "--as", serviceAccount}, tc.args...)...)
		lines := strings.Split(strings.TrimSpace(output), "\n")
		g.Expect(lines[len(lines)-1]).To(Equal(tc.want), "can-i %v: %s", tc.args, output)
	}
}
