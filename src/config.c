/*
 * The options table and the config file parser (tmux options-table.c in
 * spirit): each row names an option, its type, where it lives in struct
 * config, its default as text, its range and one line of help. Defaults,
 * parsing, validation and config_doc() all read the table, so they cannot
 * disagree.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"

#define O(f) offsetof(struct config, f)

const struct config_option config_options[] = {
    {"theme", CONFIG_STRING, O(theme), "default", 0, 0,
     "theme name (themes/NAME.yaml) or path; NO_COLOR forces mono"},
    {"keymap", CONFIG_STRING, O(keymap), "default", 0, 0,
     "keymap name (keymaps/NAME.yaml) or path"},
    {"namespace", CONFIG_STRING, O(namespace), "", 0, 0,
     "namespace to show at start (empty: the kubeconfig context's)"},
    {"shell", CONFIG_STRING, O(shell), "sh -c \"clear; (bash || ash || sh)\"",
     0, 0, "command line run in the container by the shell action"},
    {"log-buffer-lines", CONFIG_INT, O(log_buffer_lines), "100000", 100,
     10000000, "lines kept per log pane"},
    {"refresh-cap", CONFIG_INT, O(refresh_cap), "60", 1, 240,
     "screen updates per second at most"},
    {"confirm-delete", CONFIG_BOOL, O(confirm_delete), "true", 0, 0,
     "ask before deleting a pod or an annotation"},
    {"mouse", CONFIG_BOOL, O(mouse), "true", 0, 0,
     "click selects and focuses, the wheel scrolls"},
    {"readonly", CONFIG_BOOL, O(readonly), "false", 0, 0,
     "no mutating actions at all (also per context, see contexts)"},
};
const size_t config_noptions = nitems(config_options);

/* Set option o from text; -1 when the text is not valid for it. */
static int
config_set(struct config *c, const struct config_option *o, const char *v)
{
    char *base = (char *)c + o->offset;

    switch (o->type) {
    case CONFIG_STRING:
        free(*(char **)base);
        *(char **)base = xstrdup(v);
        return 0;
    case CONFIG_INT: {
        char *end;
        long  n;
        errno = 0;
        n = strtol(v, &end, 10);
        if (*v == '\0' || *end != '\0' || errno != 0 || n < o->min ||
            n > o->max)
            return -1;
        *(long *)base = n;
        return 0;
    }
    case CONFIG_BOOL:
        if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
            strcmp(v, "on") == 0)
            *(int *)base = 1;
        else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
                 strcmp(v, "off") == 0)
            *(int *)base = 0;
        else
            return -1;
        return 0;
    }
    return -1;
}

struct config *
config_create(void)
{
    struct config *c = xcalloc(1, sizeof *c);

    for (size_t i = 0; i < config_noptions; i++)
        if (config_set(c, &config_options[i], config_options[i].def) == -1)
            abort(); /* a bad default is a bug in the table */
    cfgcauses_init(&c->causes);
    return c;
}

void
config_free(struct config *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < config_noptions; i++)
        if (config_options[i].type == CONFIG_STRING)
            free(*(char **)((char *)c + config_options[i].offset));
    for (size_t i = 0; i < c->ncontexts; i++) {
        free(c->contexts[i].name);
        free(c->contexts[i].namespace);
    }
    free(c->contexts);
    cfgcauses_done(&c->causes);
    free(c);
}

static struct config_context *
config_context_get(struct config *c, const char *name)
{
    struct config_context *x;

    for (size_t i = 0; i < c->ncontexts; i++)
        if (strcmp(c->contexts[i].name, name) == 0)
            return &c->contexts[i];
    c->contexts = xrealloc(c->contexts, (c->ncontexts + 1) * sizeof *x);
    x = &c->contexts[c->ncontexts++];
    x->name = xstrdup(name);
    x->readonly = -1;
    x->namespace = NULL;
    return x;
}

static void
config_contexts(struct config *c, struct cfgdoc *doc, yaml_node_t *map)
{
    if (map->type != YAML_MAPPING_NODE) {
        cfgcauses_add(&c->causes, doc->file, cfgdoc_line(map),
                      "contexts: expected a mapping of context names");
        return;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t           *k = cfgdoc_node(doc, p->key);
        yaml_node_t           *v = cfgdoc_node(doc, p->value);
        const char            *name = cfgdoc_scalar(k);
        struct config_context *x;

        if (name == NULL || v->type != YAML_MAPPING_NODE) {
            cfgcauses_add(&c->causes, doc->file, cfgdoc_line(k),
                          "contexts: expected NAME: {readonly, namespace}");
            continue;
        }
        x = config_context_get(c, name);
        for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
             q < v->data.mapping.pairs.top; q++) {
            yaml_node_t *kk = cfgdoc_node(doc, q->key);
            yaml_node_t *vv = cfgdoc_node(doc, q->value);
            const char  *s = cfgdoc_scalar(kk), *val = cfgdoc_scalar(vv);

            if (s != NULL && strcmp(s, "readonly") == 0) {
                int b = cfgdoc_bool(vv);
                if (b < 0)
                    cfgcauses_add(&c->causes, doc->file, cfgdoc_line(vv),
                                  "readonly: expected true or false");
                else
                    x->readonly = b;
            } else if (s != NULL && strcmp(s, "namespace") == 0 &&
                       val != NULL) {
                free(x->namespace);
                x->namespace = xstrdup(val);
            } else
                cfgcauses_add(&c->causes, doc->file, cfgdoc_line(kk),
                              "contexts: unknown setting '%s'", s ? s : "?");
        }
    }
}

