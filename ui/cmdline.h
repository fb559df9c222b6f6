/*
 * The : command line: editing, Tab completion of command names and of
 * their arguments (files, namespaces, contexts, theme and keymap names,
 * explain paths), history kept across runs in $XDG_STATE_HOME/kpod/history
 * (mode 0600), and the prompt.* actions of the keymap. Running a line is
 * ui_command's (the command tables); this file also holds :apply, :create,
 * :delete, :theme and :keymap, and the session's OpenAPI document.
 */
#ifndef KPOD_CMDLINE_H
#define KPOD_CMDLINE_H

#include <stddef.h>

#include "ui-int.h"

struct explain;

/* :apply, :create, :delete, :theme, :keymap */
extern const struct ui_command ui_cmdline_commands[];

/* What a key did to the command line. */
enum cmdline_result {
    CMDLINE_KEPT,   /* still editing */
    CMDLINE_ACCEPT, /* run ui->input (history already has it) */
    CMDLINE_CANCEL, /* close the line */
};

/* The line was opened (history browsing starts from the newest). */
void cmdline_open(struct ui *);
/* A key while the command line is open. */
enum cmdline_result cmdline_key(struct ui *, int key);
/* The text the status bar shows: ":input_" and completion candidates.
 * Caller frees. */
char *cmdline_text(struct ui *);

/* The OpenAPI document of ui->client, fetched once per client. NULL while
 * it is being fetched (or failed: the status bar says why); ready then
 * runs once with NULL or the error when it arrives. */
typedef void (*cmdline_doc_cb)(struct ui *, const char *error);
struct explain *cmdline_explain_doc(struct ui *, cmdline_doc_cb ready);

/* The client is about to change: stop what runs on the old one. */
void cmdline_client_changed(struct ui *);
/* The UI closes: stop everything (no callbacks after this). */
void cmdline_stop(struct ui *);
/* Free the state (after cmdline_stop). */
void cmdline_free(struct ui *);

/* History file path (for tests): $XDG_STATE_HOME/kpod/history, else
 * ~/.local/state/kpod/history. Caller frees; NULL without a home. */
char *cmdline_history_path(void);

/* Completion as a pure function of the line (for tests): the candidates
 * for the last word of line, sorted; *start is the offset of the word
 * they replace. Caller frees with cmdline_free_list. */
char **cmdline_complete(struct ui *, const char *line, size_t *n,
                        size_t *start);
void   cmdline_free_list(char **, size_t n);

#endif
