// Returning freed heap memory to the system (glibc's malloc_trim), for the memory reclaimer.
#include "iip_shims.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int iip_release_free_memory(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}
