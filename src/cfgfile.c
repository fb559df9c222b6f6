/*
 * Shared loading for keymap, theme and config files: libyaml's document
 * API (each node has its start mark, so problems name their line), the
 * cause list, and the search path from DESIGN.md section 4. A file that is
 * not found or does not parse is one cause; the caller keeps its defaults.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cfgfile.h"

void
cfgcauses_init(struct cfgcauses *c)
{
    c->v = NULL;
    c->n = 0;
}

void
cfgcauses_done(struct cfgcauses *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i]);
    free(c->v);
    cfgcauses_init(c);
}

void
cfgcauses_add(struct cfgcauses *c, const char *file, size_t line,
              const char *fmt, ...)
{
    va_list ap;
    char   *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
    if (line > 0)
        c->v[c->n++] = xasprintf("%s:%zu: %s", file, line, msg);
    else
        c->v[c->n++] = xasprintf("%s: %s", file, msg);
    free(msg);
}

int
cfgdoc_load(struct cfgdoc *d, const char *text, size_t len, const char *file,
            struct cfgcauses *causes)
{
    yaml_parser_t p;
    int           rc = 0;

    d->loaded = 0;
    d->file = file;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &d->doc)) {
        cfgcauses_add(causes, file, p.problem_mark.line + 1, "%s",
                      p.problem ? p.problem : "YAML error");
        rc = -1;
    } else
        d->loaded = 1;
    yaml_parser_delete(&p);
    return rc;
}

void
cfgdoc_done(struct cfgdoc *d)
{
    if (d->loaded)
        yaml_document_delete(&d->doc);
    d->loaded = 0;
}

yaml_node_t *
cfgdoc_root(struct cfgdoc *d)
{
    return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

yaml_node_t *
cfgdoc_node(struct cfgdoc *d, yaml_node_item_t i)
{
    return yaml_document_get_node(&d->doc, i);
}

size_t
cfgdoc_line(const yaml_node_t *n)
{
    return n->start_mark.line + 1;
}

const char *
cfgdoc_scalar(const yaml_node_t *n)
{
    if (n == NULL || n->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)n->data.scalar.value;
}

int
cfgdoc_is_null(const yaml_node_t *n)
{
    const char *s = cfgdoc_scalar(n);

    if (s == NULL || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    return *s == '\0' || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0;
}

int
cfgdoc_bool(const yaml_node_t *n)
{
    static const char *yes[] = {"true", "yes", "on"};
    static const char *no[] = {"false", "no", "off"};
    const char        *s = cfgdoc_scalar(n);

    if (s == NULL)
        return -1;
    for (size_t i = 0; i < nitems(yes); i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

char *
cfgfile_read(const char *path, size_t *len)
{
    FILE       *f = fopen(path, "rb");
    struct kbuf b;
    char        buf[4096];
    size_t      n;

    if (f == NULL)
        return NULL;
    kbuf_init(&b);
    kbuf_append(&b, "", 0);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        kbuf_append(&b, buf, n);
    fclose(f);
    if (len)
        *len = b.len;
    return kbuf_steal(&b);
}

char *
cfgfile_user_dir(void)
{
    const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

    if (x != NULL && *x == '/')
        return xasprintf("%s/kpod", x);
    if (home != NULL && *home != '\0')
        return xasprintf("%s/.config/kpod", home);
    return NULL;
}

/* <exe>/../share/kpod, or NULL. */
static char *
cfgfile_exe_share(void)
{
    char    exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char   *slash;

    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    if ((slash = strrchr(exe, '/')) == NULL)
        return NULL;
    *slash = '\0';
    return xasprintf("%s/../share/kpod", exe);
}

char *
cfgfile_find(const char *dir, const char *name)
{
    char *roots[4], *path = NULL;
    int   nroots = 0;

    if (strchr(name, '/') != NULL)
        return access(name, R_OK) == 0 ? xstrdup(name) : NULL;
    if (*name == '\0' || *name == '.')
        return NULL;
    if ((roots[nroots] = cfgfile_user_dir()) != NULL)
        nroots++;
    if ((roots[nroots] = cfgfile_exe_share()) != NULL)
        nroots++;
    roots[nroots++] = xstrdup(KPOD_DATADIR);
    roots[nroots++] = xstrdup(KPOD_SOURCE_DIR);
    for (int i = 0; i < nroots; i++) {
        if (path == NULL) {
            char *p = xasprintf("%s/%s/%s.yaml", roots[i], dir, name);
            if (access(p, R_OK) == 0)
                path = p;
            else
                free(p);
        }
        free(roots[i]);
    }
    return path;
}

static int
cfgfile_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
cfgfile_names(const char *dir, size_t *n)
{
    char  *roots[4], **v = NULL;
    size_t nv = 0, cap = 0, i, j;
    int    nroots = 0;

    if ((roots[nroots] = cfgfile_user_dir()) != NULL)
        nroots++;
    if ((roots[nroots] = cfgfile_exe_share()) != NULL)
        nroots++;
    roots[nroots++] = xstrdup(KPOD_DATADIR);
    roots[nroots++] = xstrdup(KPOD_SOURCE_DIR);
    for (int r = 0; r < nroots; r++) {
        char          *path = xasprintf("%s/%s", roots[r], dir);
        DIR           *d = opendir(path);
        struct dirent *e;

        while (d != NULL && (e = readdir(d)) != NULL) {
            size_t len = strlen(e->d_name);

            if (e->d_name[0] == '.' || len <= 5 ||
                strcmp(e->d_name + len - 5, ".yaml") != 0)
                continue;
            if (nv == cap) {
                cap = cap ? cap * 2 : 16;
                v = xrealloc(v, cap * sizeof *v);
            }
            v[nv++] = xstrndup(e->d_name, len - 5);
        }
        if (d != NULL)
            closedir(d);
        free(path);
        free(roots[r]);
    }
    if (nv > 0)
        qsort(v, nv, sizeof *v, cfgfile_name_cmp);
    for (i = j = 0; i < nv; i++) {
        if (j > 0 && strcmp(v[j - 1], v[i]) == 0)
            free(v[i]);
        else
            v[j++] = v[i];
    }
    *n = j;
    return v;
}
