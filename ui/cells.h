/*
 * Text measured in terminal cells. Column widths and truncation in the UI
 * are counted in display cells (wcwidth), not bytes or code points, and a
 * cut never splits a character: a wide character that does not fit is
 * replaced by a space. Pure functions, no curses; the locale must be UTF-8
 * (setlocale) for wide characters to measure right.
 */
#ifndef KPOD_CELLS_H
#define KPOD_CELLS_H

#include <stddef.h>

#include "util.h"

enum cells_align { CELLS_LEFT, CELLS_RIGHT };

/* Display width of a UTF-8 string; control and invalid bytes count as one
 * cell each (they are shown as '?'). */
int cells_width(const char *s);

/* Append s to buf fitted to exactly width cells: truncated at a character
 * boundary (with "…" marking the cut when ellipsis is set and width > 1),
 * then padded with spaces on the side given by align. */
void cells_fit(struct kbuf *buf, const char *s, int width,
               enum cells_align align, int ellipsis);

/* Whether the terminal's locale is UTF-8 (default yes). Without it, the
 * ellipsis marking a cut is "~" instead of "…". */
void cells_set_utf8(int);

/* Byte length of the longest prefix of s that fits in width cells. */
size_t cells_prefix(const char *s, int width);

#endif
