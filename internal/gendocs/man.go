package main

import (
	"embed"
	"fmt"
	"strings"

	"github.com/cpuguy83/go-md2man/v2/md2man"
)

//go:embed sections
var sections embed.FS

// section returns the hand-written markdown file sections/NAME.md.
func section(name string) string {
	b, err := sections.ReadFile("sections/" + name + ".md")
	if err != nil {
		panic("gendocs: missing section " + name) // embedded: a build defect
	}
	return strings.TrimRight(string(b), "\n") + "\n"
}

// ManMarkdown returns the md2man source of passotp(1) (man/passotp.1.md):
// NAME, SYNOPSIS and COMMANDS come from the command tree, the other
// sections are hand-written (sections/*.md).
func ManMarkdown(m Model) []byte {
	var b strings.Builder
	b.WriteString("% PASSOTP 1 \"\" \"passotp\" \"User Commands\"\n\n")
	b.WriteString("# NAME\n\n")
	b.WriteString("passotp - " + esc(m.Usage) + "\n\n")

	b.WriteString("# SYNOPSIS\n\n")
	for i, c := range m.Commands {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(synopsis("passotp", c) + "\n")
	}
	b.WriteString("\n**pass otp** *arguments as above*\n\n")

	b.WriteString("# DESCRIPTION\n\n")
	b.WriteString(section("description") + "\n")

	b.WriteString("# COMMANDS\n\n")
	for _, c := range m.Commands {
		b.WriteString("## " + strings.Join(c.Names(), ", ") + "\n\n")
		b.WriteString(synopsis("passotp", c) + "\n\n")
		if c.Usage != "" {
			b.WriteString(esc(sentence(c.Usage)) + "\n\n")
		}
		if c.Description != "" {
			b.WriteString(esc(c.Description) + "\n\n")
		}
		if extra, err := sections.ReadFile("sections/cmd-" + c.Name + ".md"); err == nil {
			b.WriteString(strings.TrimRight(string(extra), "\n") + "\n\n")
		}
		for _, f := range c.Flags {
			b.WriteString(flagTerm(f) + "\n")
			u := sentence(f.Usage)
			if len(f.Env) > 0 {
				u += " Also set by " + strings.Join(f.Env, ", ") + "."
			}
			b.WriteString(":   " + esc(strings.TrimSpace(u)) + "\n\n")
		}
	}
	for _, s := range []struct{ title, file string }{
		{"INVOCATION", "invocation"},
		{"ENVIRONMENT", "environment"},
		{"EXIT STATUS", "exit-status"},
		{"FILES", "files"},
		{"AWS-VAULT", "aws-vault"},
		{"COMPATIBILITY", "compatibility"},
		{"INSTALL", "install"},
		{"SEE ALSO", "see-also"},
	} {
		b.WriteString("# " + s.title + "\n\n" + section(s.file) + "\n")
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}

// Man renders the markdown with go-md2man (man/passotp.1).
func Man(md []byte) []byte {
	return md2man.Render(md)
}

// synopsis is the bold/italic synopsis line of c.
func synopsis(prog string, c Command) string {
	var parts []string
	if c.Name == "code" {
		parts = append(parts, "**"+prog+"**", "[**code**]")
	} else {
		parts = append(parts, "**"+prog+" "+c.Name+"**")
	}
	for _, f := range c.Flags {
		var alts []string
		for _, w := range f.Words() {
			alts = append(alts, "**"+esc(w)+"**")
		}
		s := strings.Join(alts, "|")
		if f.Arg != "" {
			s += " *" + esc(f.Arg) + "*"
		}
		parts = append(parts, "["+s+"]")
	}
	if c.ArgsUsage != "" {
		parts = append(parts, argsUsage(c.ArgsUsage))
	}
	return strings.Join(parts, " ")
}

// argsUsage italicises the operand words of an ArgsUsage string such as
// "[pass-name]".
func argsUsage(s string) string {
	var out []string
	for _, w := range strings.Fields(s) {
		core := strings.Trim(w, "[]")
		if core == "" {
			out = append(out, esc(w))
			continue
		}
		i := strings.Index(w, core)
		out = append(out, esc(w[:i])+"*"+esc(core)+"*"+esc(w[i+len(core):]))
	}
	return strings.Join(out, " ")
}

func flagTerm(f Flag) string {
	var alts []string
	for _, w := range f.Words() {
		t := "**" + esc(w) + "**"
		if f.Arg != "" {
			t += " *" + esc(f.Arg) + "*"
		}
		alts = append(alts, t)
	}
	return strings.Join(alts, ", ")
}

// sentence capitalises s and ends it with a period.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// esc escapes markdown syntax in text taken from the command tree.
func esc(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`)
	return r.Replace(s)
}

var _ = fmt.Sprintf
