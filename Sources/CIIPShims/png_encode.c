// PNG encoding with libpng into memory. libpng reports errors with longjmp, which Swift code must never be
// jumped over, so the whole encode runs here and hands back either a malloc'd buffer or a message.
#include "iip_shims.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct iip_png_sink {
    unsigned char *data;
    size_t length;
    size_t capacity;
    char *error;
    size_t error_size;
} iip_png_sink;

static void iip_png_error(png_structp png, png_const_charp message) {
    iip_png_sink *sink = (iip_png_sink *)png_get_error_ptr(png);
    if (sink != NULL && sink->error != NULL && sink->error_size > 0) {
        snprintf(sink->error, sink->error_size, "%s", message != NULL ? message : "libpng error");
    }
    png_longjmp(png, 1);
}

static void iip_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void iip_png_write(png_structp png, png_bytep bytes, size_t length) {
    iip_png_sink *sink = (iip_png_sink *)png_get_io_ptr(png);
    if (length > SIZE_MAX - sink->length) png_error(png, "PNG output too large");
    size_t needed = sink->length + length;
    if (needed > sink->capacity) {
        size_t capacity = sink->capacity < 4096 ? 4096 : sink->capacity;
        while (capacity < needed) capacity = capacity > SIZE_MAX / 2 ? needed : capacity * 2;
        unsigned char *grown = (unsigned char *)realloc(sink->data, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        sink->data = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->length, bytes, length);
    sink->length = needed;
}

static void iip_png_flush(png_structp png) { (void)png; }

static int iip_png_is_ascii(const char *text) {
    for (const unsigned char *p = (const unsigned char *)text; *p != 0; p++) {
        if (*p >= 0x80) return 0;
    }
    return 1;
}

/// Counts the key/value pairs of a "key\0value\0key\0value\0" block.
static int iip_png_count_pairs(const char *pairs, size_t length) {
    int strings = 0;
    for (size_t i = 0; i < length; i++) {
        if (pairs[i] == '\0') strings += 1;
    }
    return strings / 2;
}

static int iip_png_write_all(png_structp png, png_infop info, const unsigned char *pixels, uint32_t width,
                             uint32_t height, int channels, int bit_depth, const iip_png_options *options,
                             png_textp texts, char *xmp) {
    if (setjmp(png_jmpbuf(png))) return 0;

    static const int colour_types[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                       PNG_COLOR_TYPE_RGB_ALPHA};
    png_set_IHDR(png, info, width, height, bit_depth, colour_types[channels - 1], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    // An ICC profile libpng finds invalid (or of the wrong colour space) is dropped with a warning, not fatal.
    png_set_benign_errors(png, 1);
    png_set_compression_level(png, options->compression_level);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FAST_FILTERS);

    if (options->icc != NULL && options->icc_length > 0) {
        const char *name = options->icc_name != NULL && options->icc_name[0] != '\0' ? options->icc_name : "ICC";
        png_set_iCCP(png, info, name, PNG_COMPRESSION_TYPE_BASE, options->icc, (png_uint_32)options->icc_length);
    }
    if (options->exif != NULL && options->exif_length > 0 && options->exif_length <= 0x7FFFFFFF) {
        png_set_eXIf_1(png, info, (png_uint_32)options->exif_length, (png_bytep)options->exif);
    }
    if (options->has_phys) {
        png_set_pHYs(png, info, options->phys_x, options->phys_y,
                     options->phys_unit_metre ? PNG_RESOLUTION_METER : PNG_RESOLUTION_UNKNOWN);
    }

    int count = 0;
    if (xmp != NULL) {
        texts[count].compression = PNG_ITXT_COMPRESSION_NONE;
        texts[count].key = (png_charp) "XML:com.adobe.xmp";
        texts[count].text = xmp;
        texts[count].itxt_length = strlen(xmp);
        texts[count].lang = (png_charp) "";
        texts[count].lang_key = (png_charp) "";
        count += 1;
    }
    if (options->text_pairs != NULL) {
        const char *cursor = options->text_pairs;
        const char *end = options->text_pairs + options->text_pairs_length;
        while (cursor < end) {
            const char *key = cursor;
            cursor += strlen(cursor) + 1;
            if (cursor >= end) break;
            const char *value = cursor;
            cursor += strlen(cursor) + 1;
            size_t value_length = strlen(value);
            // tEXt is Latin-1: anything beyond ASCII goes into an (uncompressed, UTF-8) iTXt chunk instead.
            if (iip_png_is_ascii(value)) {
                texts[count].compression = PNG_TEXT_COMPRESSION_NONE;
                texts[count].text_length = value_length;
            } else {
                texts[count].compression = PNG_ITXT_COMPRESSION_NONE;
                texts[count].itxt_length = value_length;
                texts[count].lang = (png_charp) "";
                texts[count].lang_key = (png_charp) "";
            }
            texts[count].key = (png_charp)key;
            texts[count].text = (png_charp)value;
            count += 1;
        }
    }
    if (count > 0) png_set_text(png, info, texts, count);

    png_write_info(png, info);
    if (bit_depth == 16) {
        const uint16_t probe = 1;
        if (*(const unsigned char *)&probe == 1) png_set_swap(png); // samples are in machine (little-endian) order
    }
    size_t row_bytes = (size_t)width * (size_t)channels * (size_t)(bit_depth / 8);
    for (uint32_t row = 0; row < height; row++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)row * row_bytes));
    }
    png_write_end(png, info);
    return 1;
}

