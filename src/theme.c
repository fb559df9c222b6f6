/*
 * Theme roles and their defaults (one table, checked against the enum at
 * compile time), theme files, and colour arithmetic: the xterm 256-colour
 * palette and the nearest entry by squared RGB distance, as tmux does for
 * terminals without RGB. A theme file is `extends: NAME` plus `styles:`
 * mapping a role to {fg, bg, attrs}; bad lines are causes with FILE:LINE.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "theme.h"
#include "util.h"

#define C(i)                                                                   \
    {                                                                          \
        THEME_COLOR_INDEX, (i), 0                                              \
    }
#define D                                                                      \
    {                                                                          \
        THEME_COLOR_DEFAULT, -1, 0                                             \
    }

static const struct {
    const char        *name;
    struct theme_style def;
} theme_roles[] = {
    {"normal", {D, D, 0}},
    {"table.header", {C(6), D, THEME_BOLD}},
    {"selection", {D, D, THEME_REVERSE}},
    {"selection.unfocused", {D, D, THEME_UNDERLINE}},
    {"pod.status.running", {C(2), D, 0}},
    {"pod.status.pending", {C(3), D, 0}},
    {"pod.status.succeeded", {C(4), D, 0}},
    {"pod.status.failed", {C(1), D, THEME_BOLD}},
    {"pod.status.terminating", {C(5), D, 0}},
    {"pod.status.unknown", {D, D, THEME_DIM}},
    {"event.normal", {D, D, 0}},
    {"event.warning", {C(3), D, THEME_BOLD}},
    {"log.timestamp", {C(4), D, 0}},
    {"log.container", {C(6), D, 0}},
    {"search.match", {C(0), C(3), 0}},
    {"border", {D, D, THEME_DIM}},
    {"border.focus", {C(6), D, THEME_BOLD}},
    {"title", {D, D, THEME_BOLD}},
    {"statusbar", {C(0), C(6), 0}},
    {"status.error", {C(7), C(1), THEME_BOLD}},
    {"status.readonly", {C(0), C(3), THEME_BOLD}},
    {"help.key", {C(6), D, THEME_BOLD}},
    {"help.override", {C(3), D, THEME_BOLD}},
    {"prompt", {D, D, THEME_BOLD}},
    {"yaml.key", {C(6), D, 0}},
    {"yaml.value", {D, D, 0}},
};
_Static_assert(nitems(theme_roles) == THEME_NROLES,
               "one row of theme_roles per theme_role");

static const char *theme_color_names[] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
    const char *name;
    unsigned    bit;
} theme_attr_names[] = {
    {"bold", THEME_BOLD},           {"dim", THEME_DIM},
    {"underline", THEME_UNDERLINE}, {"reverse", THEME_REVERSE},
    {"italic", THEME_ITALIC},
};

const char *
theme_role_name(enum theme_role r)
{
    return (unsigned)r < THEME_NROLES ? theme_roles[r].name : "?";
}

int
theme_role_parse(const char *s)
{
    for (size_t i = 0; i < THEME_NROLES; i++)
        if (strcmp(s, theme_roles[i].name) == 0)
            return (int)i;
    return -1;
}

struct theme *
theme_create(int mono)
{
    struct theme *t = xcalloc(1, sizeof *t);

    for (size_t i = 0; i < THEME_NROLES; i++)
        t->styles[i] = theme_roles[i].def;
    t->mono = mono;
    cfgcauses_init(&t->causes);
    return t;
}

void
theme_free(struct theme *t)
{
    if (t == NULL)
        return;
    cfgcauses_done(&t->causes);
    free(t);
}

struct theme_style
theme_style(const struct theme *t, enum theme_role r)
{
    struct theme_style s = t->styles[r];

    if (t->mono) {
        s.fg = (struct theme_color)D;
        s.bg = (struct theme_color)D;
    }
    return s;
}

int
theme_color_parse(const char *s, struct theme_color *c)
{
    char *end;
    long  n;

    if (strcasecmp(s, "default") == 0) {
        *c = (struct theme_color)D;
        return 0;
    }
    for (int i = 0; i < 8; i++) {
        if (strcasecmp(s, theme_color_names[i]) == 0) {
            *c = (struct theme_color)C(i);
            return 0;
        }
        if (strncasecmp(s, "bright", 6) == 0 &&
            strcasecmp(s + 6, theme_color_names[i]) == 0) {
            *c = (struct theme_color)C(i + 8);
            return 0;
        }
    }
    if (s[0] == '#') {
        if (strlen(s) != 7 || strspn(s + 1, "0123456789abcdefABCDEF") != 6)
            return -1;
        c->kind = THEME_COLOR_RGB;
        c->index = -1;
        c->rgb = (uint32_t)strtoul(s + 1, NULL, 16);
        return 0;
    }
    if (*s < '0' || *s > '9')
        return -1;
    n = strtol(s, &end, 10);
    if (*end != '\0' || n < 0 || n > 255)
        return -1;
    *c = (struct theme_color)C((int)n);
    return 0;
}

/* The xterm palette entry i as 0xrrggbb. */
static uint32_t
theme_palette(int i)
{
    static const uint32_t base[16] = {
        0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
        0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
        0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
    };
    static const int cube[6] = {0, 0x5f, 0x87, 0xaf, 0xd7, 0xff};

    if (i < 16)
        return base[i];
    if (i < 232) {
        i -= 16;
        return ((uint32_t)cube[i / 36] << 16) |
               ((uint32_t)cube[(i / 6) % 6] << 8) | (uint32_t)cube[i % 6];
    }
    i = 8 + (i - 232) * 10;
    return ((uint32_t)i << 16) | ((uint32_t)i << 8) | (uint32_t)i;
}

