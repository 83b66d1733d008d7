// The system zlib (Debian's zlib1g-dev), for decoding the PNG screenshots of the browser test.
#include <zlib.h>
