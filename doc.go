// Package passotp is the root of the passotp module. It holds no code, only
// the module-wide tests (the import rules of ARCHITECTURE.md).
//
// The tool itself is cmd/passotp; see README.md and ARCHITECTURE.md.
package passotp