static int
theme_nearest(uint32_t rgb, int from, int to)
{
    int  best = from;
    long bestd = -1;

    for (int i = from; i < to; i++) {
        uint32_t p = theme_palette(i);
        long     dr = (long)((rgb >> 16) & 0xff) - (long)((p >> 16) & 0xff);
        long     dg = (long)((rgb >> 8) & 0xff) - (long)((p >> 8) & 0xff);
        long     db = (long)(rgb & 0xff) - (long)(p & 0xff);
        long     d = dr * dr + dg * dg + db * db;
        if (bestd < 0 || d < bestd) {
            best = i;
            bestd = d;
        }
    }
    return best;
}

int
theme_color_256(struct theme_color c)
{
    switch (c.kind) {
    case THEME_COLOR_INDEX:
        return c.index;
    case THEME_COLOR_RGB:
        /* The 16 system colours vary by terminal: use the fixed ones. */
        return theme_nearest(c.rgb, 16, 256);
    default:
        return -1;
    }
}

int
theme_color_8(struct theme_color c)
{
    switch (c.kind) {
    case THEME_COLOR_INDEX:
        if (c.index < 8)
            return c.index;
        if (c.index < 16)
            return c.index - 8;
        return theme_nearest(theme_palette(c.index), 0, 8);
    case THEME_COLOR_RGB:
        return theme_nearest(c.rgb, 0, 8);
    default:
        return -1;
    }
}

/* Parse attrs: a list or a space/comma separated string of names. */
static void
theme_attrs(struct theme *t, struct cfgdoc *doc, yaml_node_t *v, unsigned *out)
{
    unsigned attrs = 0;
    char    *copy, *p, *tok;

    if (v->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = v->data.sequence.items.start;
             it < v->data.sequence.items.top; it++) {
            yaml_node_t *n = cfgdoc_node(doc, *it);
            const char  *s = cfgdoc_scalar(n);
            size_t       i;
            for (i = 0; s != NULL && i < nitems(theme_attr_names); i++)
                if (strcasecmp(s, theme_attr_names[i].name) == 0)
                    break;
            if (s == NULL || i == nitems(theme_attr_names))
                cfgcauses_add(&t->causes, doc->file, cfgdoc_line(n),
                              "unknown attribute '%s'", s ? s : "?");
            else
                attrs |= theme_attr_names[i].bit;
        }
        *out = attrs;
        return;
    }
    if (cfgdoc_scalar(v) == NULL) {
        cfgcauses_add(&t->causes, doc->file, cfgdoc_line(v),
                      "attrs: expected a list of attributes");
        return;
    }
    p = copy = xstrdup(cfgdoc_scalar(v));
    while ((tok = strsep(&p, " ,")) != NULL) {
        size_t i;
        if (*tok == '\0' || strcmp(tok, "none") == 0)
            continue;
        for (i = 0; i < nitems(theme_attr_names); i++)
            if (strcasecmp(tok, theme_attr_names[i].name) == 0)
                break;
        if (i == nitems(theme_attr_names))
            cfgcauses_add(&t->causes, doc->file, cfgdoc_line(v),
                          "unknown attribute '%s'", tok);
        else
            attrs |= theme_attr_names[i].bit;
    }
    free(copy);
    *out = attrs;
}

