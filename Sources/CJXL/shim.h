#include <jxl/encode.h>
#include <jxl/decode.h>
