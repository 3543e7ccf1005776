package main

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed all:templates
var templates embed.FS

// storeKinds are the values of --store (internal/app/stores.go), offered
// as its completions.
const storeKinds = "pass gopass passage"

// Bash returns the bash completion script (completions/passotp.bash).
func Bash(m Model) ([]byte, error) {
	type bashCommand struct {
		Name, Pattern, FlagWords string
		Entries                  bool
	}
	type argCase struct{ Pattern, Long string }
	var data struct {
		Commands     []bashCommand
		ArgCases     []argCase
		CommandWords string
		StoreKinds   string
	}
	data.StoreKinds = storeKinds
	var words []string
	for _, c := range m.Commands {
		var fw []string
		for _, f := range c.Flags {
			fw = append(fw, f.Words()...)
			if f.Arg != "" {
				var pats []string
				for _, w := range f.Words() {
					pats = append(pats, c.Name+":"+w)
				}
				data.ArgCases = append(data.ArgCases, argCase{strings.Join(pats, "|"), f.Long})
			}
		}
		data.Commands = append(data.Commands, bashCommand{
			Name:      c.Name,
			Pattern:   strings.Join(c.Names(), "|"),
			FlagWords: strings.Join(fw, " "),
			Entries:   c.Entries,
		})
		words = append(words, c.Names()...)
	}
	data.CommandWords = strings.Join(words, " ")
	return execute("passotp.bash.tmpl", data)
}

// Zsh returns the zsh completion function (completions/_passotp).
func Zsh(m Model) ([]byte, error) {
	type zshCommand struct {
		Name, Pattern, Describe string
		Specs                   []string
		Entries, Path           bool
	}
	var data struct {
		Commands []zshCommand
	}
	for _, c := range m.Commands {
		zc := zshCommand{Name: c.Name, Pattern: strings.Join(c.Names(), "|"), Entries: c.Entries}
		var lines []string
		for _, n := range c.Names() {
			lines = append(lines, fmt.Sprintf("    '%s:%s'", zshQuote(n), zshQuote(c.Usage)))
		}
		zc.Describe = strings.Join(lines, "\n")
		for _, f := range c.Flags {
			zc.Specs = append(zc.Specs, zshSpec(f))
		}
		data.Commands = append(data.Commands, zc)
	}
	return execute("_passotp.tmpl", data)
}

// zshSpec is the _arguments spec of one option.
func zshSpec(f Flag) string {
	desc := zshBracket(f.Usage)
	action := ""
	if f.Arg != "" {
		action = ":" + zshQuote(f.Arg) + ":"
		switch f.Long {
		case "path":
			action += "_passotp_folders"
		case "store":
			action += "(" + storeKinds + ")"
		default:
			action += " "
		}
	}
	switch {
	case f.Short != "" && f.Long != "":
		eq := ""
		if f.Arg != "" {
			eq = "="
		}
		return fmt.Sprintf("'(-%s --%s)'{-%s,--%s%s}'[%s]%s'", f.Short, f.Long, f.Short, f.Long, eq, desc, action)
	case f.Long != "":
		eq := ""
		if f.Arg != "" {
			eq = "="
		}
		return fmt.Sprintf("'--%s%s[%s]%s'", f.Long, eq, desc, action)
	default:
		return fmt.Sprintf("'-%s[%s]%s'", f.Short, desc, action)
	}
}

// zshQuote makes s safe inside a single-quoted _describe or _arguments item.
func zshQuote(s string) string {
	s = strings.ReplaceAll(s, "'", `'\''`)
	return strings.ReplaceAll(s, ":", `\:`)
}

func zshBracket(s string) string {
	r := strings.NewReplacer("'", `'\''`, "[", `\[`, "]", `\]`, ":", `\:`)
	return r.Replace(s)
}

// Fish returns the fish completion script for passotp
// (completions/passotp.fish, autoloaded from a completions directory).
func Fish(m Model) ([]byte, error) {
	return fish(m, "passotp", "__passotp_needs_command", "",
		"fish completion for passotp(1), loaded on demand from a completions directory.")
}

// FishPass returns the fish snippet that completes `pass otp ...`
// (completions/passotp-pass.fish). fish's own pass completion has no
// extension hook and is autoloaded, so this goes in a conf.d directory,
// which fish reads at start-up, and adds to it.
func FishPass(m Model) ([]byte, error) {
	return fish(m, "pass", "__passotp_pass_needs_command", "__passotp_pass_otp; and ",
		"fish completion for `pass otp` (passotp's pass extension): install it in a\n# conf.d directory (~/.config/fish/conf.d), which fish reads at start-up.")
}

func fish(m Model, prog, needs, base, header string) ([]byte, error) {
	var b strings.Builder
	var names []string
	for _, c := range m.Commands {
		names = append(names, c.Names()...)
	}
	for _, c := range m.Commands {
		for _, n := range c.Names() {
			fmt.Fprintf(&b, "complete -c %s -n '%s' -f -a %s -d %s\n", prog, needs, n, fishQuote(c.Usage))
		}
	}
	b.WriteString("\n")
	for _, c := range m.Commands {
		cond := base + fmt.Sprintf("__fish_seen_subcommand_from %s", strings.Join(c.Names(), " "))
		if c.Name == "code" {
			cond = base + fmt.Sprintf("not __fish_seen_subcommand_from %s", strings.Join(without(names, c.Names()), " "))
		}
		for _, f := range c.Flags {
			fmt.Fprintf(&b, "complete -c %s -n %s", prog, fishQuote(cond))
			if f.Short != "" {
				fmt.Fprintf(&b, " -s %s", f.Short)
			}
			if f.Long != "" {
				fmt.Fprintf(&b, " -l %s", f.Long)
			}
			switch {
			case f.Long == "path":
				b.WriteString(" -x -a '(__passotp_folders)'")
			case f.Long == "store":
				b.WriteString(" -x -a '" + storeKinds + "'")
			case f.Arg != "":
				b.WriteString(" -x")
			}
			if f.Usage != "" {
				fmt.Fprintf(&b, " -d %s", fishQuote(f.Usage))
			}
			b.WriteString("\n")
		}
		if c.Entries {
			fmt.Fprintf(&b, "complete -c %s -n %s -f -a '(__passotp_entries)'\n", prog, fishQuote(cond))
		} else {
			fmt.Fprintf(&b, "complete -c %s -n %s -f\n", prog, fishQuote(cond))
		}
	}
	var data struct{ Header, Body string }
	data.Header = header
	data.Body = b.String()
	return execute("passotp.fish.tmpl", data)
}

func without(all, drop []string) []string {
	var out []string
	for _, a := range all {
		keep := true
		for _, d := range drop {
			if a == d {
				keep = false
			}
		}
		if keep {
			out = append(out, a)
		}
	}
	return out
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func execute(name string, data any) ([]byte, error) {
	t, err := template.ParseFS(templates, "templates/"+name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b.Bytes(), nil
}
