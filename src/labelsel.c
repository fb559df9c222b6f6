/*
 * Label selectors over a cJSON labels object (see labelsel.h), for the log
 * panes: the selector is parsed by podsel (the pod list's filter, one
 * parser for both) and the labels are written as podsel's "k=v,k2=v2"
 * text. Label keys and values cannot hold ',' or '=', so the text is
 * unambiguous.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "labelsel.h"
#include "podsel.h"
#include "util.h"

/* An empty selector selects everything. */
static int
labelsel_empty(const char *selector)
{
    return selector == NULL || selector[strspn(selector, " \t")] == '\0';
}

int
labelsel_check(const char *selector, char **cause)
{
    struct podsel sel;

    if (labelsel_empty(selector))
        return 0;
    if (podsel_parse(&sel, selector != NULL ? selector : "", cause) != 0)
        return -1;
    podsel_done(&sel);
    return 0;
}

int
labelsel_match(const char *selector, const cJSON *labels)
{
    struct podsel sel;
    struct kbuf   text;
    const cJSON  *l;
    char         *cause = NULL;
    int           hit;

    if (labelsel_empty(selector))
        return 1;
    if (podsel_parse(&sel, selector != NULL ? selector : "", &cause) != 0) {
        free(cause);
        return -1;
    }
    kbuf_init(&text);
    cJSON_ArrayForEach(l, labels)
    {
        if (cJSON_IsString(l) && l->string != NULL)
            kbuf_printf(&text, "%s%s=%s", text.len > 0 ? "," : "", l->string,
                        l->valuestring);
    }
    hit = podsel_match(&sel, text.len > 0 ? text.data : NULL);
    kbuf_done(&text);
    podsel_done(&sel);
    return hit;
}
