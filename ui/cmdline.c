/*
 * The : command line's editing, completion and history, and the commands
 * that need more than a table row: :apply/:create/:delete -f FILE (through
 * src/apply.c, one status-bar line per run, kubectl's words), :theme and
 * :keymap (reloaded and switched live). Keys reach it only while the line
 * is open; prompt.* actions come from the keymap's prompt context, other
 * keys edit the text. Nothing here draws: the status bar asks for the
 * text.
 */
#include "cmdline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "cfgfile.h"
#include "explain.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "session.h"
#include "keycode.h"
#include "store.h"
#include "theme.h"
#include "ui-int.h"
#include "util.h"

#define CMDLINE_HIST_MAX 500

struct cmdline {
    char                **hist; /* oldest first */
    size_t                nhist;
    int                   hist_loaded;
    size_t                hpos;   /* == nhist: the line being typed */
    char                 *hsaved; /* the line being typed while browsing */
    char                **cands;  /* Tab cycling through these */
    size_t                ncands, ci;
    size_t                cstart; /* where the completed word starts */
    int                   cycling;
    char                 *hint;
    struct apply_run     *apply;
    struct kbuf           apply_lines;
    struct explain       *doc;
    struct kclient       *doc_client;
    struct explain_fetch *fetch;
    cmdline_doc_cb        doc_ready[4]; /* each waiting caller once */
};

static struct cmdline *
cmdline_get(struct ui *ui)
{
    if (ui->cmdline == NULL) {
        ui->cmdline = xcalloc(1, sizeof *ui->cmdline);
        kbuf_init(&ui->cmdline->apply_lines);
    }
    return ui->cmdline;
}

void
cmdline_free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void
cmdline_reset_completion(struct cmdline *c)
{
    cmdline_free_list(c->cands, c->ncands);
    c->cands = NULL;
    c->ncands = c->ci = 0;
    c->cycling = 0;
    free(c->hint);
    c->hint = NULL;
}

/* ---- history ----------------------------------------------------------- */

char *
cmdline_history_path(void)
{
    const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

    if (x != NULL && *x == '/')
        return xasprintf("%s/kpod/history", x);
    if (home != NULL && *home != '\0')
        return xasprintf("%s/.local/state/kpod/history", home);
    return NULL;
}

static void
cmdline_hist_push(struct cmdline *c, const char *line)
{
    if (c->nhist == CMDLINE_HIST_MAX) {
        free(c->hist[0]);
        memmove(c->hist, c->hist + 1, (c->nhist - 1) * sizeof *c->hist);
        c->nhist--;
    }
    c->hist = xrealloc(c->hist, (c->nhist + 1) * sizeof *c->hist);
    c->hist[c->nhist++] = xstrdup(line);
}

static void
cmdline_hist_load(struct cmdline *c)
{
    char  *path = cmdline_history_path(), *text, *line, *save = NULL;
    size_t len;

    c->hist_loaded = 1;
    if (path == NULL || (text = cfgfile_read(path, &len)) == NULL) {
        free(path);
        return;
    }
    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save))
        if (*line != '\0')
            cmdline_hist_push(c, line);
    free(text);
    free(path);
}

/* mkdir -p the parents of path, private to the user. */
static void
cmdline_mkdirs(const char *path)
{
    char *copy = xstrdup(path), *p;

    for (p = copy + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0700) != 0 && errno != EEXIST)
            klog("mkdir %s: %s", copy, strerror(errno));
        *p = '/';
    }
    free(copy);
}

