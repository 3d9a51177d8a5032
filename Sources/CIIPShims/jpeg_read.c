// JPEG reading with libjpeg(-turbo)'s full API: scaled decoding (1/2, 1/4, 1/8) of just a rectangle, with
// jpeg_crop_scanline and jpeg_skip_scanlines, and the markers that carry metadata. libjpeg reports errors with
// longjmp, which Swift code must never be jumped over, so every call runs its whole libjpeg session here.
#include "iip_shims.h"

#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct iip_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
    size_t message_size;
} iip_jpeg_error;

static void iip_jpeg_error_exit(j_common_ptr info) {
    iip_jpeg_error *error = (iip_jpeg_error *)info->err;
    if (error->message != NULL && error->message_size > 0) {
        char text[JMSG_LENGTH_MAX];
        (*info->err->format_message)(info, text);
        snprintf(error->message, error->message_size, "%s", text);
    }
    longjmp(error->jump, 1);
}

// Warnings (a truncated or slightly corrupt stream) are not errors: libjpeg fills what is missing with grey, as
// every viewer of such a file shows it.
static void iip_jpeg_emit_message(j_common_ptr info, int level) {
    (void)info;
    (void)level;
}

static void iip_jpeg_prepare(struct jpeg_decompress_struct *info, iip_jpeg_error *error, char *message,
                             size_t message_size) {
    info->err = jpeg_std_error(&error->manager);
    error->manager.error_exit = iip_jpeg_error_exit;
    error->manager.emit_message = iip_jpeg_emit_message;
    error->message = message;
    error->message_size = message_size;
}

// A progressive file may declare any number of scans, each a pass over the whole coefficient image: more than
// this many is refused (libjpeg-turbo's own advice for untrusted files).
enum { IIP_JPEG_MAX_SCANS = 500 };

static void iip_jpeg_progress(j_common_ptr info) {
    if (!info->is_decompressor) return;
    j_decompress_ptr decompress = (j_decompress_ptr)info;
    if (decompress->input_scan_number > IIP_JPEG_MAX_SCANS) {
        iip_jpeg_error *error = (iip_jpeg_error *)info->err;
        if (error->message != NULL && error->message_size > 0) {
            snprintf(error->message, error->message_size, "more than %d progressive scans", IIP_JPEG_MAX_SCANS);
        }
        longjmp(error->jump, 1);
    }
}

static unsigned char *iip_jpeg_copy(const unsigned char *data, size_t length) {
    unsigned char *copy = (unsigned char *)malloc(length > 0 ? length : 1);
    if (copy != NULL) memcpy(copy, data, length);
    return copy;
}

static const char iip_xmp_identifier[] = "http://ns.adobe.com/xap/1.0/";  // followed by a NUL
static const char iip_exif_identifier[] = "Exif\0";                        // "Exif\0\0"

int iip_jpeg_read_header(FILE *file, int64_t max_metadata, iip_jpeg_header *header, char *error_message,
                         size_t error_size) {
    struct jpeg_decompress_struct info;
    iip_jpeg_error error;
    memset(header, 0, sizeof(*header));
    iip_jpeg_prepare(&info, &error, error_message, error_size);
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        iip_free(header->icc);
        iip_free(header->xmp);
        iip_free(header->exif);
        header->icc = header->xmp = header->exif = NULL;
        return 0;
    }
    jpeg_create_decompress(&info);
    rewind(file);
    jpeg_stdio_src(&info, file);
    jpeg_save_markers(&info, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(&info, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&info, TRUE);
    // A Huffman code is at least one bit and the first scan codes at least one block of every MCU, so a file of fewer
    // bits than its MCUs cannot hold its picture: a few hundred bytes claiming a gigapixel would otherwise cost a
    // full decode of grey for every tile (found by FuzzJPEG). Arithmetic coding can go below a bit a block and is
    // not checked. A file truncated less than this is still read, grey where its data ends.
    struct stat status;
    if (!info.arith_code && fstat(fileno(file), &status) == 0) {
        uint64_t mcu_width = 8 * (uint64_t)(info.max_h_samp_factor > 0 ? info.max_h_samp_factor : 1);
        uint64_t mcu_height = 8 * (uint64_t)(info.max_v_samp_factor > 0 ? info.max_v_samp_factor : 1);
        uint64_t mcus = ((info.image_width + mcu_width - 1) / mcu_width) *
                        ((info.image_height + mcu_height - 1) / mcu_height);
        if ((uint64_t)status.st_size * 8 < mcus) {
            snprintf(error_message, error_size, "%lld bytes cannot hold a %ux%u image (%llu MCUs): truncated",
                     (long long)status.st_size, info.image_width, info.image_height, (unsigned long long)mcus);
            jpeg_destroy_decompress(&info);
            return 0;
        }
    }
    header->width = info.image_width;
    header->height = info.image_height;
    header->components = info.num_components;
    header->color_space = (int)info.jpeg_color_space;
    header->progressive = info.progressive_mode ? 1 : 0;
    if (info.saw_JFIF_marker) {
        header->density_unit = info.density_unit;
        header->x_density = info.X_density;
        header->y_density = info.Y_density;
    }
    for (jpeg_saved_marker_ptr marker = info.marker_list; marker != NULL; marker = marker->next) {
        if (marker->marker != JPEG_APP0 + 1) continue;
        size_t xmp_prefix = sizeof(iip_xmp_identifier);  // includes the NUL
        size_t exif_prefix = 6;
        if (header->xmp == NULL && marker->data_length > xmp_prefix &&
            memcmp(marker->data, iip_xmp_identifier, xmp_prefix) == 0 &&
            (max_metadata < 0 || (int64_t)(marker->data_length - xmp_prefix) <= max_metadata)) {
            header->xmp_length = marker->data_length - xmp_prefix;
            header->xmp = iip_jpeg_copy(marker->data + xmp_prefix, header->xmp_length);
        } else if (header->exif == NULL && marker->data_length > exif_prefix &&
                   memcmp(marker->data, iip_exif_identifier, exif_prefix) == 0 &&
                   (max_metadata < 0 || (int64_t)(marker->data_length - exif_prefix) <= max_metadata)) {
            header->exif_length = marker->data_length - exif_prefix;
            header->exif = iip_jpeg_copy(marker->data + exif_prefix, header->exif_length);
        }
    }
    JOCTET *icc = NULL;
    unsigned int icc_length = 0;
    if (jpeg_read_icc_profile(&info, &icc, &icc_length) && icc != NULL) {
        if (max_metadata < 0 || (int64_t)icc_length <= max_metadata) {
            header->icc = iip_jpeg_copy(icc, icc_length);
            header->icc_length = icc_length;
        }
        free(icc);
    }
    jpeg_destroy_decompress(&info);
    return 1;
}

