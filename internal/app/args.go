package app

// This file normalises argv the way util-linux getopt(1) does for pass-otp
// (compat §4.3), so that urfave/cli only ever sees a canonical command line:
// `--long` / `--long=value` options first, then `--`, then the operands.

import (
	"strings"
)

// optSpec is one option of a command, as getopt's -o/-l strings give it.
type optSpec struct {
	short  byte   // 0 if the option has no short form
	long   string // "" if the option has no long form
	hasArg bool   // required argument (pass-otp has no optional ones)
}

// optValue is an option found on the command line.
type optValue struct {
	spec  *optSpec
	value string // the argument; "" for flags
}

// getoptResult is what [getopt] found: options in order, operands in order,
// and one message per bad option (without getopt's "PROG: " prefix).
type getoptResult struct {
	opts     []optValue
	operands []string
	errs     []string
}

// getopt parses args against specs like glibc's getopt_long in util-linux
// getopt: options and operands are permuted unless posixly is set (then the
// first operand ends the options), `--` ends the options, `-` alone is an
// operand, short options group (`-fe`) and take attached or separate
// arguments (`-iACME`, `-i ACME`), long options take `=value` or the next
// word and may be abbreviated to an unambiguous prefix (among pass-otp's
// options first: [preferPassOTP]). Every bad option is
// reported and parsing goes on, as getopt does.
func getopt(args []string, specs []optSpec, posixly bool) getoptResult {
	var r getoptResult
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			r.operands = append(r.operands, args[i+1:]...)
			return r
		case strings.HasPrefix(arg, "--"):
			i = r.long(args, i, specs)
		case len(arg) > 1 && arg[0] == '-':
			i = r.short(args, i, specs)
		default:
			if posixly {
				r.operands = append(r.operands, args[i:]...)
				return r
			}
			r.operands = append(r.operands, arg)
		}
	}
	return r
}

// long handles args[i], a `--name[=value]` option, and returns the index of
// the last word it used.
func (r *getoptResult) long(args []string, i int, specs []optSpec) int {
	arg := args[i]
	body := arg[2:]
	name, value, hasValue := strings.Cut(body, "=")
	var found *optSpec
	var matches []*optSpec
	for k := range specs {
		s := &specs[k]
		if s.long == "" {
			continue
		}
		if s.long == name {
			found = s
			matches = nil
			break
		}
		if strings.HasPrefix(s.long, name) {
			matches = append(matches, s)
		}
	}
	if found == nil && len(matches) > 1 {
		matches = preferPassOTP(matches)
	}
	if found == nil {
		switch len(matches) {
		case 0:
			r.errs = append(r.errs, "unrecognized option '"+arg+"'")
			return i
		case 1:
			found = matches[0]
		default:
			msg := "option '" + arg + "' is ambiguous; possibilities:"
			for _, m := range matches {
				msg += " '--" + m.long + "'"
			}
			r.errs = append(r.errs, msg)
			return i
		}
	}
	switch {
	case hasValue && !found.hasArg:
		r.errs = append(r.errs, "option '--"+found.long+"' doesn't allow an argument")
	case hasValue:
		r.opts = append(r.opts, optValue{found, value})
	case found.hasArg && i+1 < len(args):
		i++
		r.opts = append(r.opts, optValue{found, args[i]})
	case found.hasArg:
		r.errs = append(r.errs, "option '--"+found.long+"' requires an argument")
	default:
		r.opts = append(r.opts, optValue{found, ""})
	}
	return i
}

// preferPassOTP keeps, of the options an abbreviation fits, only
// pass-otp's own (compat §4.2) when there is one: passotp's additions
// never make an abbreviation pass-otp accepts ambiguous (`insert --s` is
// still --secret, not --secret or --store), nor change what an ambiguous
// one lists. Without a pass-otp option among them, matches is unchanged.
func preferPassOTP(matches []*optSpec) []*optSpec {
	var own []*optSpec
	for _, m := range matches {
		if passOTPOptions[m.long] {
			own = append(own, m)
		}
	}
	if len(own) == 0 {
		return matches
	}
	return own
}

// short handles args[i], a cluster of short options, and returns the index
// of the last word it used.
func (r *getoptResult) short(args []string, i int, specs []optSpec) int {
	arg := args[i]
	for j := 1; j < len(arg); j++ {
		c := arg[j]
		var found *optSpec
		for k := range specs {
			if specs[k].short != 0 && specs[k].short == c {
				found = &specs[k]
				break
			}
		}
		switch {
		case found == nil:
			r.errs = append(r.errs, "invalid option -- '"+string([]byte{c})+"'")
		case !found.hasArg:
			r.opts = append(r.opts, optValue{found, ""})
		case j+1 < len(arg):
			r.opts = append(r.opts, optValue{found, arg[j+1:]})
			return i
		case i+1 < len(args):
			r.opts = append(r.opts, optValue{found, args[i+1]})
			return i + 1
		default:
			r.errs = append(r.errs, "option requires an argument -- '"+string([]byte{c})+"'")
		}
	}
	return i
}

// canonical renders the result as the command line urfave/cli parses:
// `--long` or `--long=value` per option, `--`, then the operands.
func (r getoptResult) canonical() []string {
	out := make([]string, 0, len(r.opts)+1+len(r.operands))
	for _, o := range r.opts {
		if o.spec.hasArg {
			out = append(out, "--"+o.spec.long+"="+o.value)
		} else {
			out = append(out, "--"+o.spec.long)
		}
	}
	out = append(out, "--")
	return append(out, r.operands...)
}