static void
cmdline_hist_add(struct cmdline *c, const char *line)
{
    char  *path, *trimmed;
    int    fd;
    size_t n;

    while (*line == ' ')
        line++;
    for (n = strlen(line); n > 0 && line[n - 1] == ' '; n--)
        ;
    if (n == 0 || memchr(line, '\n', n) != NULL)
        return;
    trimmed = xstrndup(line, n);
    line = trimmed;
    if (!c->hist_loaded)
        cmdline_hist_load(c);
    if (c->nhist > 0 && strcmp(c->hist[c->nhist - 1], line) == 0) {
        free(trimmed);
        return;
    }
    cmdline_hist_push(c, line);
    if ((path = cmdline_history_path()) == NULL) {
        free(trimmed);
        return;
    }
    cmdline_mkdirs(path);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
        char  *l = xasprintf("%s\n", line);
        size_t n = strlen(l);

        /* a history file someone else made readable becomes ours alone */
        if (fchmod(fd, 0600) != 0 || write(fd, l, n) != (ssize_t)n)
            klog("%s: %s", path, strerror(errno));
        free(l);
        close(fd);
    } else
        klog("%s: %s", path, strerror(errno));
    free(path);
    free(trimmed);
}

static void
cmdline_set_input(struct ui *ui, const char *text)
{
    kbuf_reset(&ui->input);
    kbuf_puts(&ui->input, text);
}

static void
cmdline_hist_move(struct ui *ui, int dir)
{
    struct cmdline *c = cmdline_get(ui);

    if (!c->hist_loaded) {
        cmdline_hist_load(c);
        c->hpos = c->nhist;
    }
    if (dir < 0 && c->hpos == 0)
        return;
    if (dir > 0 && c->hpos >= c->nhist)
        return;
    if (c->hpos == c->nhist) {
        free(c->hsaved);
        c->hsaved = xstrdup(ui->input.data ? ui->input.data : "");
    }
    c->hpos = dir < 0 ? c->hpos - 1 : c->hpos + 1;
    cmdline_set_input(ui, c->hpos == c->nhist ? (c->hsaved ? c->hsaved : "")
                                              : c->hist[c->hpos]);
}

void
cmdline_open(struct ui *ui)
{
    struct cmdline *c = cmdline_get(ui);

    if (!c->hist_loaded)
        cmdline_hist_load(c);
    c->hpos = c->nhist;
    free(c->hsaved);
    c->hsaved = NULL;
    cmdline_reset_completion(c);
}

/* ---- completion -------------------------------------------------------- */

struct cmdline_list {
    char **v;
    size_t n, cap;
};

static void
cmdline_list_add(struct cmdline_list *l, char *s)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i], s) == 0) {
            free(s);
            return;
        }
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

static int
cmdline_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void
cmdline_complete_commands(const char *word, struct cmdline_list *l)
{
    for (size_t t = 0; ui_command_tables[t] != NULL; t++) {
        for (const struct ui_command *c = ui_command_tables[t]; c->name != NULL;
             c++) {
            if (cmdline_starts(c->name, word))
                cmdline_list_add(l, xstrdup(c->name));
            if (c->alias != NULL && *word != '\0' &&
                cmdline_starts(c->alias, word) &&
                !cmdline_starts(c->name, word))
                cmdline_list_add(l, xstrdup(c->alias));
        }
    }
}

static void
cmdline_complete_files(const char *word, struct cmdline_list *l)
{
    const char    *slash = strrchr(word, '/'), *base;
    char          *dir;
    DIR           *d;
    struct dirent *e;

    if (slash != NULL) {
        dir = slash == word ? xstrdup("/")
                            : xstrndup(word, (size_t)(slash - word));
        base = slash + 1;
    } else {
        dir = xstrdup(".");
        base = word;
    }
    if ((d = opendir(dir)) != NULL) {
        while ((e = readdir(d)) != NULL) {
            char       *full, *path;
            struct stat st;

            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (e->d_name[0] == '.' && base[0] != '.')
                continue;
            if (!cmdline_starts(e->d_name, base))
                continue;
            path = xasprintf("%s/%s", dir, e->d_name);
            full = xasprintf("%.*s%s%s", (int)(base - word), word, e->d_name,
                             stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? "/"
                                                                         : "");
            free(path);
            cmdline_list_add(l, full);
        }
        closedir(d);
    }
    free(dir);
}

static void
cmdline_complete_names(const char *dir, const char *word,
                       struct cmdline_list *l)
{
    size_t n;
    char **v = cfgfile_names(dir, &n);

    for (size_t i = 0; i < n; i++) {
        if (cmdline_starts(v[i], word))
            cmdline_list_add(l, v[i]);
        else
            free(v[i]);
    }
    free(v);
}

