/*
 * Theme styles to curses attributes: one colour pair per distinct
 * (fg, bg) of the theme, using the colour depth the terminal has (the
 * nearest 256 or 8 colours come from src/theme.c). Drawing code asks for
 * a role's attributes and never names a colour.
 */
#ifndef KPOD_THEME_CURSES_H
#define KPOD_THEME_CURSES_H

#include "term.h"
#include "theme.h"

struct theme_curses {
    attr_t attrs[THEME_NROLES];
};

/* The attributes of each role for a terminal with ncolors colours (0 when
 * colours are off, e.g. NO_COLOR); starts the pairs it needs from
 * first_pair on. Returns the next free pair. */
int theme_curses_init(struct theme_curses *, const struct theme *, int ncolors,
                      int first_pair);
/* Curses attributes of a style's attribute bits (no colour). */
attr_t theme_curses_attrs(unsigned);

#endif
