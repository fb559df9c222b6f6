/*
 * Splitting a typed command line into argv the way a POSIX shell splits
 * words: blanks separate, 'single quotes' keep everything, "double
 * quotes" keep everything but \" \\ \$ \` escapes, a backslash outside
 * quotes escapes the next character. No expansion of any kind. The exec
 * prompt and the shell option use it.
 */
#ifndef KPOD_SHELLWORDS_H
#define KPOD_SHELLWORDS_H

/* A NULL-terminated argv (free with shellwords_free), or NULL with
 * *cause ("unterminated quote") or for an empty line (*cause NULL). */
char **shellwords_split(const char *line, char **cause);
void   shellwords_free(char **argv);

#endif