static void
cmdline_complete_namespaces(struct ui *ui, const char *word,
                            struct cmdline_list *l)
{
    struct store_obj **objs;
    size_t             n = store_list(ui->store, &objs);
    char             **names;

    if (cmdline_starts("-A", word))
        cmdline_list_add(l, xstrdup("-A"));
    /* the cluster's namespaces as the session watches them ... */
    if (ui->session != NULL) {
        size_t k = session_namespaces(ui->session, &names);

        for (size_t i = 0; i < k; i++) {
            if (cmdline_starts(names[i], word))
                cmdline_list_add(l, names[i]);
            else
                free(names[i]);
        }
        free(names);
    }
    /* ... and those of the pods listed (when namespaces can't be read) */
    for (size_t i = 0; i < n; i++) {
        const char *slash = strchr(objs[i]->key, '/');

        if (slash == NULL)
            continue;
        if (cmdline_starts(objs[i]->key, word) &&
            (size_t)(slash - objs[i]->key) >= strlen(word))
            cmdline_list_add(
                l, xstrndup(objs[i]->key, (size_t)(slash - objs[i]->key)));
    }
    free(objs);
    if (ui->client != NULL) {
        const char *ns = kclient_ctx(ui->client)->ns;

        if (ns != NULL && cmdline_starts(ns, word))
            cmdline_list_add(l, xstrdup(ns));
    }
}

static void
cmdline_complete_contexts(struct ui *ui, const char *word,
                          struct cmdline_list *l)
{
    char **names, *cause = NULL;
    size_t n, cur;

    if (ui->session == NULL ||
        session_contexts(ui->session, &names, &n, &cur, &cause) != 0) {
        free(cause);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (cmdline_starts(names[i], word))
            cmdline_list_add(l, xstrdup(names[i]));
    session_contexts_free(names, n);
}

static void cmdline_doc_arrived(struct ui *, const char *error);

static void
cmdline_complete_explain(struct ui *ui, const char *word,
                         struct cmdline_list *l)
{
    const char           *dot = strrchr(word, '.');
    struct explain       *doc;
    struct explain_field *f;
    size_t                n;
    char                 *base, *cause = NULL;

    if (dot == NULL) {
        if (cmdline_starts("pods", word))
            cmdline_list_add(l, xstrdup("pods"));
        return;
    }
    if ((doc = cmdline_explain_doc(ui, cmdline_doc_arrived)) == NULL)
        return;
    base = xstrndup(word, (size_t)(dot - word));
    if (explain_fields(doc, base, &f, &n, &cause) == 0) {
        for (size_t i = 0; i < n; i++)
            if (cmdline_starts(f[i].name, dot + 1))
                cmdline_list_add(l, xasprintf("%s.%s", base, f[i].name));
        explain_fields_free(f, n);
    } else
        free(cause);
    free(base);
}

static int
cmdline_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The command a first word names (alias resolved), or NULL. */
static const struct ui_command *
cmdline_command(const char *word, size_t n)
{
    for (size_t t = 0; ui_command_tables[t] != NULL; t++)
        for (const struct ui_command *c = ui_command_tables[t]; c->name != NULL;
             c++)
            if ((strlen(c->name) == n && strncmp(c->name, word, n) == 0) ||
                (c->alias != NULL && strlen(c->alias) == n &&
                 strncmp(c->alias, word, n) == 0))
                return c;
    return NULL;
}

char **
cmdline_complete(struct ui *ui, const char *line, size_t *n, size_t *start)
{
    struct cmdline_list      l = {0};
    const char              *word, *first = line;
    const struct ui_command *cmd;

    while (*first == ' ')
        first++;
    word = strrchr(line, ' ');
    word = word != NULL ? word + 1 : line;
    *start = (size_t)(word - line);
    if (word <= first) {
        cmdline_complete_commands(word, &l);
    } else if ((cmd = cmdline_command(first, strcspn(first, " "))) != NULL) {
        if (apply_verb_parse(cmd->name) >= 0) {
            if (*word == '-')
                cmdline_list_add(&l, xstrdup("-f"));
            else
                cmdline_complete_files(word, &l);
        } else if (strcmp(cmd->name, "explain") == 0)
            cmdline_complete_explain(ui, word, &l);
        else if (strcmp(cmd->name, "theme") == 0)
            cmdline_complete_names("themes", word, &l);
        else if (strcmp(cmd->name, "keymap") == 0)
            cmdline_complete_names("keymaps", word, &l);
        else if (strcmp(cmd->name, "ns") == 0 ||
                 strcmp(cmd->name, "namespace") == 0)
            cmdline_complete_namespaces(ui, word, &l);
        else if (strcmp(cmd->name, "ctx") == 0 ||
                 strcmp(cmd->name, "context") == 0)
            cmdline_complete_contexts(ui, word, &l);
    }
    if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, cmdline_str_cmp);
    *n = l.n;
    return l.v;
}

