/*
 * Keymap files to bindings. A file is a mapping: `extends: NAME` (or
 * `none`), `bindings:` (context -> action -> key, list of keys, or null to
 * unbind the action) and `unbind:` (context -> list of keys). Every
 * problem is collected with FILE:LINE and the rest of the file still
 * applies. Binding an action in a context replaces its earlier keys there;
 * binding a key takes it away from whatever action had it.
 */
#include <stdlib.h>
#include <string.h>

#include "keymap.h"

#define KEYMAP_MAX_DEPTH 8
#define KEYMAP_EMBEDDED "keymaps/default.yaml"

static const char *keymap_context_names[] = {
    "global", "pods",   "describe", "events",  "annotations", "yaml",
    "logs",   "prompt", "help",     "explain", "forwards",
};
_Static_assert(nitems(keymap_context_names) == KEYMAP_NCONTEXTS,
               "one name per keymap context");

const char *
keymap_context_name(enum keymap_context c)
{
    return (unsigned)c < KEYMAP_NCONTEXTS ? keymap_context_names[c] : "?";
}

int
keymap_context_parse(const char *s)
{
    for (size_t i = 0; i < KEYMAP_NCONTEXTS; i++)
        if (strcmp(s, keymap_context_names[i]) == 0)
            return (int)i;
    return -1;
}

struct keymap *
keymap_create(const struct keymap_action *actions, size_t n, int readonly)
{
    struct keymap *km = xcalloc(1, sizeof *km);

    km->actions = actions;
    km->nactions = n;
    km->readonly = readonly;
    cfgcauses_init(&km->causes);
    return km;
}

void
keymap_free(struct keymap *km)
{
    if (km == NULL)
        return;
    free(km->b);
    cfgcauses_done(&km->causes);
    free(km);
}

/* Index by name regardless of readonly; -1 when unknown. */
static int
keymap_action_any(const struct keymap *km, const char *name)
{
    for (size_t i = 0; i < km->nactions; i++)
        if (strcmp(km->actions[i].name, name) == 0)
            return (int)i;
    return -1;
}

int
keymap_action_find(const struct keymap *km, const char *name)
{
    int i = keymap_action_any(km, name);

    if (i >= 0 && km->readonly && km->actions[i].mutating)
        return -1;
    return i;
}

static void
keymap_remove(struct keymap *km, size_t i)
{
    memmove(&km->b[i], &km->b[i + 1], (km->n - i - 1) * sizeof *km->b);
    km->n--;
}

static void
keymap_unbind_action(struct keymap *km, enum keymap_context ctx, size_t a)
{
    for (size_t i = km->n; i-- > 0;)
        if (km->b[i].context == ctx && km->b[i].action == a)
            keymap_remove(km, i);
}

static int
keymap_unbind_keys(struct keymap *km, enum keymap_context ctx,
                   const struct keyseq *keys)
{
    int found = 0;

    for (size_t i = km->n; i-- > 0;) {
        if (km->b[i].context == ctx && keyseq_equal(&km->b[i].keys, keys)) {
            keymap_remove(km, i);
            found = 1;
        }
    }
    return found;
}

/* Per-file state: which keys this file bound, to report duplicates. */
struct keymap_file {
    struct keymap *km;
    struct cfgdoc *doc;
    const char    *file;
    int            is_default;
    struct keyseq *seen;
    int           *seenctx;
    size_t        *seenline;
    size_t         nseen;
};

static void
keymap_bind_one(struct keymap_file *f, enum keymap_context ctx, size_t a,
                yaml_node_t *kn)
{
    struct keymap *km = f->km;
    const char    *s = cfgdoc_scalar(kn);
    struct keyseq  keys;
    char           buf[64];

    if (s == NULL || keyname_parse_seq(s, &keys) == -1) {
        cfgcauses_add(&km->causes, f->file, cfgdoc_line(kn),
                      "bad key name '%s'", s ? s : "(not a string)");
        return;
    }
    for (size_t i = 0; i < f->nseen; i++) {
        if (f->seenctx[i] == (int)ctx && keyseq_equal(&f->seen[i], &keys)) {
            cfgcauses_add(&km->causes, f->file, cfgdoc_line(kn),
                          "duplicate binding of '%s' in %s (line %zu)",
                          keyname_print_seq(&keys, buf, sizeof buf),
                          keymap_context_name(ctx), f->seenline[i]);
            return;
        }
    }
    f->seen = xrealloc(f->seen, (f->nseen + 1) * sizeof *f->seen);
    f->seenctx = xrealloc(f->seenctx, (f->nseen + 1) * sizeof *f->seenctx);
    f->seenline = xrealloc(f->seenline, (f->nseen + 1) * sizeof *f->seenline);
    f->seen[f->nseen] = keys;
    f->seenctx[f->nseen] = (int)ctx;
    f->seenline[f->nseen++] = cfgdoc_line(kn);
    if (km->readonly && km->actions[a].mutating)
        return; /* the action does not exist; its key stays free */
    keymap_unbind_keys(km, ctx, &keys);
    km->b = xrealloc(km->b, (km->n + 1) * sizeof *km->b);
    km->b[km->n].context = ctx;
    km->b[km->n].keys = keys;
    km->b[km->n].action = a;
    km->b[km->n].override = !f->is_default;
    km->n++;
}

