package tagorder

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	imagehubv1 "github.com/labring/imagehub/api/v1"
)

func TestParseVersion(t *testing.T) {
	cases := []struct {
		tag    string
		ok     bool
		want   [3]string
		wantPR string
	}{
		{tag: "v1.8.0", ok: true, want: [3]string{"1", "8", "0"}},
		{tag: "1.8.0", ok: true, want: [3]string{"1", "8", "0"}},
		{tag: "v2", ok: true, want: [3]string{"2", "0", "0"}},
		{tag: "v1.2", ok: true, want: [3]string{"1", "2", "0"}},
		{tag: "2022.04.1", ok: true, want: [3]string{"2022", "4", "1"}},
		{tag: "v0.0.106", ok: true, want: [3]string{"0", "0", "106"}},
		{tag: "v1.25.0-rc.1", ok: true, want: [3]string{"1", "25", "0"}, wantPR: "rc.1"},
		{tag: "v1.25.0-4", ok: true, want: [3]string{"1", "25", "0"}, wantPR: "4"},
		{tag: "v1.0.0+build.5", ok: true, want: [3]string{"1", "0", "0"}},
		{tag: "v99999999999999999999999.0.0", ok: true, want: [3]string{"99999999999999999999999", "0", "0"}},
		{tag: "latest"},
		{tag: "v2.0.0rc1"},
		{tag: "v.1.22.0"},
		{tag: "v1.2.3.4"},
		{tag: "V1.0.0"},
		{tag: "v1.0.0-"},
		{tag: ""},
	}
	for _, tc := range cases {
		t.Run(tc.tag, func(t *testing.T) {
			v, ok := ParseVersion(tc.tag)
			if ok != tc.ok {
				t.Fatalf("ParseVersion(%q) ok = %v, want %v", tc.tag, ok, tc.ok)
			}
			if !ok {
				return
			}
			if v.Numbers != tc.want {
				t.Errorf("numbers = %v, want %v", v.Numbers, tc.want)
			}
			if v.PreRelease != tc.wantPR {
				t.Errorf("pre-release = %q, want %q", v.PreRelease, tc.wantPR)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int // sign
	}{
		{"v1.10.0", "v1.9.0", 1},
		{"v0.0.106", "v0.0.91", 1},
		{"v2", "2.0.0", 0},
		{"v1.01.0", "v1.1.0", 0},
		{"v1.0.0+a", "v1.0.0+b", 0},
		{"v1.0.0-rc.1", "v1.0.0", -1},
		{"v1.0.0-rc.2", "v1.0.0-rc.10", -1},
		{"v1.0.0-1", "v1.0.0-alpha", -1},
		{"v1.0.0-alpha", "v1.0.0-alpha.1", -1},
		{"v1.0.0-beta", "v1.0.0-alpha", 1},
		{"v1.0.1-rc.1", "v1.0.0", 1},
		{"100000000000000000000.0.0", "99999999999999999999.0.0", 1},
	}
	for _, tc := range cases {
		t.Run(tc.a+" vs "+tc.b, func(t *testing.T) {
			a, okA := ParseVersion(tc.a)
			b, okB := ParseVersion(tc.b)
			if !okA || !okB {
				t.Fatalf("ParseVersion failed: %q %v, %q %v", tc.a, okA, tc.b, okB)
			}
			if got := sign(a.Compare(b)); got != tc.want {
				t.Errorf("Compare = %d, want %d", got, tc.want)
			}
			if got := sign(b.Compare(a)); got != -tc.want {
				t.Errorf("reverse Compare = %d, want %d", got, -tc.want)
			}
		})
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

var base = time.Date(2022, 12, 27, 7, 0, 0, 0, time.UTC)

// tag returns a tag created minutes after base; minutes < 0 means no creatTime.
func tag(name string, minutes int) imagehubv1.TagInfo {
	t := imagehubv1.TagInfo{Name: name, MetaName: "m." + name}
	if minutes >= 0 {
		created := metav1.NewTime(base.Add(time.Duration(minutes) * time.Minute))
		t.CreatTime = &created
	}
	return t
}

func TestLatest(t *testing.T) {
	cases := []struct {
		name string
		tags []imagehubv1.TagInfo
		want string
	}{
		{"numeric minor", []imagehubv1.TagInfo{tag("v1.9.0", 5), tag("v1.10.0", 1)}, "v1.10.0"},
		{"numeric patch", []imagehubv1.TagInfo{tag("v0.0.91", 5), tag("v0.0.106", 1)}, "v0.0.106"},
		{"older push of higher version", []imagehubv1.TagInfo{tag("v1.7.0", 4), tag("v1.8.0", 0)}, "v1.8.0"},
		{"latest is not a version", []imagehubv1.TagInfo{tag("latest", 9), tag("v1.0.0", 1)}, "v1.0.0"},
		{"date version", []imagehubv1.TagInfo{tag("2022.04.1", 1), tag("2021.12.30", 9)}, "2022.04.1"},
		{"release beats newer pre-release", []imagehubv1.TagInfo{tag("v2.0.0-rc.1", 9), tag("v1.0.0", 1)}, "v1.0.0"},
		{"pre-release only", []imagehubv1.TagInfo{tag("v2.0.0-rc.1", 1), tag("v2.0.0-beta", 9), tag("latest", 10)}, "v2.0.0-rc.1"},
		{"non-version only", []imagehubv1.TagInfo{tag("latest", 1), tag("dev", 9), tag("v2.0.0rc1", 5)}, "dev"},
		{"non-version equal times", []imagehubv1.TagInfo{tag("alpha", 1), tag("beta", 1)}, "beta"},
		{"mixed", []imagehubv1.TagInfo{tag("latest", 9), tag("v.1.22.0", 8), tag("v1.2", 1), tag("v1.1.9", 2)}, "v1.2"},
		{"equal versions newest wins", []imagehubv1.TagInfo{tag("v2", 1), tag("v2.0.0", 5), tag("2.0", 3)}, "v2.0.0"},
		{"equal versions equal times", []imagehubv1.TagInfo{tag("v2", 1), tag("v2.0.0", 1)}, "v2.0.0"},
		{"missing creatTime", []imagehubv1.TagInfo{tag("dev", -1), tag("main", 0)}, "main"},
		{"single tag", []imagehubv1.TagInfo{tag("anything", -1)}, "anything"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Latest(tc.tags)
			if got == nil {
				t.Fatalf("Latest returned nil")
			}
			if got.Name != tc.want {
				t.Errorf("Latest = %q, want %q", got.Name, tc.want)
			}
		})
	}
	if Latest(nil) != nil {
		t.Errorf("Latest(nil) is not nil")
	}
}

func TestSortNewestFirst(t *testing.T) {
	tags := []imagehubv1.TagInfo{
		tag("v1.8.0", 0), tag("none", -1), tag("v1.7.0", 4), tag("a", 2), tag("b", 2),
	}
	SortNewestFirst(tags)
	want := []string{"v1.7.0", "b", "a", "v1.8.0", "none"}
	for i, name := range want {
		if tags[i].Name != name {
			t.Errorf("position %d = %q, want %q (order %v)", i, tags[i].Name, name, names(tags))
		}
	}
}

func names(tags []imagehubv1.TagInfo) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.Name
	}
	return out
}

func FuzzParseVersion(f *testing.F) {
	for _, seed := range []string{"v1.2.3", "v1.2.3-rc.1+b", "2022.04.1", "latest", "v-", "1..2"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		v, ok := ParseVersion(tag)
		if !ok {
			return
		}
		if v.Compare(v) != 0 {
			t.Fatalf("%q does not equal itself", tag)
		}
	})
}