/* Put s in place of the word at start. */
static void
cmdline_replace(struct ui *ui, size_t start, const char *s, const char *tail)
{
    char *head = xstrndup(ui->input.data ? ui->input.data : "", start);

    kbuf_reset(&ui->input);
    kbuf_printf(&ui->input, "%s%s%s", head, s, tail);
    free(head);
}

static void
cmdline_tab(struct ui *ui)
{
    struct cmdline *c = cmdline_get(ui);
    const char     *line = ui->input.data ? ui->input.data : "";
    size_t          n, start, lcp, wlen;
    char          **v;
    struct kbuf     h;

    if (c->cycling && c->ncands > 1) {
        c->ci = (c->ci + 1) % c->ncands;
        cmdline_replace(ui, c->cstart, c->cands[c->ci], "");
        return;
    }
    cmdline_reset_completion(c);
    v = cmdline_complete(ui, line, &n, &start);
    wlen = strlen(line) - start;
    if (n == 0) {
        if (c->fetch != NULL)
            c->hint = xstrdup("(fetching the API schema...)");
        else
            c->hint = xstrdup("(no completions)");
        free(v);
        return;
    }
    if (n == 1) {
        size_t len = strlen(v[0]);
        /* a finished word gets its space; a directory or a field path
         * may go on */
        int more = start == 0 ||
                   (v[0][len - 1] != '/' && strncmp(line, "explain", 7) != 0);

        cmdline_replace(ui, start, v[0], more ? " " : "");
        cmdline_free_list(v, n);
        return;
    }
    for (lcp = 0; v[0][lcp] != '\0'; lcp++) {
        size_t i;

        for (i = 1; i < n && v[i][lcp] == v[0][lcp]; i++)
            ;
        if (i < n)
            break;
    }
    kbuf_init(&h);
    for (size_t i = 0; i < n; i++) {
        const char *s = v[i];
        const char *dot = strrchr(s, '.');

        /* explain paths: show the last part only */
        kbuf_printf(&h, "%s%s", i ? " " : "",
                    dot != NULL && strchr(s, '/') == NULL && start > 0 &&
                            strncmp(line, "explain", 7) == 0
                        ? dot + 1
                        : s);
    }
    c->hint = kbuf_steal(&h);
    c->cands = v;
    c->ncands = n;
    c->cstart = start;
    if (lcp > wlen) {
        char *p = xstrndup(v[0], lcp);

        cmdline_replace(ui, start, p, "");
        free(p);
    } else {
        /* nothing more in common: Tab goes through them */
        c->cycling = 1;
        c->ci = 0;
        cmdline_replace(ui, start, v[0], "");
    }
}

/* ---- keys -------------------------------------------------------------- */

