// ptgen/boot/section.hpp: the image emitted as a constinit, root-aligned array in a linker
// section, and the linker-script line that makes a wrong placement fail the link.
//
// Linker-script fragment (the section must start at the layout's table_base), to INCLUDE at
// the top level of the kernel's script:
//
//     SECTIONS { .ptgen.boot 0x80400000 : ALIGN(0x1000) { KEEP(*(.ptgen.boot)) } }
//     ASSERT(ADDR(.ptgen.boot) == 0x80400000, "ptgen: .ptgen.boot must be linked at ...");
//
// linker_script_fragment(image) produces these lines for an image (print them from a small
// host program at build time, as tests/link/ does, or write them by hand from the layout).
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include "build.hpp"
#include "text.hpp"

// A constinit copy of `img` named `name`, in section `section_name`, aligned for the root table.
// (A constinit variable cannot be read by static_assert: check the constexpr image instead.)
#define PTGEN_BOOT_TABLES_IN_SECTION(name, img, section_name)                                    \
    alignas(::std::remove_cvref_t<decltype(img)>::alignment)                                \
        __attribute__((section(section_name), used)) constinit ::std::array<                      \
            typename ::std::remove_cvref_t<decltype(img)>::entry,                           \
            ::std::remove_cvref_t<decltype(img)>::entries> name = (img).tables

#define PTGEN_BOOT_TABLES(name, img) PTGEN_BOOT_TABLES_IN_SECTION(name, img, ".ptgen.boot")

namespace ptgen::boot {

// Linker-script lines for an image, to INCLUDE at the top level of a script (after its own
// SECTIONS): a SECTIONS command that places `section` at the image's base, and an ASSERT that
// fails the link if anything moves it (GNU ld and lld accept both).
template <class Image>
constexpr fixed_text<320> linker_script_fragment(const Image& img,
                                                 const char* section = ".ptgen.boot") {
    fixed_text<320> t;
    t.append("SECTIONS { ");
    t.append(section);
    t.append(" ");
    t.append_hex(img.base);
    t.append(" : ALIGN(");
    t.append_hex(Image::alignment);
    t.append(") { KEEP(*(");
    t.append(section);
    t.append(")) } }\nASSERT(ADDR(");
    t.append(section);
    t.append(") == ");
    t.append_hex(img.base);
    t.append(", \"ptgen: ");
    t.append(section);
    t.append(" must be linked at ");
    t.append_hex(img.base);
    t.append(", the table_base of its layout\");\n");
    return t;
}

}  // namespace ptgen::boot
