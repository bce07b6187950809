// Prints the linker-script lines for the link test's image.
#include <cstdio>
#include <cstring>

#include "layout.hpp"

// print_fragment          linked and loaded at the table base
// print_fragment high     linked in the higher half, loaded at the table base (VMA != LMA)
int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "high") == 0)
        std::fputs(ptgen::boot::linker_script_fragment(
                       link_test::image, ptgen::boot::placement{0xffff'ffff'8040'0000})
                       .c_str(),
                   stdout);
    else
        std::fputs(ptgen::boot::linker_script_fragment(link_test::image).c_str(), stdout);
    return 0;
}