enum cmdline_result
cmdline_key(struct ui *ui, int key)
{
    struct cmdline *c = cmdline_get(ui);
    int             code = keycode_from_screen(key), a, prefix = 0;
    struct keyseq   ks = {.n = 1};

    if (code >= 0) {
        ks.keys[0] = code;
        a = keymap_lookup(ui->km, KEYMAP_PROMPT, &ks, &prefix);
        if (a >= 0 && strncmp(ui->km->actions[a].name, "prompt.", 7) == 0) {
            const char *name = ui->km->actions[a].name + 7;

            klog("action prompt.%s", name);
            if (strcmp(name, "complete") == 0) {
                cmdline_tab(ui);
                return CMDLINE_KEPT;
            }
            cmdline_reset_completion(c);
            if (strcmp(name, "accept") == 0) {
                cmdline_hist_add(c, ui->input.data ? ui->input.data : "");
                return CMDLINE_ACCEPT;
            }
            if (strcmp(name, "cancel") == 0)
                return CMDLINE_CANCEL;
            if (strcmp(name, "history-prev") == 0)
                cmdline_hist_move(ui, -1);
            else if (strcmp(name, "history-next") == 0)
                cmdline_hist_move(ui, 1);
            return CMDLINE_KEPT;
        }
    }
    cmdline_reset_completion(c);
    if (key == SCREEN_FKEY(KEY_BACKSPACE) || key == 127 || key == 8) {
        if (ui->input.len == 0)
            return CMDLINE_CANCEL; /* like vim: backspace on ":" closes */
        while (ui->input.len > 0 &&
               ((unsigned char)ui->input.data[--ui->input.len] & 0xc0) == 0x80)
            ;
        ui->input.data[ui->input.len] = '\0';
    } else if (key == SCREEN_CTRL('u')) {
        kbuf_reset(&ui->input);
    } else if (key == SCREEN_CTRL('w')) {
        while (ui->input.len > 0 && ui->input.data[ui->input.len - 1] == ' ')
            ui->input.len--;
        while (ui->input.len > 0 && ui->input.data[ui->input.len - 1] != ' ')
            ui->input.len--;
        if (ui->input.data != NULL)
            ui->input.data[ui->input.len] = '\0';
    } else if (key >= 32 && key < 0x110000 && key != 127) {
        char   u[4];
        size_t n = 0;

        if (key < 0x80)
            u[n++] = (char)key;
        else if (key < 0x800) {
            u[n++] = (char)(0xc0 | (key >> 6));
            u[n++] = (char)(0x80 | (key & 0x3f));
        } else if (key < 0x10000) {
            u[n++] = (char)(0xe0 | (key >> 12));
            u[n++] = (char)(0x80 | ((key >> 6) & 0x3f));
            u[n++] = (char)(0x80 | (key & 0x3f));
        } else {
            u[n++] = (char)(0xf0 | (key >> 18));
            u[n++] = (char)(0x80 | ((key >> 12) & 0x3f));
            u[n++] = (char)(0x80 | ((key >> 6) & 0x3f));
            u[n++] = (char)(0x80 | (key & 0x3f));
        }
        kbuf_append(&ui->input, u, n);
    }
    return CMDLINE_KEPT;
}

char *
cmdline_text(struct ui *ui)
{
    struct cmdline *c = cmdline_get(ui);

    return xasprintf(":%s_%s%s", ui->input.data ? ui->input.data : "",
                     c->hint ? "   " : "", c->hint ? c->hint : "");
}

/* ---- the API schema ---------------------------------------------------- */

static void
cmdline_doc_fetched(struct explain *doc, const char *error, void *data)
{
    struct ui      *ui = data;
    struct cmdline *c = cmdline_get(ui);
    cmdline_doc_cb  ready[nitems(c->doc_ready)];

    memcpy(ready, c->doc_ready, sizeof ready);
    memset(c->doc_ready, 0, sizeof c->doc_ready);
    c->fetch = NULL;
    c->doc = doc;
    if (doc == NULL)
        ui_message(ui, "explain: %s", error ? error : "no schema");
    else
        ui_message(ui, NULL); /* "fetching the API schema..." is over */
    for (size_t i = 0; i < nitems(ready) && ready[i] != NULL; i++)
        ready[i](ui, doc == NULL ? (error ? error : "no schema") : NULL);
}

