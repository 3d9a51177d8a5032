#include "iip_shims.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