int iip_png_encode(const void *pixels, uint32_t width, uint32_t height, int channels, int bit_depth,
                   const iip_png_options *options, unsigned char **output, size_t *output_length, char *error,
                   size_t error_size) {
    *output = NULL;
    *output_length = 0;
    if (error != NULL && error_size > 0) error[0] = '\0';
    if (pixels == NULL || width == 0 || height == 0 || channels < 1 || channels > 4 ||
        (bit_depth != 8 && bit_depth != 16) || options == NULL) {
        if (error != NULL && error_size > 0) snprintf(error, error_size, "invalid PNG encoding parameters");
        return 0;
    }
    iip_png_sink sink = {NULL, 0, 0, error, error_size};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, iip_png_error, iip_png_warning);
    if (png == NULL) {
        if (error != NULL && error_size > 0) snprintf(error, error_size, "png_create_write_struct failed");
        return 0;
    }
    png_infop info = png_create_info_struct(png);
    int pairs = iip_png_count_pairs(options->text_pairs, options->text_pairs_length);
    png_textp texts = (png_textp)calloc((size_t)pairs + 1, sizeof(png_text));
    // libpng measures text with strlen: give it a NUL-terminated copy of the XMP packet
    char *xmp = NULL;
    int xmp_missing = 0;
    if (options->xmp != NULL && options->xmp_length > 0) {
        xmp = (char *)malloc(options->xmp_length + 1);
        if (xmp != NULL) {
            memcpy(xmp, options->xmp, options->xmp_length);
            xmp[options->xmp_length] = '\0';
        } else {
            xmp_missing = 1;
        }
    }
    int ok = 0;
    if (info == NULL || texts == NULL || xmp_missing) {
        if (error != NULL && error_size > 0) snprintf(error, error_size, "out of memory");
    } else {
        png_set_write_fn(png, &sink, iip_png_write, iip_png_flush);
        ok = iip_png_write_all(png, info, (const unsigned char *)pixels, width, height, channels, bit_depth, options,
                               texts, xmp);
    }
    png_destroy_write_struct(&png, info != NULL ? &info : NULL);
    free(texts);
    free(xmp);
    if (!ok) {
        free(sink.data);
        return 0;
    }
    *output = sink.data;
    *output_length = sink.length;
    return 1;
}

void iip_free(void *pointer) { free(pointer); }
