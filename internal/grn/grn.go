package grn

import (
	"strings"
	"unicode"

	"github.com/hearth-go/hearth/internal/errs"
)

// The region and owner used when a Builder leaves them empty.
const (
	DefaultRegion = "local"
	DefaultOwner  = "hearth"
)

const scheme = "grn:gs2:"

// Builder makes the GRNs of one deployment. Empty fields mean the defaults.
// The zero value is ready to use.
type Builder struct {
	// Region is GS2's region, e.g. "ap-northeast-1"; default "local".
	Region string
	// Owner is GS2's owner ID; default "hearth".
	Owner string
}

// WithDefaults returns b with its empty fields set to the defaults.
func (b Builder) WithDefaults() Builder {
	if b.Region == "" {
		b.Region = DefaultRegion
	}
	if b.Owner == "" {
		b.Owner = DefaultOwner
	}
	return b
}

// Namespace returns grn:gs2:{region}:{owner}:{service}:{ns}.
func (b Builder) Namespace(service, ns string) string {
	b = b.WithDefaults()
	return scheme + b.Region + ":" + b.Owner + ":" + service + ":" + ns
}

// Make returns the namespace GRN followed by ":" and the path segments
// joined by ":", e.g. Make("lock", ns, "user", u, "property", p). With no
// path it is the namespace GRN.
func (b Builder) Make(service, ns string, path ...string) string {
	if len(path) == 0 {
		return b.Namespace(service, ns)
	}
	return b.Namespace(service, ns) + ":" + strings.Join(path, ":")
}

// Validate checks that Region and Owner contain no ':' and no whitespace
// (empty is valid: the default). The error names the field "region" or
// "owner".
func (b Builder) Validate() error {
	if err := checkPart("region", b.Region); err != nil {
		return err
	}
	return checkPart("owner", b.Owner)
}

func checkPart(field, v string) error {
	if strings.ContainsFunc(v, func(r rune) bool { return r == ':' || unicode.IsSpace(r) }) {
		return errs.Invalid(field, "must not contain ':' or whitespace")
	}
	return nil
}

// ParseNamespace splits a namespace GRN, exactly
// grn:gs2:{region}:{owner}:{service}:{ns} with every part non-empty, into
// its service, namespace name and the Builder (region and owner as written)
// that made it. Anything else is an *errs.FieldError for the field "grn";
// callers that parse a request field re-label it.
func ParseNamespace(s string) (service, ns string, b Builder, err error) {
	rest, ok := strings.CutPrefix(s, scheme)
	parts := strings.Split(rest, ":")
	if !ok || len(parts) != 4 {
		return "", "", Builder{}, errs.Invalid("grn", "must be grn:gs2:{region}:{owner}:{service}:{namespace}")
	}
	for _, p := range parts {
		if p == "" || strings.ContainsFunc(p, unicode.IsSpace) {
			return "", "", Builder{}, errs.Invalid("grn", "must have non-empty parts without whitespace")
		}
	}
	return parts[2], parts[3], Builder{Region: parts[0], Owner: parts[1]}, nil
}
