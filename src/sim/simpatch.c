/*
 * JSON patching for PATCH requests: RFC 7386 merge patch (null deletes a
 * key, objects merge recursively, everything else replaces), a strategic
 * variant that merges lists of named objects by name and skips "$"
 * directives, and RFC 6902 JSON patch (add, remove, replace, move, copy,
 * test) on JSON pointers. Pure functions on cJSON trees.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "simpatch.h"
#include "util.h"

static const char *
patch_name(const cJSON *o)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "name"));
}

static int
named_list(const cJSON *list)
{
    const cJSON *it;

    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        return 0;
    cJSON_ArrayForEach(it, list) if (!cJSON_IsObject(it) ||
                                     patch_name(it) == NULL) return 0;
    return 1;
}

void
simpatch_merge(cJSON *target, const cJSON *patch, int strategic)
{
    const cJSON *p;

    cJSON_ArrayForEach(p, patch)
    {
        cJSON *t;

        if (strategic && p->string[0] == '$')
            continue;
        t = cJSON_GetObjectItemCaseSensitive(target, p->string);
        if (cJSON_IsNull(p)) {
            cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
        } else if (cJSON_IsObject(p) && cJSON_IsObject(t)) {
            simpatch_merge(t, p, strategic);
        } else if (strategic && named_list(p) && named_list(t)) {
            const cJSON *pe;

            cJSON_ArrayForEach(pe, p)
            {
                cJSON *te;
                int    found = 0;

                cJSON_ArrayForEach(te, t)
                {
                    if (strcmp(patch_name(te), patch_name(pe)) == 0) {
                        simpatch_merge(te, pe, strategic);
                        found = 1;
                        break;
                    }
                }
                if (!found)
                    cJSON_AddItemToArray(t, cJSON_Duplicate(pe, 1));
            }
        } else {
            cJSON *copy;

            if (cJSON_IsObject(p)) {
                /* a new object: nulls inside mean nothing */
                copy = cJSON_CreateObject();
                simpatch_merge(copy, p, strategic);
            } else
                copy = cJSON_Duplicate(p, 1);
            if (t != NULL)
                cJSON_ReplaceItemInObjectCaseSensitive(target, p->string, copy);
            else
                cJSON_AddItemToObject(target, p->string, copy);
        }
    }
}

/* Unescape one pointer token (~1 -> /, ~0 -> ~). */
static char *
pointer_token(const char *s, size_t n)
{
    char  *out = xmalloc(n + 1);
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '~' && i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
            out[o++] = s[i + 1] == '0' ? '~' : '/';
            i++;
        } else
            out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

/* Resolve the parent of path; *last gets the final token (caller frees). */
static cJSON *
pointer_parent(cJSON *root, const char *path, char **last)
{
    cJSON      *cur = root;
    const char *s = path, *e;

    *last = NULL;
    if (*s != '/')
        return NULL;
    for (;;) {
        s++;
        e = strchr(s, '/');
        if (e == NULL) {
            *last = pointer_token(s, strlen(s));
            return cur;
        }
        {
            char *tok = pointer_token(s, (size_t)(e - s));

            if (cJSON_IsArray(cur))
                cur = cJSON_GetArrayItem(cur, atoi(tok));
            else
                cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
            free(tok);
        }
        if (cur == NULL)
            return NULL;
        s = e;
    }
}

static cJSON *
pointer_get(cJSON *root, const char *path)
{
    char  *last;
    cJSON *parent, *v;

    if (*path == '\0')
        return root;
    parent = pointer_parent(root, path, &last);
    if (parent == NULL) {
        free(last);
        return NULL;
    }
    if (cJSON_IsArray(parent))
        v = cJSON_GetArrayItem(parent, atoi(last));
    else
        v = cJSON_GetObjectItemCaseSensitive(parent, last);
    free(last);
    return v;
}

