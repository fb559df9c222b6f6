/*
 * Themes: an enum of style roles (what drawing code names) and one table
 * of each role's name and default style, loaded over by theme YAML files.
 * Colours are names, "#rrggbb" or 0-255; the nearest 256- and 8-colour
 * equivalents are computed here so the UI only maps styles to curses.
 * NO_COLOR and the mono theme give styles without colour.
 */
#ifndef KPOD_THEME_H
#define KPOD_THEME_H

#include <stddef.h>
#include <stdint.h>

#include "cfgfile.h"

enum theme_role {
    THEME_NORMAL,
    THEME_TABLE_HEADER,
    THEME_SELECTION,
    THEME_SELECTION_UNFOCUSED,
    THEME_POD_RUNNING,
    THEME_POD_PENDING,
    THEME_POD_SUCCEEDED,
    THEME_POD_FAILED,
    THEME_POD_TERMINATING,
    THEME_POD_UNKNOWN,
    THEME_EVENT_NORMAL,
    THEME_EVENT_WARNING,
    THEME_LOG_TIMESTAMP,
    THEME_LOG_CONTAINER,
    THEME_SEARCH_MATCH,
    THEME_BORDER,
    THEME_BORDER_FOCUS,
    THEME_TITLE,
    THEME_STATUSBAR,
    THEME_STATUS_ERROR,
    THEME_STATUS_READONLY,
    THEME_HELP_KEY,
    THEME_HELP_OVERRIDE,
    THEME_PROMPT,
    THEME_YAML_KEY,
    THEME_YAML_VALUE,
    THEME_NROLES
};

enum theme_color_kind {
    THEME_COLOR_DEFAULT,
    THEME_COLOR_INDEX,
    THEME_COLOR_RGB
};

struct theme_color {
    enum theme_color_kind kind;
    int                   index; /* 0-255 for INDEX */
    uint32_t              rgb;   /* 0xrrggbb for RGB */
};

#define THEME_BOLD 0x01
#define THEME_DIM 0x02
#define THEME_UNDERLINE 0x04
#define THEME_REVERSE 0x08
#define THEME_ITALIC 0x10

struct theme_style {
    struct theme_color fg, bg;
    unsigned           attrs;
};

struct theme {
    struct theme_style styles[THEME_NROLES];
    int                mono; /* no colours at all */
    struct cfgcauses   causes;
};

/* Role names ("pod.status.running") and their index (-1 if unknown). */
const char *theme_role_name(enum theme_role);
int         theme_role_parse(const char *);

/* A theme with every role at its default. mono drops colours (NO_COLOR). */
struct theme *theme_create(int mono);
void          theme_free(struct theme *);
/* Load a named theme ("default", "light", "mono", a user theme or a path)
 * over the defaults; "mono" also sets mono. Problems go to causes;
 * returns -1 when it was not found. */
int theme_load(struct theme *, const char *name);
/* Apply one theme document (no lookup of files but for extends). */
int theme_apply(struct theme *, const char *text, size_t len, const char *file);
/* The style of a role as drawn: without colours when mono. */
struct theme_style theme_style(const struct theme *, enum theme_role);

/* Parse "red", "brightred", "#rrggbb", "default" or "0".."255". */
int theme_color_parse(const char *, struct theme_color *);
/* Nearest colour in the xterm 256 palette / the 8 basic colours; -1 for
 * the terminal's default. */
int theme_color_256(struct theme_color);
int theme_color_8(struct theme_color);

#endif
