package naming

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in      string
		want    Ref
		wantErr string
	}{
		{in: "labring/cert-manager:v1.8.0", want: Ref{"labring", "cert-manager", "v1.8.0"}},
		{in: "labring/cert-manager", want: Ref{"labring", "cert-manager", ""}},
		{in: "a/b.c_d__e---f:_x", want: Ref{"a", "b.c_d__e---f", "_x"}},
		{in: "labring", wantErr: "want org/repo"},
		{in: "Labring/x", wantErr: "organization"},
		{in: "lab.ring/x", wantErr: "organization"},
		{in: "labring/x/y", wantErr: "repository"},
		{in: "labring/a___b", wantErr: "repository"},
		{in: "labring/x:", wantErr: "tag"},
		{in: "labring/x:.v1", wantErr: "tag"},
		{in: "labring/x:v1:v2", wantErr: "tag"},
		{in: "labring/x:" + strings.Repeat("a", 129), wantErr: "tag"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrInvalidReference) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want it to contain %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) failed: %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

func TestImageObjectName(t *testing.T) {
	cases := map[string]string{
		"labring/cert-manager:v1.8.0":  "labring.cert.manager.v1.8.0",
		"labring/argo-events:latest":   "labring.argo.events.latest",
		"labring/a__b:V1_RC":           "labring.a.b.v1.rc",
		"labring/kubernetes:v1.25.0-4": "labring.kubernetes.v1.25.0.4",
	}
	for in, want := range cases {
		if got := ImageObjectName(in); got != want {
			t.Errorf("ImageObjectName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRepositoryObjectName(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"labring/cert-manager", "labring.cert-manager"},
		{"labring/a.b", "labring.a.b"},
	}
	for _, tc := range cases {
		if got := RepositoryObjectName(tc.in); got != tc.want {
			t.Errorf("RepositoryObjectName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}

	// Names that are not valid object names get a hashed, valid form, and
	// two such repositories do not collide.
	underscored := RepositoryObjectName("labring/a_b")
	doubled := RepositoryObjectName("labring/a__b")
	long := RepositoryObjectName("labring/" + strings.Repeat("a_", 120) + "b")
	for _, name := range []string{underscored, doubled, long} {
		if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
			t.Errorf("RepositoryObjectName gave invalid name %q: %v", name, errs)
		}
	}
	if !strings.HasPrefix(underscored, "labring.a.b-") {
		t.Errorf("RepositoryObjectName(labring/a_b) = %q, want prefix labring.a.b-", underscored)
	}
	if underscored == doubled {
		t.Errorf("labring/a_b and labring/a__b both map to %q", underscored)
	}
}

func TestLabels(t *testing.T) {
	ref := Ref{Org: "labring", Repo: "cert-manager", Tag: "v1.8.0"}
	labels := ref.Labels()
	if labels[LabelOrganization] != "labring" || labels[LabelRepository] != "cert-manager" ||
		labels[LabelTag] != "v1.8.0" {
		t.Errorf("Labels() = %v", labels)
	}

	// A tag of 64 characters is not a valid label value and gets no label.
	long := Ref{Org: "labring", Repo: "x", Tag: strings.Repeat("a", 64)}
	if _, ok := long.Labels()[LabelTag]; ok {
		t.Errorf("Labels() set a tag label for a 64-character tag")
	}
	if _, ok := (Ref{Org: "labring", Repo: "x"}).Labels()[LabelTag]; ok {
		t.Errorf("Labels() set a tag label for an untagged reference")
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{"labring/x:v1", "a/b", "", "/:", "a/b:c:d", "ä/ö:ü"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := Parse(s)
		if err != nil {
			return
		}
		if ref.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, ref.String())
		}
		if errs := validation.IsDNS1123Subdomain(RepositoryObjectName(ref.Repository())); len(errs) > 0 {
			t.Fatalf("RepositoryObjectName(%q) is invalid: %v", ref.Repository(), errs)
		}
		_ = ref.Labels()
	})
}