static int
pointer_remove(cJSON *root, const char *path, cJSON **taken)
{
    char  *last;
    cJSON *parent = pointer_parent(root, path, &last), *v = NULL;

    if (parent != NULL && last != NULL) {
        if (cJSON_IsArray(parent)) {
            int i = atoi(last);

            if (i >= 0 && i < cJSON_GetArraySize(parent))
                v = cJSON_DetachItemFromArray(parent, i);
        } else
            v = cJSON_DetachItemFromObjectCaseSensitive(parent, last);
    }
    free(last);
    if (v == NULL)
        return -1;
    if (taken != NULL)
        *taken = v;
    else
        cJSON_Delete(v);
    return 0;
}

static int
pointer_add(cJSON *root, const char *path, cJSON *value, int replace)
{
    char  *last;
    cJSON *parent = pointer_parent(root, path, &last);
    int    rc = 0;

    if (parent == NULL || last == NULL) {
        free(last);
        cJSON_Delete(value);
        return -1;
    }
    if (cJSON_IsArray(parent)) {
        int n = cJSON_GetArraySize(parent);

        if (strcmp(last, "-") == 0)
            cJSON_AddItemToArray(parent, value);
        else {
            int i = atoi(last);

            if (i < 0 || i > n || (replace && i == n)) {
                cJSON_Delete(value);
                rc = -1;
            } else if (replace)
                cJSON_ReplaceItemInArray(parent, i, value);
            else if (i == n)
                cJSON_AddItemToArray(parent, value);
            else
                cJSON_InsertItemInArray(parent, i, value);
        }
    } else if (cJSON_IsObject(parent)) {
        if (cJSON_GetObjectItemCaseSensitive(parent, last) != NULL)
            cJSON_ReplaceItemInObjectCaseSensitive(parent, last, value);
        else if (replace) {
            cJSON_Delete(value);
            rc = -1;
        } else
            cJSON_AddItemToObject(parent, last, value);
    } else {
        cJSON_Delete(value);
        rc = -1;
    }
    free(last);
    return rc;
}

int
simpatch_json(cJSON *target, const cJSON *ops, char **cause)
{
    const cJSON *op;

    if (!cJSON_IsArray(ops)) {
        *cause = xstrdup("json patch must be an array of operations");
        return -1;
    }
    cJSON_ArrayForEach(op, ops)
    {
        const char *o = cJSON_GetStringValue(cJSON_GetObjectItem(op, "op"));
        const char *path =
            cJSON_GetStringValue(cJSON_GetObjectItem(op, "path"));
        const char *from =
            cJSON_GetStringValue(cJSON_GetObjectItem(op, "from"));
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
        int          rc = -1;

        if (o == NULL || path == NULL) {
            *cause = xstrdup("json patch operation needs op and path");
            return -1;
        }
        if (strcmp(o, "add") == 0 && value != NULL)
            rc = pointer_add(target, path, cJSON_Duplicate(value, 1), 0);
        else if (strcmp(o, "replace") == 0 && value != NULL)
            rc = pointer_add(target, path, cJSON_Duplicate(value, 1), 1);
        else if (strcmp(o, "remove") == 0)
            rc = pointer_remove(target, path, NULL);
        else if (strcmp(o, "test") == 0 && value != NULL) {
            cJSON *v = pointer_get(target, path);

            rc = v != NULL && cJSON_Compare(v, value, 1) ? 0 : -1;
            if (rc != 0) {
                *cause = xasprintf("testing value %s failed", path);
                return -1;
            }
        } else if ((strcmp(o, "move") == 0 || strcmp(o, "copy") == 0) &&
                   from != NULL) {
            cJSON *v = NULL;

            if (strcmp(o, "move") == 0) {
                if (pointer_remove(target, from, &v) == 0)
                    rc = pointer_add(target, path, v, 0);
            } else if ((v = pointer_get(target, from)) != NULL)
                rc = pointer_add(target, path, cJSON_Duplicate(v, 1), 0);
        }
        if (rc != 0) {
            *cause = xasprintf("the server rejected our request due to an "
                               "error in our request: %s operation does not "
                               "apply: doc is missing path: \"%s\"",
                               o, path);
            return -1;
        }
    }
    return 0;
}