static void
theme_one(struct theme *t, struct cfgdoc *doc, enum theme_role r,
          yaml_node_t *map)
{
    struct theme_style st = t->styles[r];

    if (map->type != YAML_MAPPING_NODE) {
        cfgcauses_add(&t->causes, doc->file, cfgdoc_line(map),
                      "%s: expected {fg, bg, attrs}", theme_role_name(r));
        return;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfgdoc_node(doc, p->key);
        yaml_node_t *v = cfgdoc_node(doc, p->value);
        const char  *s = cfgdoc_scalar(k), *val = cfgdoc_scalar(v);

        if (s != NULL && (strcmp(s, "fg") == 0 || strcmp(s, "bg") == 0)) {
            struct theme_color c;
            if (val == NULL || theme_color_parse(val, &c) == -1)
                cfgcauses_add(&t->causes, doc->file, cfgdoc_line(v),
                              "bad colour '%s'", val ? val : "?");
            else if (s[0] == 'f')
                st.fg = c;
            else
                st.bg = c;
        } else if (s != NULL && strcmp(s, "attrs") == 0)
            theme_attrs(t, doc, v, &st.attrs);
        else
            cfgcauses_add(&t->causes, doc->file, cfgdoc_line(k),
                          "unknown style key '%s' (fg, bg, attrs)",
                          s ? s : "?");
    }
    t->styles[r] = st;
}

static int theme_load_depth(struct theme *, const char *, int);

static int
theme_apply_depth(struct theme *t, const char *text, size_t len,
                  const char *file, int depth)
{
    struct cfgdoc doc;
    yaml_node_t  *root;
    int           rc = 0;

    if (cfgdoc_load(&doc, text, len, file, &t->causes) == -1)
        return -1;
    root = cfgdoc_root(&doc);
    if (root == NULL)
        goto out;
    if (root->type != YAML_MAPPING_NODE) {
        cfgcauses_add(&t->causes, file, cfgdoc_line(root),
                      "a theme is a mapping (extends, styles)");
        rc = -1;
        goto out;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
             p < root->data.mapping.pairs.top; p++) {
            yaml_node_t *k = cfgdoc_node(&doc, p->key);
            yaml_node_t *v = cfgdoc_node(&doc, p->value);
            const char  *s = cfgdoc_scalar(k);

            if (s != NULL && strcmp(s, "extends") == 0) {
                const char *name = cfgdoc_scalar(v);
                if (pass == 1)
                    continue;
                if (name == NULL || depth >= 8 ||
                    theme_load_depth(t, name, depth + 1) == -1)
                    cfgcauses_add(&t->causes, file, cfgdoc_line(v),
                                  "extends: theme '%s' not found",
                                  name ? name : "?");
                continue;
            }
            if (pass == 0)
                continue;
            if (s != NULL &&
                (strcmp(s, "name") == 0 || strcmp(s, "description") == 0))
                continue;
            if (s != NULL && strcmp(s, "mono") == 0) {
                int b = cfgdoc_bool(v);
                if (b < 0)
                    cfgcauses_add(&t->causes, file, cfgdoc_line(v),
                                  "mono: expected true or false");
                else
                    t->mono = t->mono || b;
                continue;
            }
            if (s == NULL || strcmp(s, "styles") != 0) {
                cfgcauses_add(&t->causes, file, cfgdoc_line(k),
                              "unknown theme key '%s'", s ? s : "?");
                continue;
            }
            if (v->type != YAML_MAPPING_NODE) {
                cfgcauses_add(&t->causes, file, cfgdoc_line(v),
                              "styles: expected a mapping of roles");
                continue;
            }
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
                 q < v->data.mapping.pairs.top; q++) {
                yaml_node_t *rk = cfgdoc_node(&doc, q->key);
                const char  *rn = cfgdoc_scalar(rk);
                int          r = rn ? theme_role_parse(rn) : -1;
                if (r < 0)
                    cfgcauses_add(&t->causes, file, cfgdoc_line(rk),
                                  "unknown style role '%s'", rn ? rn : "?");
                else
                    theme_one(t, &doc, (enum theme_role)r,
                              cfgdoc_node(&doc, q->value));
            }
        }
    }
out:
    cfgdoc_done(&doc);
    return rc;
}

int
theme_apply(struct theme *t, const char *text, size_t len, const char *file)
{
    return theme_apply_depth(t, text, len, file, 0);
}

static int
theme_load_depth(struct theme *t, const char *name, int depth)
{
    char  *path, *text;
    size_t len;

    if ((path = cfgfile_find("themes", name)) == NULL) {
        /* default and mono need no file: they are the table. */
        if (strcmp(name, "default") == 0)
            return 0;
        if (strcmp(name, "mono") == 0) {
            t->mono = 1;
            return 0;
        }
        return -1;
    }
    if ((text = cfgfile_read(path, &len)) == NULL) {
        cfgcauses_add(&t->causes, path, 0, "cannot read");
        free(path);
        return -1;
    }
    theme_apply_depth(t, text, len, path, depth);
    free(text);
    free(path);
    return 0;
}

int
theme_load(struct theme *t, const char *name)
{
    if (name == NULL)
        name = "default";
    if (strcmp(name, "mono") == 0)
        t->mono = 1;
    if (theme_load_depth(t, name, 0) == -1) {
        cfgcauses_add(&t->causes, name, 0, "theme not found");
        return -1;
    }
    return 0;
}
