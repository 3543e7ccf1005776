package main

import (
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

// Model is the part of passotp's command tree the documents are made of:
// the visible commands with their options, in the tree's order. The default
// command (code) is always present and first.
type Model struct {
	Name     string // the program, "passotp"
	Usage    string
	Commands []Command
}

// Command is one visible subcommand.
type Command struct {
	Name        string
	Aliases     []string
	Usage       string // one line
	ArgsUsage   string // operands, e.g. "pass-name"
	Description string
	Flags       []Flag
	// Entries is true when the operands are entry names of the store (for
	// completion); false for validate, help and version.
	Entries bool
}

// Names returns the name and the aliases of c.
func (c Command) Names() []string {
	return append([]string{c.Name}, c.Aliases...)
}

// Flag is one visible option.
type Flag struct {
	Long  string // without dashes; "" if none
	Short string // one letter; "" if none
	Arg   string // placeholder of the argument; "" for an option without one
	Usage string
	Env   []string // environment variables that set it
}

// Words returns the option as typed: "-c", "--clip".
func (f Flag) Words() []string {
	var w []string
	if f.Short != "" {
		w = append(w, "-"+f.Short)
	}
	if f.Long != "" {
		w = append(w, "--"+f.Long)
	}
	return w
}

// fallbackUsage documents options the tree gives no usage text (the
// clip flag that code and uri share); the tree's own text wins.
var fallbackUsage = map[string]string{
	"code/clip": "put the code on the clipboard instead of printing it; the previous content is restored after PASSWORD_STORE_CLIP_TIME seconds (45)",
	"uri/clip":  "put the URI on the clipboard instead of printing it; the previous content is restored after PASSWORD_STORE_CLIP_TIME seconds (45)",
}

// noEntries lists the commands whose operands are not entry names.
var noEntries = map[string]bool{"validate": true, "help": true, "version": true}

// FromApp extracts the model of app. Hidden commands and flags are left
// out. When app has no command named code, its own flags make up code (the
// default command). urfave's generated help command and help flag are
// skipped: passotp's help is a command of the tree when it has one.
func FromApp(app *cli.App) Model {
	m := Model{Name: app.Name, Usage: app.Usage}
	var code *Command
	for _, c := range app.Commands {
		if c.Hidden {
			continue
		}
		cmd := Command{
			Name:        c.Name,
			Aliases:     append([]string(nil), c.Aliases...),
			Usage:       c.Usage,
			ArgsUsage:   c.ArgsUsage,
			Description: strings.TrimSpace(c.Description),
			Flags:       flags(c.Flags),
			Entries:     !noEntries[c.Name],
		}
		for i, f := range cmd.Flags {
			if f.Usage == "" {
				cmd.Flags[i].Usage = fallbackUsage[c.Name+"/"+f.Long]
			}
		}
		m.Commands = append(m.Commands, cmd)
		if c.Name == "code" {
			code = &m.Commands[len(m.Commands)-1]
		}
	}
	if code == nil {
		m.Commands = append([]Command{{
			Name:      "code",
			Usage:     app.Usage,
			ArgsUsage: app.ArgsUsage,
			Flags:     flags(app.Flags),
			Entries:   true,
		}}, m.Commands...)
	} else if i := indexOf(m.Commands, "code"); i > 0 {
		c := m.Commands[i]
		m.Commands = append(m.Commands[:i], m.Commands[i+1:]...)
		m.Commands = append([]Command{c}, m.Commands...)
	}
	return m
}

func indexOf(cs []Command, name string) int {
	for i, c := range cs {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func flags(fs []cli.Flag) []Flag {
	var out []Flag
	for _, f := range fs {
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue
		}
		var fl Flag
		for _, n := range f.Names() {
			switch {
			case len(n) == 1 && fl.Short == "":
				fl.Short = n
			case len(n) > 1 && fl.Long == "":
				fl.Long = n
			}
		}
		if fl.Long == "help" || fl.Long == "" && fl.Short == "" {
			continue // urfave's own help flag
		}
		if d, ok := f.(cli.DocGenerationFlag); ok {
			placeholder, usage := unquoteUsage(d.GetUsage())
			fl.Usage = usage
			if d.TakesValue() {
				if placeholder == "" {
					placeholder = fl.Long
					if placeholder == "" {
						placeholder = "value"
					}
				}
				fl.Arg = placeholder
			}
			fl.Env = append(fl.Env, d.GetEnvVars()...)
		}
		out = append(out, fl)
	}
	return out
}

// unquoteUsage splits urfave's "`NAME` text" usage convention into the
// placeholder and the text with the backquotes removed.
func unquoteUsage(usage string) (string, string) {
	i := strings.IndexByte(usage, '`')
	if i < 0 {
		return "", usage
	}
	j := strings.IndexByte(usage[i+1:], '`')
	if j < 0 {
		return "", usage
	}
	name := usage[i+1 : i+1+j]
	return name, usage[:i] + name + usage[i+1+j+1:]
}

// AllFlags returns every distinct option word of the model, sorted.
func (m Model) AllFlags() []string {
	seen := map[string]bool{}
	for _, c := range m.Commands {
		for _, f := range c.Flags {
			for _, w := range f.Words() {
				seen[w] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}
