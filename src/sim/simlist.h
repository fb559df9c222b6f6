/*
 * LIST and GET handlers shared by pods and events (simlist.c).
 */
#ifndef KPOD_SIMLIST_H
#define KPOD_SIMLIST_H

#include "sim-int.h"

/* GET on a collection: a list page, or a watch when ?watch= is true. */
void simlist_collection(struct simreq *, const struct simres *, const char *ns);
void simlist_get(struct simreq *, const struct simres *, const char *ns,
                 const char *name);
/* Append the object with kind and apiVersion (GET and watch form). */
void simlist_full_object(struct kbuf *, const struct simres *,
                         struct simsnap *);

#endif