/* Whether a key or list of keys holds at least one good key name. */
static int
keymap_any_valid(struct keymap_file *f, yaml_node_t *v)
{
    struct keyseq keys;
    const char   *s;

    if (v->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = v->data.sequence.items.start;
             it < v->data.sequence.items.top; it++) {
            s = cfgdoc_scalar(cfgdoc_node(f->doc, *it));
            if (s != NULL && keyname_parse_seq(s, &keys) == 0)
                return 1;
        }
        return 0;
    }
    s = cfgdoc_scalar(v);
    return s != NULL && keyname_parse_seq(s, &keys) == 0;
}

static void
keymap_report_bad(struct keymap_file *f, yaml_node_t *v)
{
    if (v->type != YAML_SEQUENCE_NODE) {
        const char *s = cfgdoc_scalar(v);
        cfgcauses_add(&f->km->causes, f->file, cfgdoc_line(v),
                      "bad key name '%s'", s ? s : "(not a string)");
        return;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start;
         it < v->data.sequence.items.top; it++) {
        yaml_node_t *n = cfgdoc_node(f->doc, *it);
        const char  *s = cfgdoc_scalar(n);
        cfgcauses_add(&f->km->causes, f->file, cfgdoc_line(n),
                      "bad key name '%s'", s ? s : "(not a string)");
    }
}

static void
keymap_bindings(struct keymap_file *f, enum keymap_context ctx,
                yaml_node_t *map)
{
    struct keymap *km = f->km;

    if (map->type != YAML_MAPPING_NODE) {
        cfgcauses_add(&km->causes, f->file, cfgdoc_line(map),
                      "%s: expected a mapping of action: keys",
                      keymap_context_name(ctx));
        return;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfgdoc_node(f->doc, p->key);
        yaml_node_t *v = cfgdoc_node(f->doc, p->value);
        const char  *name = cfgdoc_scalar(k);
        int          a = name ? keymap_action_any(km, name) : -1;

        if (a < 0) {
            cfgcauses_add(&km->causes, f->file, cfgdoc_line(k),
                          "unknown action '%s'", name ? name : "?");
            continue;
        }
        if (!(km->actions[a].contexts & KEYMAP_CTX(ctx))) {
            cfgcauses_add(&km->causes, f->file, cfgdoc_line(k),
                          "action '%s' does not apply in %s", name,
                          keymap_context_name(ctx));
            continue;
        }
        if (cfgdoc_is_null(v)) {
            keymap_unbind_action(km, ctx, (size_t)a);
            continue;
        }
        /* A line whose keys are all bad keeps the old keys. */
        if (!keymap_any_valid(f, v)) {
            keymap_report_bad(f, v);
            continue;
        }
        keymap_unbind_action(km, ctx, (size_t)a);
        if (v->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top; it++)
                keymap_bind_one(f, ctx, (size_t)a, cfgdoc_node(f->doc, *it));
        } else
            keymap_bind_one(f, ctx, (size_t)a, v);
    }
}

static void
keymap_unbinds(struct keymap_file *f, enum keymap_context ctx, yaml_node_t *seq)
{
    struct keymap *km = f->km;

    if (seq->type != YAML_SEQUENCE_NODE) {
        cfgcauses_add(&km->causes, f->file, cfgdoc_line(seq),
                      "unbind: %s: expected a list of keys",
                      keymap_context_name(ctx));
        return;
    }
    for (yaml_node_item_t *it = seq->data.sequence.items.start;
         it < seq->data.sequence.items.top; it++) {
        yaml_node_t  *kn = cfgdoc_node(f->doc, *it);
        const char   *s = cfgdoc_scalar(kn);
        struct keyseq keys;

        if (s == NULL || keyname_parse_seq(s, &keys) == -1) {
            cfgcauses_add(&km->causes, f->file, cfgdoc_line(kn),
                          "bad key name '%s'", s ? s : "(not a string)");
            continue;
        }
        keymap_unbind_keys(km, ctx, &keys);
    }
}

