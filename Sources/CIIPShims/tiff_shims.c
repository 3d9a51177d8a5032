#include "iip_shims.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int iip_tiff_error_handler(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
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
    return 1; /* handled: libtiff does not call the global handler */
}

static int iip_tiff_warning_handler(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    (void)module;
    (void)fmt;
    (void)ap;
    iip_tiff_messages *messages = (iip_tiff_messages *)user_data;
    if (messages != NULL) messages->warning_count += 1;
    return 1;
}

TIFF *iip_tiff_open(const char *path, const char *mode, iip_tiff_messages *messages, int64_t max_single_alloc) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, iip_tiff_error_handler, messages);
    TIFFOpenOptionsSetWarningHandlerExtR(options, iip_tiff_warning_handler, messages);
    if (max_single_alloc > 0) TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)max_single_alloc);
    TIFF *tif = TIFFOpenExt(path, mode, options);
    TIFFOpenOptionsFree(options);
    return tif;
}

static tmsize_t iip_tiff_client_read(thandle_t handle, void *buffer, tmsize_t size) {
    iip_tiff_client *client = (iip_tiff_client *)handle;
    if (size <= 0) return 0;
    if (client->position >= client->length) return 0;
    int64_t got = client->read_at(client->context, client->position, buffer, (int64_t)size);
    if (got < 0) return -1;
    client->position += (uint64_t)got;
    return (tmsize_t)got;
}

static tmsize_t iip_tiff_client_write(thandle_t handle, void *buffer, tmsize_t size) {
    (void)handle;
    (void)buffer;
    (void)size;
    return -1; /* read-only */
}

static toff_t iip_tiff_client_seek(thandle_t handle, toff_t offset, int whence) {
    iip_tiff_client *client = (iip_tiff_client *)handle;
    uint64_t base = whence == SEEK_CUR ? client->position : whence == SEEK_END ? client->length : 0;
    if (offset > UINT64_MAX - base) return (toff_t)-1;
    client->position = base + offset;
    return client->position;
}

static int iip_tiff_client_close(thandle_t handle) {
    (void)handle;
    return 0; /* the caller owns the client */
}

static toff_t iip_tiff_client_size(thandle_t handle) { return ((iip_tiff_client *)handle)->length; }

static int iip_tiff_client_map(thandle_t handle, void **base, toff_t *size) {
    (void)handle;
    (void)base;
    (void)size;
    return 0; /* never mapped */
}

static void iip_tiff_client_unmap(thandle_t handle, void *base, toff_t size) {
    (void)handle;
    (void)base;
    (void)size;
}

TIFF *iip_tiff_client_open(const char *name, const char *mode, iip_tiff_client *client, iip_tiff_messages *messages,
                           int64_t max_single_alloc) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, iip_tiff_error_handler, messages);
    TIFFOpenOptionsSetWarningHandlerExtR(options, iip_tiff_warning_handler, messages);
    if (max_single_alloc > 0) TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)max_single_alloc);
    TIFF *tif = TIFFClientOpenExt(name, mode, (thandle_t)client, iip_tiff_client_read, iip_tiff_client_write,
                                  iip_tiff_client_seek, iip_tiff_client_close, iip_tiff_client_size,
                                  iip_tiff_client_map, iip_tiff_client_unmap, options);
    TIFFOpenOptionsFree(options);
    return tif;
}

void iip_tiff_silence_global_handlers(void) {
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
}

int iip_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *out) { return TIFFGetField(tif, tag, out); }
int iip_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *out) { return TIFFGetField(tif, tag, out); }
int iip_tiff_get_float(TIFF *tif, uint32_t tag, float *out) { return TIFFGetField(tif, tag, out); }
int iip_tiff_get_double(TIFF *tif, uint32_t tag, double *out) { return TIFFGetField(tif, tag, out); }
int iip_tiff_get_string(TIFF *tif, uint32_t tag, const char **out) { return TIFFGetField(tif, tag, out); }

int iip_tiff_get_bytes(TIFF *tif, uint32_t tag, uint32_t *count, const void **data) {
    return TIFFGetField(tif, tag, count, data);
}

int iip_tiff_get_subifds(TIFF *tif, uint16_t *count, const uint64_t **offsets) {
    return TIFFGetField(tif, TIFFTAG_SUBIFD, count, offsets);
}

int iip_tiff_get_extrasamples(TIFF *tif, uint16_t *count, const uint16_t **types) {
    return TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, count, types);
}

int iip_tiff_get_sample_value(TIFF *tif, uint32_t tag, double *out) { return TIFFGetField(tif, tag, out); }

