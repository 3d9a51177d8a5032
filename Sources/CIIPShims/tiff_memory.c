// A TIFF handle over a growable memory buffer (TIFFClientOpenExt), with per-handle error capture.
#include "iip_shims.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct iip_tiff_memory {
    unsigned char *data;
    uint64_t length;
    uint64_t capacity;
    uint64_t position;
    int read_only;
};

static int iip_tiff_memory_error(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    iip_tiff_messages *messages = (iip_tiff_messages *)user_data;
    if (messages == NULL) return 1;
    char text[384];
    vsnprintf(text, sizeof text, fmt, ap);
    if (module != NULL && module[0] != '\0') {
        snprintf(messages->last_error, sizeof messages->last_error, "%s: %s", module, text);
    } else {
        snprintf(messages->last_error, sizeof messages->last_error, "%s", text);
    }
    messages->error_count += 1;
    return 1;
}

static int iip_tiff_memory_warning(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    (void)module;
    (void)fmt;
    (void)ap;
    iip_tiff_messages *messages = (iip_tiff_messages *)user_data;
    if (messages != NULL) messages->warning_count += 1;
    return 1;
}

static int iip_tiff_memory_reserve(iip_tiff_memory *memory, uint64_t needed) {
    if (needed <= memory->capacity) return 1;
    if (needed > (uint64_t)SIZE_MAX / 2) return 0;
    uint64_t capacity = memory->capacity < 65536 ? 65536 : memory->capacity;
    while (capacity < needed) capacity *= 2;
    unsigned char *grown = (unsigned char *)realloc(memory->data, (size_t)capacity);
    if (grown == NULL) return 0;
    memory->data = grown;
    memory->capacity = capacity;
    return 1;
}

static tmsize_t iip_tiff_memory_read(thandle_t handle, void *buffer, tmsize_t size) {
    iip_tiff_memory *memory = (iip_tiff_memory *)handle;
    if (size <= 0 || memory->position >= memory->length) return 0;
    uint64_t available = memory->length - memory->position;
    uint64_t count = (uint64_t)size < available ? (uint64_t)size : available;
    memcpy(buffer, memory->data + memory->position, (size_t)count);
    memory->position += count;
    return (tmsize_t)count;
}

static tmsize_t iip_tiff_memory_write(thandle_t handle, void *buffer, tmsize_t size) {
    iip_tiff_memory *memory = (iip_tiff_memory *)handle;
    if (memory->read_only || size < 0) return -1;
    uint64_t end = memory->position + (uint64_t)size;
    if (end < memory->position || !iip_tiff_memory_reserve(memory, end)) return -1;
    if (memory->position > memory->length) {
        // a seek past the end leaves a gap: fill it with zeros
        memset(memory->data + memory->length, 0, (size_t)(memory->position - memory->length));
    }
    memcpy(memory->data + memory->position, buffer, (size_t)size);
    memory->position = end;
    if (end > memory->length) memory->length = end;
    return size;
}

static toff_t iip_tiff_memory_seek(thandle_t handle, toff_t offset, int whence) {
    iip_tiff_memory *memory = (iip_tiff_memory *)handle;
    uint64_t base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = memory->position; break;
    case SEEK_END: base = memory->length; break;
    default: return (toff_t)-1;
    }
    // libtiff passes offsets as toff_t (uint64); relative seeks may carry a negative value in two's complement.
    // Unsigned arithmetic wraps instead of overflowing (undefined for signed values). Both terms are at most
    // INT64_MAX or a negative step, so a result beyond INT64_MAX is a position before the start: refused.
    uint64_t target = base + (uint64_t)offset;
    if (target > (uint64_t)INT64_MAX) return (toff_t)-1;
    memory->position = target;
    return (toff_t)target;
}

static int iip_tiff_memory_close(thandle_t handle) {
    (void)handle; // the buffer belongs to the caller until iip_tiff_memory_free
    return 0;
}

static toff_t iip_tiff_memory_size(thandle_t handle) { return ((iip_tiff_memory *)handle)->length; }

static int iip_tiff_memory_map(thandle_t handle, void **base, toff_t *size) {
    iip_tiff_memory *memory = (iip_tiff_memory *)handle;
    if (!memory->read_only || memory->data == NULL) return 0; // a growing buffer moves: never map it
    *base = memory->data;
    *size = memory->length;
    return 1;
}

static void iip_tiff_memory_unmap(thandle_t handle, void *base, toff_t size) {
    (void)handle;
    (void)base;
    (void)size;
}

iip_tiff_memory *iip_tiff_memory_create(const void *data, size_t length) {
    iip_tiff_memory *memory = (iip_tiff_memory *)calloc(1, sizeof(iip_tiff_memory));
    if (memory == NULL) return NULL;
    if (data != NULL && length > 0) {
        memory->data = (unsigned char *)malloc(length);
        if (memory->data == NULL) {
            free(memory);
            return NULL;
        }
        memcpy(memory->data, data, length);
        memory->length = length;
        memory->capacity = length;
        memory->read_only = 1;
    }
    return memory;
}

TIFF *iip_tiff_memory_open(iip_tiff_memory *memory, const char *mode, iip_tiff_messages *messages) {
    if (memory == NULL || mode == NULL) return NULL;
    memory->read_only = strchr(mode, 'r') != NULL;
    memory->position = 0;
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, iip_tiff_memory_error, messages);
    TIFFOpenOptionsSetWarningHandlerExtR(options, iip_tiff_memory_warning, messages);
    TIFF *tif = TIFFClientOpenExt("memory", mode, (thandle_t)memory, iip_tiff_memory_read, iip_tiff_memory_write,
                                  iip_tiff_memory_seek, iip_tiff_memory_close, iip_tiff_memory_size,
                                  iip_tiff_memory_map, iip_tiff_memory_unmap, options);
    TIFFOpenOptionsFree(options);
    return tif;
}

unsigned char *iip_tiff_memory_take(iip_tiff_memory *memory, size_t *length) {
    if (memory == NULL) {
        *length = 0;
        return NULL;
    }
    unsigned char *data = memory->data;
    *length = (size_t)memory->length;
    memory->data = NULL;
    memory->length = 0;
    memory->capacity = 0;
    memory->position = 0;
    return data;
}

void iip_tiff_memory_free(iip_tiff_memory *memory) {
    if (memory == NULL) return;
    free(memory->data);
    free(memory);
}
