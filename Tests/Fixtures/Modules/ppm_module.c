/*
 * A decoder module for binary PGM (P5) and PPM (P6) files: the example of the iipsrv-async module ABI
 * (Sources/CIIPDecoderModule/include/iipsrv_async_module.h), and what the tests compile and serve.
 *
 * Levels are the full size halved with floor until both sides fit in one tile; a reduced level averages
 * 2^k x 2^k blocks of the full image. Samples of up to 8 bits become 8-bit samples, wider ones 16-bit, both
 * scaled to their full range. Regions are read directly.
 *
 *     cc -shared -fPIC -I Sources/CIIPDecoderModule/include -o ppm_module.so Tests/Fixtures/Modules/ppm_module.c
 *
 * Test builds change it with these macros:
 *   PPM_MODULE_NAME, PPM_MODULE_EXTENSIONS   the name and extensions (strings)
 *   PPM_MODULE_ABI_VERSION                   the version in the table (a wrong one is refused at start-up)
 *   PPM_MODULE_TILE                          the tile side (default 256)
 *   PPM_MODULE_TILES_ONLY                    no read_region: the server composes regions from tiles
 *   PPM_MODULE_FAIL_OPEN                     open() refuses every file, naming it by its full path
 *   PPM_MODULE_NULL_HANDLE                   open() reports success without a handle (a broken module)
 *   PPM_MODULE_CLAIM_SIDE                    describe_level() claims this many pixels a side at full size
 *   PPM_MODULE_FAIL_READ                     every tile and region read fails
 *   PPM_MODULE_NO_ENTRY                      the entry symbol is missing
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iipsrv_async_module.h"

#ifndef PPM_MODULE_NAME
#define PPM_MODULE_NAME "ppm"
#endif
#ifndef PPM_MODULE_EXTENSIONS
#define PPM_MODULE_EXTENSIONS "ppm,pgm"
#endif
#ifndef PPM_MODULE_ABI_VERSION
#define PPM_MODULE_ABI_VERSION IIPSRV_ASYNC_MODULE_ABI_VERSION
#endif
#ifndef PPM_MODULE_TILE
#define PPM_MODULE_TILE 256
#endif

struct iipsrv_async_image {
    int fd;
    uint32_t width, height, channels, maxval, levels;
    uint32_t file_bytes;  /* bytes per sample in the file: 1 or 2 */
    uint32_t bits;        /* bits per sample served: 8 or 16 */
    uint64_t data_offset; /* where the samples start */
    char error[256];
};

/* Reads the next header number, skipping whitespace and # comments. Returns 0 on success. */
static int read_number(const unsigned char *header, size_t length, size_t *position, uint32_t *value) {
    size_t at = *position;
    for (;;) {
        while (at < length && (header[at] == ' ' || header[at] == '\t' || header[at] == '\r' || header[at] == '\n'))
            at++;
        if (at < length && header[at] == '#') {
            while (at < length && header[at] != '\n') at++;
            continue;
        }
        break;
    }
    if (at >= length || header[at] < '0' || header[at] > '9') return -1;
    uint64_t number = 0;
    while (at < length && header[at] >= '0' && header[at] <= '9') {
        number = number * 10 + (uint64_t)(header[at] - '0');
        if (number > UINT32_MAX) return -1;
        at++;
    }
    *position = at;
    *value = (uint32_t)number;
    return 0;
}

