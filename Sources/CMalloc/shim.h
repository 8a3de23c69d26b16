#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
#include <malloc.h>

/* glibc's mallopt parameters Swift does not import as values (they are macros). */
static inline int cmalloc_set_arena_max(int count) { return mallopt(M_ARENA_MAX, count); }
static inline int cmalloc_set_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }

#endif