int iip_tiff_get_colormap(TIFF *tif, const uint16_t **red, const uint16_t **green, const uint16_t **blue) {
    return TIFFGetField(tif, TIFFTAG_COLORMAP, red, green, blue);
}

/* Reads `length` bytes at `offset` of the file behind `tif`; 1 when all were read. */
static int iip_tiff_pread(TIFF *tif, uint64_t offset, void *buffer, size_t length) {
    if (offset > (uint64_t)INT64_MAX - length) return 0;
    /* Through the handle's own procedures, so that files opened by descriptor and by client read alike; libtiff
     * seeks before each of its reads, so moving the position here does not disturb it. */
    TIFFSeekProc seek = TIFFGetSeekProc(tif);
    TIFFReadWriteProc read = TIFFGetReadProc(tif);
    thandle_t handle = TIFFClientdata(tif);
    if (seek(handle, (toff_t)offset, SEEK_SET) != (toff_t)offset) return 0;
    size_t done = 0;
    while (done < length) {
        tmsize_t got = read(handle, (char *)buffer + done, (tmsize_t)(length - done));
        if (got <= 0) return 0;
        done += (size_t)got;
    }
    return 1;
}

/* An unsigned integer of `count` bytes in the file's byte order. */
static uint64_t iip_tiff_unpack(const unsigned char *bytes, int count, int little) {
    uint64_t value = 0;
    for (int index = 0; index < count; index++) {
        int at = little ? count - 1 - index : index;
        value = value << 8 | bytes[at];
    }
    return value;
}

int iip_tiff_stored_short(TIFF *tif, uint64_t offset, uint32_t tag, uint16_t *out) {
    /* The file's own byte order: "II" little-endian, "MM" big-endian. */
    unsigned char header[2];
    if (!iip_tiff_pread(tif, 0, header, 2)) return 0;
    int little = header[0] == 'I' && header[1] == 'I';
    if (!little && !(header[0] == 'M' && header[1] == 'M')) return 0;
    int big = TIFFIsBigTIFF(tif);
    unsigned char count_bytes[8];
    int count_size = big ? 8 : 2;
    if (offset == 0 || !iip_tiff_pread(tif, offset, count_bytes, (size_t)count_size)) return 0;
    uint64_t count = iip_tiff_unpack(count_bytes, count_size, little);
    if (count > 65535) return 0; /* libtiff refuses such directories too */
    size_t entry_size = big ? 20 : 12;
    unsigned char entry[20];
    for (uint64_t index = 0; index < count; index++) {
        if (!iip_tiff_pread(tif, offset + (uint64_t)count_size + index * entry_size, entry, entry_size)) return 0;
        uint64_t entry_tag = iip_tiff_unpack(entry, 2, little);
        if (entry_tag != tag) continue;
        uint64_t type = iip_tiff_unpack(entry + 2, 2, little);
        uint64_t values = iip_tiff_unpack(entry + 4, big ? 8 : 4, little);
        const unsigned char *value = entry + (big ? 12 : 8);
        if (values < 1) return 0;
        if (type == TIFF_SHORT) {
            *out = (uint16_t)iip_tiff_unpack(value, 2, little);
        } else if (type == TIFF_LONG && values == 1) {
            uint64_t wide = iip_tiff_unpack(value, 4, little);
            if (wide > UINT16_MAX) return 0;
            *out = (uint16_t)wide;
        } else {
            return 0;
        }
        return 1;
    }
    return 0;
}

int iip_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value) { return TIFFSetField(tif, tag, (int)value); }
int iip_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value) { return TIFFSetField(tif, tag, value); }
int iip_tiff_set_int(TIFF *tif, uint32_t tag, int value) { return TIFFSetField(tif, tag, value); }
int iip_tiff_set_double(TIFF *tif, uint32_t tag, double value) { return TIFFSetField(tif, tag, value); }
int iip_tiff_set_string(TIFF *tif, uint32_t tag, const char *value) { return TIFFSetField(tif, tag, value); }

int iip_tiff_set_bytes(TIFF *tif, uint32_t tag, uint32_t count, const void *data) {
    return TIFFSetField(tif, tag, count, data);
}

int iip_tiff_set_subifds(TIFF *tif, uint16_t count, const uint64_t *offsets) {
    return TIFFSetField(tif, TIFFTAG_SUBIFD, count, offsets);
}

int iip_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types) {
    return TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, count, types);
}

int iip_tiff_set_colormap(TIFF *tif, const uint16_t *red, const uint16_t *green, const uint16_t *blue) {
    return TIFFSetField(tif, TIFFTAG_COLORMAP, red, green, blue);
}