static int32_t ppm_open(const char *path, iipsrv_async_image **result, char *error, uint32_t error_capacity) {
    *result = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(error, error_capacity, "cannot open: %s", strerror(errno));
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    unsigned char header[512];
    ssize_t length = pread(fd, header, sizeof header, 0);
    uint32_t width = 0, height = 0, maxval = 0;
    size_t position = 2;
    if (length < 3 || header[0] != 'P' || (header[1] != '5' && header[1] != '6')) {
        snprintf(error, error_capacity, "not a binary PGM or PPM file");
        close(fd);
        return IIPSRV_ASYNC_MODULE_UNSUPPORTED;
    }
    if (read_number(header, (size_t)length, &position, &width) != 0
        || read_number(header, (size_t)length, &position, &height) != 0
        || read_number(header, (size_t)length, &position, &maxval) != 0 || position >= (size_t)length) {
        snprintf(error, error_capacity, "a damaged PNM header");
        close(fd);
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    if (width == 0 || height == 0 || maxval == 0 || maxval > 65535) {
        snprintf(error, error_capacity, "a PNM header of %ux%u, maxval %u", width, height, maxval);
        close(fd);
        return IIPSRV_ASYNC_MODULE_UNSUPPORTED;
    }
    iipsrv_async_image *image = calloc(1, sizeof *image);
    if (image == NULL) {
        snprintf(error, error_capacity, "out of memory");
        close(fd);
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    image->fd = fd;
    image->width = width;
    image->height = height;
    image->maxval = maxval;
    image->channels = header[1] == '5' ? 1 : 3;
    image->file_bytes = maxval > 255 ? 2 : 1;
    image->bits = maxval > 255 ? 16 : 8;
    image->data_offset = position + 1; /* one whitespace byte ends the header */
    struct stat status;
    uint64_t needed = image->data_offset + (uint64_t)width * height * image->channels * image->file_bytes;
    if (fstat(fd, &status) != 0 || (uint64_t)status.st_size < needed) {
        snprintf(error, error_capacity, "the samples are truncated (%llu of %llu bytes)",
            (unsigned long long)status.st_size, (unsigned long long)needed);
        close(fd);
        free(image);
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    image->levels = 1;
    uint32_t w = width, h = height;
    while (w > PPM_MODULE_TILE || h > PPM_MODULE_TILE) {
        w /= 2;
        h /= 2;
        image->levels++;
    }
#if defined(PPM_MODULE_CRASH_OPEN)
    // A test build that crashes on every file, as a buggy module might on a hostile one.
    (void)result;
    close(fd);
    free(image);
    volatile int *nowhere = NULL;
    *nowhere = 1;
    return IIPSRV_ASYNC_MODULE_FAILED;
#elif defined(PPM_MODULE_HANG_OPEN)
    // A test build that never returns.
    for (;;) pause();
#elif defined(PPM_MODULE_FAIL_OPEN)
    snprintf(error, error_capacity, "this test build refuses every file (%s)", path);
    close(fd);
    free(image);
    return IIPSRV_ASYNC_MODULE_FAILED;
#elif defined(PPM_MODULE_NULL_HANDLE)
    close(fd);
    free(image);
    return IIPSRV_ASYNC_MODULE_OK;
#else
    *result = image;
    return IIPSRV_ASYNC_MODULE_OK;
#endif
}

static int32_t ppm_describe(iipsrv_async_image *image, iipsrv_async_image_info *info) {
    info->levels = image->levels;
    info->channels = image->channels;
    info->bits_per_sample = image->bits;
    info->reserved = 0;
    return IIPSRV_ASYNC_MODULE_OK;
}

/* The size of `level` (0 = smallest). */
static void level_size(const iipsrv_async_image *image, uint32_t level, uint32_t *width, uint32_t *height) {
    uint32_t halvings = image->levels - 1 - level;
    *width = image->width >> halvings;
    *height = image->height >> halvings;
    if (*width == 0) *width = 1;
    if (*height == 0) *height = 1;
}

static int32_t ppm_describe_level(iipsrv_async_image *image, uint32_t level, iipsrv_async_level_info *info) {
    if (level >= image->levels) {
        snprintf(image->error, sizeof image->error, "no level %u", level);
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    level_size(image, level, &info->width, &info->height);
#ifdef PPM_MODULE_CLAIM_SIDE
    if (level == image->levels - 1) {
        info->width = PPM_MODULE_CLAIM_SIDE;
        info->height = PPM_MODULE_CLAIM_SIDE;
    }
#endif
    info->tile_width = PPM_MODULE_TILE;
    info->tile_height = PPM_MODULE_TILE;
    return IIPSRV_ASYNC_MODULE_OK;
}

/* One file sample, scaled to the full range of the served sample size. */
static uint32_t sample(const iipsrv_async_image *image, const unsigned char *bytes) {
    uint32_t value = image->file_bytes == 2 ? (uint32_t)bytes[0] << 8 | bytes[1] : bytes[0];
    if (value > image->maxval) value = image->maxval;
    uint32_t top = image->bits == 16 ? 65535 : 255;
    return image->maxval == top ? value : (uint32_t)(((uint64_t)value * top + image->maxval / 2) / image->maxval);
}

static int32_t ppm_read_region(
    iipsrv_async_image *image, uint32_t level, uint32_t x, uint32_t y, iipsrv_async_pixels *pixels) {
#ifdef PPM_MODULE_FAIL_READ
    snprintf(image->error, sizeof image->error, "this test build fails every read");
    return IIPSRV_ASYNC_MODULE_FAILED;
#endif
    uint32_t level_width, level_height;
    if (level >= image->levels) {
        snprintf(image->error, sizeof image->error, "no level %u", level);
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    level_size(image, level, &level_width, &level_height);
    uint32_t width = pixels->width, height = pixels->height, channels = image->channels;
    uint64_t bytes_per_sample = image->bits / 8;
    if (pixels->channels != channels || pixels->bits_per_sample != image->bits || width == 0 || height == 0
        || x >= level_width || y >= level_height || width > level_width - x || height > level_height - y
        || pixels->row_bytes < (uint64_t)width * channels * bytes_per_sample
        || pixels->capacity / pixels->row_bytes < height) {
        snprintf(image->error, sizeof image->error, "a buffer that does not match the request");
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    uint32_t halvings = image->levels - 1 - level;
    uint32_t block = 1u << halvings;
    /* The full-resolution columns under the region, and one row of them as stored. */
    uint64_t first_column = (uint64_t)x << halvings;
    uint64_t end_column = ((uint64_t)x + width) << halvings;
    if (end_column > image->width) end_column = image->width;
    size_t row_length = (size_t)(end_column - first_column) * channels * image->file_bytes;
    unsigned char *row = malloc(row_length);
    uint64_t *sums = malloc((size_t)width * channels * sizeof *sums);
    if (row == NULL || sums == NULL) {
        free(row);
        free(sums);
        snprintf(image->error, sizeof image->error, "out of memory");
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    int32_t status = IIPSRV_ASYNC_MODULE_OK;
    for (uint32_t out_y = 0; out_y < height && status == IIPSRV_ASYNC_MODULE_OK; out_y++) {
        memset(sums, 0, (size_t)width * channels * sizeof *sums);
        uint64_t first_row = ((uint64_t)y + out_y) << halvings;
        uint64_t end_row = first_row + block;
        if (end_row > image->height) end_row = image->height;
        for (uint64_t source_y = first_row; source_y < end_row; source_y++) {
            uint64_t offset = image->data_offset
                + (source_y * image->width + first_column) * channels * image->file_bytes;
            if (pread(image->fd, row, row_length, (off_t)offset) != (ssize_t)row_length) {
                snprintf(image->error, sizeof image->error, "cannot read row %llu", (unsigned long long)source_y);
                status = IIPSRV_ASYNC_MODULE_FAILED;
                break;
            }
            for (uint64_t column = 0; column < end_column - first_column; column++) {
                uint64_t out_x = column >> halvings;
                for (uint32_t c = 0; c < channels; c++)
                    sums[out_x * channels + c] += sample(image, row + (column * channels + c) * image->file_bytes);
            }
        }
        unsigned char *target = pixels->data + (uint64_t)out_y * pixels->row_bytes;
        for (uint32_t out_x = 0; out_x < width; out_x++) {
            uint64_t columns_end = ((uint64_t)x + out_x + 1) << halvings;
            if (columns_end > image->width) columns_end = image->width;
            uint64_t count = (columns_end - (((uint64_t)x + out_x) << halvings)) * (end_row - first_row);
            for (uint32_t c = 0; c < channels; c++) {
                uint64_t value = (sums[out_x * channels + c] + count / 2) / count;
                if (image->bits == 16) {
                    uint16_t wide = (uint16_t)value;
                    memcpy(target + ((uint64_t)out_x * channels + c) * 2, &wide, 2);
                } else {
                    target[(uint64_t)out_x * channels + c] = (unsigned char)value;
                }
            }
        }
    }
    free(row);
    free(sums);
    return status;
}

static int32_t ppm_read_tile(iipsrv_async_image *image, uint32_t level, uint32_t tile, iipsrv_async_pixels *pixels) {
    uint32_t level_width, level_height;
    if (level >= image->levels) {
        snprintf(image->error, sizeof image->error, "no level %u", level);
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    level_size(image, level, &level_width, &level_height);
    uint32_t across = (level_width + PPM_MODULE_TILE - 1) / PPM_MODULE_TILE;
    uint32_t down = (level_height + PPM_MODULE_TILE - 1) / PPM_MODULE_TILE;
    if (tile >= across * down) {
        snprintf(image->error, sizeof image->error, "no tile %u", tile);
        return IIPSRV_ASYNC_MODULE_FAILED;
    }
    return ppm_read_region(image, level, tile % across * PPM_MODULE_TILE, tile / across * PPM_MODULE_TILE, pixels);
}

static void ppm_close(iipsrv_async_image *image) {
    if (image == NULL) return;
    close(image->fd);
    free(image);
}

static const char *ppm_error_text(iipsrv_async_image *image) {
    return image->error[0] != '\0' ? image->error : NULL;
}

static const iipsrv_async_module table = {
    .abi_version = PPM_MODULE_ABI_VERSION,
    .reserved = 0,
    .name = PPM_MODULE_NAME,
    .extensions = PPM_MODULE_EXTENSIONS,
    .open = ppm_open,
    .describe = ppm_describe,
    .describe_level = ppm_describe_level,
    .read_tile = ppm_read_tile,
#ifdef PPM_MODULE_TILES_ONLY
    .read_region = NULL,
#else
    .read_region = ppm_read_region,
#endif
    .close = ppm_close,
    .error_text = ppm_error_text,
};

#ifndef PPM_MODULE_NO_ENTRY
__attribute__((visibility("default"))) const iipsrv_async_module *iipsrv_async_module_entry(void) {
    return &table;
}
#else
__attribute__((visibility("default"))) const iipsrv_async_module *some_other_symbol(void) {
    return &table;
}
#endif
