/* The header compiles when included twice (its include guard works), as C and as C++. */
#include "hxjwt.h"
#include "hxjwt.h"

int main(void) {
    return hx_version() == 0;
}
