package app

// `uri -q` (compat §10.4), as pass's qrcode(): with a display and feh, gm
// or ImageMagick's display, a PNG window titled `pass: OTP key URI for
// NAME`; otherwise what `qrencode -t utf8` prints. The URI reaches qrencode
// on stdin. Without qrencode the code is rendered here with rsc.io/qr, in
// qrencode's style (light modules as blocks, a 4-module margin).

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"strings"

	"rsc.io/qr"
)

// viewers are the image viewers pass tries, in order, with their
// arguments before the title and after it.
var viewers = []struct {
	prog       string
	args, post []string
}{
	{"feh", []string{"-x", "--title"}, []string{"-g", "+200+200", "-"}},
	{"gm", []string{"display", "-title"}, []string{"-geometry", "+200+200", "-"}},
	{"display", []string{"-title"}, []string{"-geometry", "+200+200", "-"}},
}

// showQR displays uri as a QR code for the entry name.
func (a *App) showQR(ctx context.Context, name, uri string) error {
	if a.Getenv("DISPLAY") != "" || a.Getenv("WAYLAND_DISPLAY") != "" {
		for _, v := range viewers {
			p, err := a.lookPath(v.prog)
			if err != nil {
				continue
			}
			png, err := a.qrPNG(ctx, uri)
			if err != nil {
				return err
			}
			args := append(append(append([]string{}, v.args...), "pass: OTP key URI for "+name), v.post...)
			cmd := exec.CommandContext(ctx, p, args...)
			cmd.Args[0] = v.prog
			cmd.Env = a.ChildEnv()
			cmd.Stdin = bytes.NewReader(png)
			cmd.Stdout, cmd.Stderr = a.Stderr, a.Stderr
			cmd.Run() // as pass: the viewer's status does not matter
			return nil
		}
	}
	if cmd, err := a.command(ctx, []string{"qrencode", "-t", "utf8"}); err == nil {
		cmd.Stdin = strings.NewReader(uri)
		cmd.Stdout, cmd.Stderr = a.Stdout, a.Stderr
		return cmd.Run()
	}
	text, err := qrUTF8(uri)
	if err != nil {
		return err
	}
	_, err = io.WriteString(a.Stdout, text)
	return err
}

// qrPNG returns the PNG of `qrencode --size 10 -o -`, or rsc.io/qr's at
// the same scale without qrencode.
func (a *App) qrPNG(ctx context.Context, uri string) ([]byte, error) {
	if cmd, err := a.command(ctx, []string{"qrencode", "--size", "10", "-o", "-"}); err == nil {
		cmd.Stdin = strings.NewReader(uri)
		cmd.Stderr = a.Stderr
		return cmd.Output()
	}
	c, err := qr.Encode(uri, qr.L)
	if err != nil {
		return nil, err
	}
	c.Scale = 10
	return c.PNG(), nil
}

// qrUTF8 renders uri as `qrencode -t utf8` does: two module rows per text
// line, light modules (including a 4-module margin) drawn with block
// characters so the code reads on a dark terminal.
func qrUTF8(uri string) (string, error) {
	c, err := qr.Encode(uri, qr.L)
	if err != nil {
		return "", err
	}
	const margin = 4
	n := c.Size + 2*margin
	light := func(x, y int) bool {
		x, y = x-margin, y-margin
		if x < 0 || y < 0 || x >= c.Size || y >= c.Size {
			return true
		}
		return !c.Black(x, y)
	}
	var b strings.Builder
	for y := 0; y < n; y += 2 {
		for x := 0; x < n; x++ {
			top, bottom := light(x, y), y+1 >= n || light(x, y+1)
			switch {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}