struct explain *
cmdline_explain_doc(struct ui *ui, cmdline_doc_cb ready)
{
    struct cmdline *c = cmdline_get(ui);
    char           *cause = NULL;

    if (c->doc != NULL && c->doc_client == ui->client)
        return c->doc;
    if (c->doc != NULL) {
        explain_free(c->doc);
        c->doc = NULL;
    }
    for (size_t i = 0; ready != NULL && i < nitems(c->doc_ready); i++) {
        if (c->doc_ready[i] == ready)
            break;
        if (c->doc_ready[i] == NULL) {
            c->doc_ready[i] = ready;
            break;
        }
    }
    if (c->fetch != NULL)
        return NULL;
    if (ui->client == NULL) {
        ui_message(ui, "explain: not connected");
        return NULL;
    }
    c->doc_client = ui->client;
    c->fetch = explain_fetch_start(ui->client, cmdline_doc_fetched, ui, &cause);
    if (c->fetch == NULL) {
        ui_message(ui, "explain: %s", cause);
        free(cause);
        return NULL;
    }
    ui_message(ui, "fetching the API schema...");
    return NULL;
}

/* Completion asked for the schema: complete now. */
static void
cmdline_doc_arrived(struct ui *ui, const char *error)
{
    struct cmdline *c = cmdline_get(ui);

    if (error != NULL)
        return;
    ui_message(ui, "API schema loaded");
    if (ui->prompt == UI_PROMPT_COMMAND) {
        /* the Tab that asked for it completes now */
        cmdline_reset_completion(c);
        cmdline_tab(ui);
        screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "completion");
    }
}

/* ---- :apply :create :delete -------------------------------------------- */

static void
cmdline_apply_line(struct apply_run *r, const char *line, int error, void *data)
{
    struct ui      *ui = data;
    struct cmdline *c = cmdline_get(ui);

    (void)r;
    (void)error;
    klog("%s", line);
    kbuf_printf(&c->apply_lines, "%s%s", c->apply_lines.len ? "; " : "", line);
    /* the status bar is one line: apply.h's two-line error joins */
    for (char *p = c->apply_lines.data; (p = strchr(p, '\n')) != NULL;)
        *p = ' ';
    ui_message(ui, "%s", c->apply_lines.data);
}

static void
cmdline_apply_done(struct apply_run *r, int ok, int failed, void *data)
{
    struct ui      *ui = data;
    struct cmdline *c = cmdline_get(ui);

    (void)r;
    c->apply = NULL;
    if (ok + failed > 1)
        ui_message(ui, "%d of %d applied%s: %s", ok, ok + failed,
                   failed ? " (see each)" : "", c->apply_lines.data);
    kbuf_reset(&c->apply_lines);
}

static void
cmdline_cmd_apply(struct ui *ui, const char *verb, const char *args)
{
    struct cmdline *c = cmdline_get(ui);
    char           *file, *cause = NULL;
    const char     *ns;

    if (ui->pod_ops == NULL) {
        ui_message(ui, "read-only: :%s is off", verb);
        return;
    }
    if (ui->client == NULL) {
        ui_message(ui, ":%s: not connected", verb);
        return;
    }
    if (c->apply != NULL) {
        ui_message(ui, ":%s: the last one is still running", verb);
        return;
    }
    if ((file = apply_args_file(args, &cause)) == NULL) {
        ui_message(ui, ":%s: %s", verb, cause);
        free(cause);
        return;
    }
    ns = kclient_ctx(ui->client)->ns;
    kbuf_reset(&c->apply_lines);
    c->apply =
        apply_start(ui->client, (enum apply_verb)apply_verb_parse(verb), file,
                    ns, cmdline_apply_line, cmdline_apply_done, ui, &cause);
    if (c->apply == NULL) {
        /* nothing was sent: FILE:LINE:COL from the parser */
        ui_message(ui, ":%s: nothing sent: %s", verb, cause);
        free(cause);
    }
    free(file);
}

static void
cmdline_cmd_create(struct ui *ui, const char *args)
{
    cmdline_cmd_apply(ui, "create", args);
}

static void
cmdline_cmd_apply_ssa(struct ui *ui, const char *args)
{
    cmdline_cmd_apply(ui, "apply", args);
}

static void
cmdline_cmd_delete(struct ui *ui, const char *args)
{
    cmdline_cmd_apply(ui, "delete", args);
}

