/*
 * Events: the recorder (sim_event_record in sim-int.h) and routes
 * (simevents.c).
 */
#ifndef KPOD_SIMEVENTS_H
#define KPOD_SIMEVENTS_H

#include "sim-int.h"

void simevents_free(struct sim *);
void simevents_load(struct sim *, cJSON *obj); /* takes obj */
void simevents_list_all(struct simreq *, char **args);
void simevents_list(struct simreq *, char **args);
void simevents_get(struct simreq *, char **args);

#endif