int
config_apply(struct config *c, const char *text, size_t len, const char *file)
{
    struct cfgdoc doc;
    yaml_node_t  *root;
    int           rc = 0;

    if (cfgdoc_load(&doc, text, len, file, &c->causes) == -1)
        return -1;
    root = cfgdoc_root(&doc);
    if (root == NULL)
        goto out;
    if (root->type != YAML_MAPPING_NODE) {
        cfgcauses_add(&c->causes, file, cfgdoc_line(root),
                      "the config is a mapping of option: value");
        rc = -1;
        goto out;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfgdoc_node(&doc, p->key);
        yaml_node_t *v = cfgdoc_node(&doc, p->value);
        const char  *s = cfgdoc_scalar(k), *val = cfgdoc_scalar(v);
        size_t       i;

        if (s != NULL && strcmp(s, "contexts") == 0) {
            config_contexts(c, &doc, v);
            continue;
        }
        for (i = 0; s != NULL && i < config_noptions; i++)
            if (strcmp(s, config_options[i].name) == 0)
                break;
        if (s == NULL || i == config_noptions) {
            cfgcauses_add(&c->causes, file, cfgdoc_line(k),
                          "unknown option '%s'", s ? s : "?");
            continue;
        }
        if (val == NULL || config_set(c, &config_options[i], val) == -1) {
            const struct config_option *o = &config_options[i];
            if (o->type == CONFIG_INT)
                cfgcauses_add(&c->causes, file, cfgdoc_line(v),
                              "%s: expected a number from %ld to %ld", s,
                              o->min, o->max);
            else if (o->type == CONFIG_BOOL)
                cfgcauses_add(&c->causes, file, cfgdoc_line(v),
                              "%s: expected true or false", s);
            else
                cfgcauses_add(&c->causes, file, cfgdoc_line(v),
                              "%s: expected a string", s);
        }
    }
out:
    cfgdoc_done(&doc);
    return rc;
}

int
config_load(struct config *c, const char *path)
{
    char  *owned = NULL, *text, *dir;
    size_t len;
    int    rc;

    if (path == NULL) {
        if ((dir = cfgfile_user_dir()) == NULL)
            return 0;
        path = owned = xasprintf("%s/config.yaml", dir);
        free(dir);
    }
    if ((text = cfgfile_read(path, &len)) == NULL) {
        if (owned == NULL)
            cfgcauses_add(&c->causes, path, 0, "cannot read");
        free(owned);
        return owned == NULL ? -1 : 0;
    }
    rc = config_apply(c, text, len, path);
    free(text);
    free(owned);
    return rc;
}

int
config_readonly(const struct config *c, const char *context)
{
    for (size_t i = 0; context != NULL && i < c->ncontexts; i++)
        if (strcmp(c->contexts[i].name, context) == 0 &&
            c->contexts[i].readonly >= 0)
            return c->contexts[i].readonly;
    return c->readonly;
}

const char *
config_namespace(const struct config *c, const char *context)
{
    for (size_t i = 0; context != NULL && i < c->ncontexts; i++)
        if (strcmp(c->contexts[i].name, context) == 0 &&
            c->contexts[i].namespace != NULL)
            return c->contexts[i].namespace;
    return c->namespace;
}

char *
config_doc(void)
{
    struct kbuf b;

    kbuf_init(&b);
    kbuf_puts(&b, "# $XDG_CONFIG_HOME/kpod/config.yaml "
                  "(~/.config/kpod/config.yaml); every option at its "
                  "default.\n");
    for (size_t i = 0; i < config_noptions; i++) {
        const struct config_option *o = &config_options[i];
        kbuf_printf(&b, "\n# %s", o->help);
        if (o->type == CONFIG_INT)
            kbuf_printf(&b, " (%ld-%ld)", o->min, o->max);
        if (o->type == CONFIG_STRING && strchr(o->def, '"') != NULL)
            /* YAML single quotes: the default's double quotes stay */
            kbuf_printf(&b, "\n%s: '%s'\n", o->name, o->def);
        else if (o->type == CONFIG_STRING)
            kbuf_printf(&b, "\n%s: \"%s\"\n", o->name, o->def);
        else
            kbuf_printf(&b, "\n%s: %s\n", o->name, o->def);
    }
    kbuf_puts(&b, "\n# per kubeconfig context: readonly and namespace\n"
                  "contexts:\n"
                  "  production:\n"
                  "    readonly: true\n"
                  "    namespace: web\n");
    return kbuf_steal(&b);
}
