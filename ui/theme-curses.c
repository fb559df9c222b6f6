/*
 * Theme styles as curses attributes. Colours go through theme_color_256
 * or theme_color_8 by the terminal's depth and become colour pairs, one
 * per distinct (fg, bg), shared between roles; without colours (mono,
 * NO_COLOR, a terminal without them) only the attributes remain.
 */
#include "theme-curses.h"
#include "util.h"

attr_t
theme_curses_attrs(unsigned bits)
{
    attr_t a = A_NORMAL;

    if (bits & THEME_BOLD)
        a |= A_BOLD;
    if (bits & THEME_DIM)
        a |= A_DIM;
    if (bits & THEME_UNDERLINE)
        a |= A_UNDERLINE;
    if (bits & THEME_REVERSE)
        a |= A_REVERSE;
    if (bits & THEME_ITALIC)
        a |= A_ITALIC;
    return a;
}

int
theme_curses_init(struct theme_curses *tc, const struct theme *t, int ncolors,
                  int first_pair)
{
    int fgs[THEME_NROLES], bgs[THEME_NROLES], pairs[THEME_NROLES];
    int npairs = 0, next = first_pair;

    for (int r = 0; r < THEME_NROLES; r++) {
        struct theme_style s = theme_style(t, (enum theme_role)r);
        int                fg, bg, p = 0;

        tc->attrs[r] = theme_curses_attrs(s.attrs);
        if (ncolors < 8)
            continue;
        fg = ncolors >= 256 ? theme_color_256(s.fg) : theme_color_8(s.fg);
        bg = ncolors >= 256 ? theme_color_256(s.bg) : theme_color_8(s.bg);
        if (fg == -1 && bg == -1)
            continue;
        for (int i = 0; i < npairs; i++)
            if (fgs[i] == fg && bgs[i] == bg)
                p = pairs[i];
        if (p == 0) {
            if (next >= COLOR_PAIRS)
                continue;
            p = next++;
            init_pair((short)p, (short)fg, (short)bg);
            fgs[npairs] = fg;
            bgs[npairs] = bg;
            pairs[npairs++] = p;
        }
        tc->attrs[r] |= COLOR_PAIR(p);
    }
    return next;
}
