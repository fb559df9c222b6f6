/*
 * The one header that includes curses. Everything in ui/ that draws
 * includes this instead of <curses.h>, so NCURSES_NOMACROS is always set
 * (curses otherwise defines refresh, clear, move and timeout as macros)
 * and the wide-character API is always visible. src/ never includes it.
 */
#ifndef KPOD_TERM_H
#define KPOD_TERM_H

#ifndef NCURSES_NOMACROS
#define NCURSES_NOMACROS 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <ncursesw/curses.h>

#endif
