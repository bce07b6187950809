// Prints the linker-script lines for the link test's image.
#include <cstdio>

#include "layout.hpp"

int main() {
    std::fputs(ptgen::boot::linker_script_fragment(link_test::image).c_str(), stdout);
    return 0;
}