/* ---- :theme :keymap ---------------------------------------------------- */

static void
cmdline_cmd_theme(struct ui *ui, const char *args)
{
    struct theme *t;
    int           mono = getenv("NO_COLOR") != NULL;

    if (*args == '\0') {
        ui_message(ui, "usage: :theme NAME");
        return;
    }
    t = theme_create(mono);
    if (theme_load(t, args) != 0) {
        ui_message(ui, "theme %s: not found%s%s", args, t->causes.n ? ": " : "",
                   t->causes.n ? t->causes.v[0] : "");
        theme_free(t);
        return;
    }
    ui->theme = t;
    theme_free(ui->own_theme);
    ui->own_theme = t;
    ui_colors(ui);
    screen_dirty(ui->screen, NULL, SCREEN_LAYOUT, "theme");
    if (t->causes.n > 0)
        ui_message(ui, "theme %s: %s%s", args, t->causes.v[0],
                   t->causes.n > 1 ? " (and more, see --log)" : "");
    else
        ui_message(ui, "theme %s", args);
    for (size_t i = 0; i < t->causes.n; i++)
        klog("%s", t->causes.v[i]);
}

static void
cmdline_cmd_keymap(struct ui *ui, const char *args)
{
    struct keymap *k;

    if (*args == '\0') {
        ui_message(ui, "usage: :keymap NAME");
        return;
    }
    k = keymap_create(keymap_actions, keymap_nactions, ui->km->readonly);
    if (keymap_load(k, args) != 0) {
        ui_message(ui, "keymap %s: not found%s%s", args,
                   k->causes.n ? ": " : "", k->causes.n ? k->causes.v[0] : "");
        keymap_free(k);
        return;
    }
    ui->km = k;
    keymap_free(ui->own_km);
    ui->own_km = k;
    ui->help.km = k;
    memset(&ui->kin, 0, sizeof ui->kin);
    free(ui->bar.hint);
    ui->bar.hint = ui_hint(k);
    screen_dirty(ui->screen, NULL, SCREEN_LAYOUT, "keymap");
    if (k->causes.n > 0)
        ui_message(ui, "keymap %s: %s%s", args, k->causes.v[0],
                   k->causes.n > 1 ? " (and more, see --log)" : "");
    else
        ui_message(ui, "keymap %s", args);
    for (size_t i = 0; i < k->causes.n; i++)
        klog("%s", k->causes.v[i]);
}

const struct ui_command ui_cmdline_commands[] = {
    {"apply", NULL, "apply -f FILE: server-side apply objects from YAML/JSON",
     cmdline_cmd_apply_ssa},
    {"create", NULL, "create -f FILE: create objects from YAML/JSON",
     cmdline_cmd_create},
    {"delete", NULL, "delete -f FILE: delete the objects a file names",
     cmdline_cmd_delete},
    {"theme", NULL, "theme NAME: switch the theme", cmdline_cmd_theme},
    {"keymap", NULL, "keymap NAME: switch the keymap", cmdline_cmd_keymap},
    {NULL, NULL, NULL, NULL},
};

/* ---- lifetime ---------------------------------------------------------- */

void
cmdline_client_changed(struct ui *ui)
{
    struct cmdline *c = ui->cmdline;

    if (c == NULL)
        return;
    apply_cancel(c->apply);
    c->apply = NULL;
    explain_fetch_cancel(c->fetch);
    c->fetch = NULL;
    memset(c->doc_ready, 0, sizeof c->doc_ready);
    explain_free(c->doc);
    c->doc = NULL;
    c->doc_client = NULL;
}

void
cmdline_stop(struct ui *ui)
{
    cmdline_client_changed(ui);
}

void
cmdline_free(struct ui *ui)
{
    struct cmdline *c = ui->cmdline;

    if (c == NULL)
        return;
    cmdline_stop(ui);
    cmdline_reset_completion(c);
    cmdline_free_list(c->hist, c->nhist);
    free(c->hsaved);
    kbuf_done(&c->apply_lines);
    free(c);
    ui->cmdline = NULL;
}