/* For each "context: value" pair of a mapping node, call fn. */
static void
keymap_per_context(struct keymap_file *f, yaml_node_t *map,
                   void (*fn)(struct keymap_file *, enum keymap_context,
                              yaml_node_t *))
{
    if (map->type != YAML_MAPPING_NODE) {
        cfgcauses_add(&f->km->causes, f->file, cfgdoc_line(map),
                      "expected a mapping of context names");
        return;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfgdoc_node(f->doc, p->key);
        const char  *s = cfgdoc_scalar(k);
        int          ctx = s ? keymap_context_parse(s) : -1;

        if (ctx < 0) {
            cfgcauses_add(&f->km->causes, f->file, cfgdoc_line(k),
                          "unknown context '%s'", s ? s : "?");
            continue;
        }
        fn(f, (enum keymap_context)ctx, cfgdoc_node(f->doc, p->value));
    }
}

static int keymap_load_depth(struct keymap *, const char *, int, int);

static int
keymap_apply_depth(struct keymap *km, const char *text, size_t len,
                   const char *file, int depth, int implicit)
{
    struct cfgdoc      doc;
    struct keymap_file f = {.km = km, .doc = &doc, .file = file};
    yaml_node_t       *root;
    int                rc = 0, extended = 0;

    f.is_default = strcmp(file, KEYMAP_EMBEDDED) == 0;
    if (cfgdoc_load(&doc, text, len, file, &km->causes) == -1)
        return -1;
    root = cfgdoc_root(&doc);
    if (root == NULL || root->type != YAML_MAPPING_NODE) {
        if (root != NULL)
            cfgcauses_add(&km->causes, file, cfgdoc_line(root),
                          "a keymap is a mapping (extends, bindings, unbind)");
        rc = root == NULL ? 0 : -1;
        goto out;
    }
    /* extends first, wherever it is written. */
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfgdoc_node(&doc, p->key);
        yaml_node_t *v = cfgdoc_node(&doc, p->value);
        const char  *s = cfgdoc_scalar(k), *name = cfgdoc_scalar(v);

        if (s == NULL || strcmp(s, "extends") != 0)
            continue;
        extended = 1;
        if (name == NULL)
            cfgcauses_add(&km->causes, file, cfgdoc_line(v),
                          "extends: expected a keymap name");
        else if (strcmp(name, "none") == 0)
            ;
        else if (depth >= KEYMAP_MAX_DEPTH)
            cfgcauses_add(&km->causes, file, cfgdoc_line(v),
                          "extends '%s': too deep (a loop?)", name);
        else if (keymap_load_depth(km, name, depth + 1, 0) == -1)
            cfgcauses_add(&km->causes, file, cfgdoc_line(v),
                          "extends: keymap '%s' not found", name);
    }
    if (!extended && implicit && !f.is_default)
        keymap_load_depth(km, "default", depth + 1, 0);
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfgdoc_node(&doc, p->key);
        yaml_node_t *v = cfgdoc_node(&doc, p->value);
        const char  *s = cfgdoc_scalar(k);

        if (s == NULL)
            cfgcauses_add(&km->causes, file, cfgdoc_line(k),
                          "keys of a keymap are names");
        else if (strcmp(s, "extends") == 0 || strcmp(s, "name") == 0 ||
                 strcmp(s, "description") == 0)
            ;
        else if (strcmp(s, "bindings") == 0)
            keymap_per_context(&f, v, keymap_bindings);
        else if (strcmp(s, "unbind") == 0)
            keymap_per_context(&f, v, keymap_unbinds);
        else
            cfgcauses_add(&km->causes, file, cfgdoc_line(k),
                          "unknown keymap key '%s'", s);
    }
out:
    free(f.seen);
    free(f.seenctx);
    free(f.seenline);
    cfgdoc_done(&doc);
    return rc;
}

int
keymap_apply(struct keymap *km, const char *text, size_t len, const char *file)
{
    return keymap_apply_depth(km, text, len, file, 0, 0);
}

