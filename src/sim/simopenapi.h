/*
 * The built-in OpenAPI v3 api/v1 document (simopenapi.c).
 */
#ifndef KPOD_SIMOPENAPI_H
#define KPOD_SIMOPENAPI_H

extern const char simopenapi_doc[];

#endif