void iip_jpeg_header_free(iip_jpeg_header *header) {
    iip_free(header->icc);
    iip_free(header->xmp);
    iip_free(header->exif);
    header->icc = header->xmp = header->exif = NULL;
}

int iip_jpeg_decode_area(FILE *file, int scale_denominator, uint32_t x, uint32_t y, uint32_t width, uint32_t height,
                         int channels, int fast, int64_t max_memory, unsigned char *output, size_t capacity,
                         char *error_message, size_t error_size) {
    struct jpeg_decompress_struct info;
    iip_jpeg_error error;
    unsigned char *volatile row = NULL;
    iip_jpeg_prepare(&info, &error, error_message, error_size);
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        free(row);
        return 0;
    }
    if (width == 0 || height == 0 || (channels != 1 && channels != 3) ||
        (size_t)width * height * (size_t)channels > capacity) {
        snprintf(error_message, error_size, "bad decode request");
        return 0;
    }
    jpeg_create_decompress(&info);
    struct jpeg_progress_mgr progress = {.progress_monitor = iip_jpeg_progress};
    info.progress = &progress;
    if (max_memory > 0) info.mem->max_memory_to_use = (long)max_memory;
    rewind(file);
    jpeg_stdio_src(&info, file);
    jpeg_read_header(&info, TRUE);
    info.scale_num = 1;
    info.scale_denom = (unsigned int)scale_denominator;
    info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    info.dct_method = fast ? JDCT_IFAST : JDCT_ISLOW;
    jpeg_start_decompress(&info);
    if ((uint64_t)x + width > info.output_width || (uint64_t)y + height > info.output_height ||
        info.output_components != channels) {
        snprintf(error_message, error_size, "the area %ux%u+%u+%u is outside the %ux%u scaled image", width, height,
                 x, y, info.output_width, info.output_height);
        jpeg_destroy_decompress(&info);
        return 0;
    }
    // Fancy chroma upsampling treats the edges of a cropped area as image edges, so the crop reaches one pixel
    // past the area on each side: then every pixel of the area equals the whole image's decode.
    JDIMENSION crop_x = x > 0 ? x - 1 : 0;
    JDIMENSION crop_end = x + width + 1 < info.output_width ? x + width + 1 : info.output_width;
    JDIMENSION crop_width = crop_end - crop_x;
    if (crop_x != 0 || crop_width != info.output_width) jpeg_crop_scanline(&info, &crop_x, &crop_width);
    row = (unsigned char *)malloc((size_t)crop_width * (size_t)channels);
    if (row == NULL) {
        snprintf(error_message, error_size, "out of memory");
        jpeg_destroy_decompress(&info);
        return 0;
    }
    if (y > 0) jpeg_skip_scanlines(&info, y);
    size_t offset = (size_t)(x - crop_x) * (size_t)channels;
    size_t stride = (size_t)width * (size_t)channels;
    for (uint32_t line = 0; line < height; line++) {
        JSAMPROW rows[1] = {row};
        if (jpeg_read_scanlines(&info, rows, 1) != 1) {
            snprintf(error_message, error_size, "the JPEG stream ended early");
            free(row);
            jpeg_destroy_decompress(&info);
            return 0;
        }
        memcpy(output + (size_t)line * stride, row + offset, stride);
    }
    free(row);
    jpeg_abort_decompress(&info);
    jpeg_destroy_decompress(&info);
    return 1;
}