static int
keymap_load_depth(struct keymap *km, const char *name, int depth, int implicit)
{
    char  *path, *text, *base = NULL;
    size_t len;

    if (strcmp(name, "default") == 0)
        return keymap_apply_depth(km, keymap_default_yaml,
                                  keymap_default_yaml_len, KEYMAP_EMBEDDED,
                                  depth, 0);
    if ((path = cfgfile_find("keymaps", name)) == NULL)
        return -1;
    if ((text = cfgfile_read(path, &len)) == NULL) {
        cfgcauses_add(&km->causes, path, 0, "cannot read");
        free(path);
        return -1;
    }
    base = strrchr(path, '/');
    (void)base;
    /* Found: problems inside are causes, not "not found". */
    keymap_apply_depth(km, text, len, path, depth, implicit);
    free(text);
    free(path);
    return 0;
}

int
keymap_load(struct keymap *km, const char *name)
{
    if (name == NULL || strcmp(name, "default") == 0)
        return keymap_load_depth(km, "default", 0, 0);
    if (keymap_load_depth(km, name, 0, 1) == -1) {
        cfgcauses_add(&km->causes, name, 0, "keymap not found");
        keymap_load_depth(km, "default", 0, 0);
        return -1;
    }
    return 0;
}

int
keymap_lookup(const struct keymap *km, enum keymap_context ctx,
              const struct keyseq *keys, int *prefix)
{
    enum keymap_context order[2] = {ctx, KEYMAP_GLOBAL};
    int                 pre = 0;

    if (prefix)
        *prefix = 0;
    for (int o = 0; o < (ctx == KEYMAP_GLOBAL ? 1 : 2); o++) {
        for (size_t i = 0; i < km->n; i++) {
            if (km->b[i].context != order[o])
                continue;
            if (keyseq_equal(&km->b[i].keys, keys))
                return (int)km->b[i].action;
            if (keyseq_prefix(keys, &km->b[i].keys))
                pre = 1;
        }
    }
    if (prefix)
        *prefix = pre;
    return -1;
}

char *
keymap_keys_of(const struct keymap *km, enum keymap_context ctx, size_t a,
               int *override)
{
    struct kbuf b;
    char        buf[64];
    int         n = 0;

    kbuf_init(&b);
    kbuf_append(&b, "", 0);
    if (override)
        *override = 0;
    for (size_t i = 0; i < km->n; i++) {
        if (km->b[i].context != ctx || km->b[i].action != a)
            continue;
        kbuf_printf(&b, "%s%s", n++ ? ", " : "",
                    keyname_print_seq(&km->b[i].keys, buf, sizeof buf));
        if (km->b[i].override && override)
            *override = 1;
    }
    return kbuf_steal(&b);
}

char *
keymap_doc(const struct keymap *km)
{
    struct kbuf b;

    kbuf_init(&b);
    kbuf_append(&b, "", 0);
    for (size_t c = 0; c < KEYMAP_NCONTEXTS; c++) {
        int header = 0;
        for (size_t a = 0; a < km->nactions; a++) {
            int   over;
            char *keys = keymap_keys_of(km, (enum keymap_context)c, a, &over);
            if (*keys != '\0') {
                if (!header++)
                    kbuf_printf(&b,
                                "%s**%s**\n\n"
                                "| Keys | Action | What it does |\n"
                                "|------|--------|--------------|\n",
                                b.len ? "\n" : "",
                                keymap_context_name((enum keymap_context)c));
                /* A '|' key must not end the table cell. */
                kbuf_puts(&b, "| `");
                for (const char *k = keys; *k != '\0'; k++) {
                    if (*k == '|')
                        kbuf_puts(&b, "\\");
                    kbuf_append(&b, k, 1);
                }
                kbuf_printf(&b, "`%s | `%s` | %s%s |\n", over ? " *" : "",
                            km->actions[a].name, km->actions[a].help,
                            km->actions[a].mutating ? " (not with --readonly)"
                                                    : "");
            }
            free(keys);
        }
    }
    return kbuf_steal(&b);
}

int
keymap_input_feed(const struct keymap *km, struct keymap_input *in,
                  enum keymap_context ctx, int key)
{
    struct keyseq seq = in->pending;
    int           a, prefix;

    if (seq.n >= KEYSEQ_MAX)
        seq.n = 0;
    seq.keys[seq.n++] = key;
    a = keymap_lookup(km, ctx, &seq, &prefix);
    in->pending.n = 0;
    if (a >= 0)
        return a;
    if (prefix && seq.n < KEYSEQ_MAX) {
        in->pending = seq;
        return KEYMAP_PENDING;
    }
    if (seq.n > 1)
        return keymap_input_feed(km, in, ctx, key);
    return KEYMAP_NONE;
}
