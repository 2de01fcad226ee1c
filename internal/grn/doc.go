// Package grn builds and parses GS2 resource names (GRNs), the IDs every
// Hearth model carries:
//
//	grn:gs2:{region}:{owner}:{service}:{namespace}[:{path}...]
//
// e.g. grn:gs2:local:hearth:lock:game:user:u1:property:p1. Region and owner
// come from each service's configuration, defaulting to [DefaultRegion] and
// [DefaultOwner]. GRNs are identifiers for people and clients, never store
// keys: like GS2, Make joins path segments with ':' without escaping them.
//
// # Errors
//
// [Builder.Validate] and [ParseNamespace] return an *errs.FieldError,
// matching errs.ErrInvalidArgument.
package grn
