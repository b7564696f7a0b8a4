// Package tagorder orders the tags of a repository and picks its latest tag.
//
// A tag is a version when it reads v?N(.N(.N)?)?(-PRE)?(+BUILD)?, with decimal
// numbers that may have leading zeros and compare as numbers. Missing minor
// and patch numbers are 0, so v2 equals 2.0.0. -PRE marks a pre-release,
// which is lower than its release and compares like a semver pre-release.
// Build metadata is ignored. Tags such as latest, v2.0.0rc1 or v.1.22.0 are
// not versions.
package tagorder

import (
	"regexp"
	"slices"
	"strings"
	"time"

	imagehubv1 "github.com/labring/imagehub/api/v1"
)

var versionPattern = regexp.MustCompile(
	`^v?([0-9]+)(?:\.([0-9]+)(?:\.([0-9]+))?)?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$`)

// Version is a parsed version tag.
type Version struct {
	// Numbers are major, minor and patch without leading zeros, kept as
	// strings so that numbers of any length compare correctly.
	Numbers [3]string
	// PreRelease is the part after '-', or empty for a release.
	PreRelease string
}

// ParseVersion parses tag as a version; ok is false when tag is not one.
func ParseVersion(tag string) (v Version, ok bool) {
	m := versionPattern.FindStringSubmatch(tag)
	if m == nil {
		return Version{}, false
	}
	for i := range v.Numbers {
		v.Numbers[i] = trimZeros(m[i+1])
	}
	v.PreRelease = m[4]
	return v, true
}

// trimZeros strips leading zeros, keeping "0" for zero and for "".
func trimZeros(n string) string {
	n = strings.TrimLeft(n, "0")
	if n == "" {
		return "0"
	}
	return n
}

// compareNumbers compares two decimal numbers without leading zeros.
func compareNumbers(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// Compare returns a negative number when v is lower than w, 0 when they are
// equal and a positive number when v is higher.
func (v Version) Compare(w Version) int {
	for i := range v.Numbers {
		if c := compareNumbers(v.Numbers[i], w.Numbers[i]); c != 0 {
			return c
		}
	}
	switch {
	case v.PreRelease == w.PreRelease:
		return 0
	case v.PreRelease == "":
		return 1
	case w.PreRelease == "":
		return -1
	}
	return comparePreReleases(v.PreRelease, w.PreRelease)
}

// comparePreReleases compares dot-separated identifiers as semver does:
// numeric identifiers numerically and lower than alphanumeric ones, others
// in ASCII order, and a shorter list lower when it is a prefix of the other.
func comparePreReleases(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		aNum, bNum := isNumeric(as[i]), isNumeric(bs[i])
		var c int
		switch {
		case aNum && bNum:
			c = compareNumbers(trimZeros(as[i]), trimZeros(bs[i]))
		case aNum:
			c = -1
		case bNum:
			c = 1
		default:
			c = strings.Compare(as[i], bs[i])
		}
		if c != 0 {
			return c
		}
	}
	return len(as) - len(bs)
}

func isNumeric(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func creatTime(tag imagehubv1.TagInfo) time.Time {
	if tag.CreatTime == nil {
		return time.Time{}
	}
	return tag.CreatTime.Time
}

// compareNewest orders a before b (negative) when a is newer, and equal
// times by tag name, descending.
func compareNewest(a, b imagehubv1.TagInfo) int {
	if c := creatTime(b).Compare(creatTime(a)); c != 0 {
		return c
	}
	return strings.Compare(b.Name, a.Name)
}

// SortNewestFirst sorts tags by creatTime, newest first; equal times are
// ordered by tag name, descending. Tags without creatTime come last.
func SortNewestFirst(tags []imagehubv1.TagInfo) {
	slices.SortStableFunc(tags, compareNewest)
}

// Latest returns the latest of tags, or nil when tags is empty. That is the
// highest release version. Without releases it is the highest pre-release,
// and without any version it is the newest tag. Equal versions are decided by the newest creatTime
// and then by the greater tag name. A tag named latest is not a version.
func Latest(tags []imagehubv1.TagInfo) *imagehubv1.TagInfo {
	type candidate struct {
		tag     imagehubv1.TagInfo
		version Version
	}
	var releases, preReleases []candidate
	for _, tag := range tags {
		v, ok := ParseVersion(tag.Name)
		switch {
		case !ok:
		case v.PreRelease == "":
			releases = append(releases, candidate{tag, v})
		default:
			preReleases = append(preReleases, candidate{tag, v})
		}
	}
	best := func(cs []candidate) *imagehubv1.TagInfo {
		top := slices.MaxFunc(cs, func(a, b candidate) int {
			if c := a.version.Compare(b.version); c != 0 {
				return c
			}
			return -compareNewest(a.tag, b.tag)
		})
		return &top.tag
	}
	switch {
	case len(releases) > 0:
		return best(releases)
	case len(preReleases) > 0:
		return best(preReleases)
	case len(tags) > 0:
		newest := slices.MinFunc(tags, compareNewest)
		return &newest
	}
	return nil
}
